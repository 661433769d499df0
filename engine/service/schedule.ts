/**
 * What the service (`syncspec start`) starts, decided without clocks or timers: given each sync's
 * schedule and history, the runs queued by `syncspec trigger` and what is running now, which runs
 * start and when to look again. The runner (service.ts) only reads the store, calls this and
 * starts what it says.
 *
 * Concurrency follows `runProject` (and engine/runtime/limited.ts): at most `limit` runs at once,
 * one at a time per group (the syncs of one connector share the API's budget), and never a sync
 * alongside itself.
 */
import type { Schedule } from '../core/types.js';
import { nextRun } from '../schedule/parse.js';
import type { PendingRun, RunStatus } from '../store/store.js';

/** How long a pending run whose claim was refused (the sync runs in another process) waits before the next try. */
export const PENDING_RETRY_MS = 5_000;

/**
 * A failed scheduled run is tried again after this, doubling with each failure in a row, up to
 * RETRY_MAX_MS — or at the schedule's next slot, when that comes first: a `1d` sync whose API was
 * down a minute does not wait a day.
 */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 3_600_000;

export interface ScheduledSync {
  name: string;
  schedule: Schedule;
  /** Syncs of one group run one after another (the connector). */
  group: string;
}

export interface SyncHistory {
  /**
   * The sync's latest run that started (not a pending one), from the store: any process's, and how
   * many of its latest runs failed in a row (the latest included; 0 when it did not fail).
   */
  lastRun?: { startedAt: Date; status: RunStatus; failuresInRow?: number };
  /**
   * The last time this service tried to run the sync and the store recorded nothing for it: its
   * lock was held elsewhere (`skipped`), or the attempt failed before a run was recorded.
   */
  refusedAt?: Date;
}

/** The latest started run of a sync's recent runs (pending ones left out), with its failures in a row. */
export function lastRunOf(runs: readonly { startedAt: string; status: RunStatus }[]): SyncHistory['lastRun'] {
  const started = runs.filter((run) => run.status !== 'pending').sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  if (started.length === 0) return undefined;
  const ok = started.findIndex((run) => run.status !== 'failed');
  return { startedAt: new Date(started[0].startedAt), status: started[0].status, failuresInRow: ok < 0 ? started.length : ok };
}

export interface PlanInput {
  now: Date;
  /** In the config's order: it breaks ties between syncs due at the same time. */
  syncs: readonly ScheduledSync[];
  history: ReadonlyMap<string, SyncHistory>;
  /** Queued runs, oldest first (store.pendingRuns()). */
  pending: readonly PendingRun[];
  /** Syncs running in this service now. */
  running: ReadonlySet<string>;
  limit: number;
  /** IANA time zone for cron expressions; default the machine's. */
  timezone?: string;
}

export type PlannedRun =
  | { sync: string; trigger: 'trigger'; pending: PendingRun }
  | { sync: string; trigger: 'schedule' };

export interface Plan {
  /** Runs to start now, in order. */
  start: PlannedRun[];
  /** The earliest moment a scheduled sync not started now becomes due; null when none will. */
  wakeAt: Date | null;
}

/**
 * When a sync's schedule next wants it to run: null for a manual sync. A sync that never ran is due
 * at once; one whose latest run was interrupted (cancelled by a stop, or still `running` in the store
 * with no run of ours behind it: a killed process, whose lock the next run takes over) is due at once
 * too, to resume its cycle. Otherwise the schedule counts from the latest start; a failed run is
 * retried sooner, after a backoff that doubles with each failure in a row (1 min, 2 min … 1 h), so
 * a failing source is neither hammered in a loop nor left for a whole slot. After a refusal
 * the schedule counts from the refusal instead, so a sync running elsewhere is not asked again and
 * again.
 */
export function dueAt(schedule: Schedule, history: SyncHistory, now: Date, timezone?: string): Date | null {
  if (schedule.kind === 'manual') return null;
  const { lastRun, refusedAt } = history;
  if (refusedAt && (!lastRun || refusedAt >= lastRun.startedAt)) return nextRun(schedule, refusedAt, { timezone });
  if (!lastRun) return now;
  if (lastRun.status === 'cancelled' || lastRun.status === 'running') return lastRun.startedAt;
  const slot = nextRun(schedule, lastRun.startedAt, { timezone });
  if (lastRun.status !== 'failed' || slot === null) return slot;
  const backoff = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, (lastRun.failuresInRow ?? 1) - 1), RETRY_MAX_MS);
  return new Date(Math.min(slot.getTime(), lastRun.startedAt.getTime() + backoff));
}

/**
 * The runs to start now. Queued runs come first (oldest first; manual syncs included), then the
 * scheduled syncs that are due, the most overdue first. A queued run also stands for its sync's
 * schedule: once it has run, the schedule counts from it. A sync with several queued runs runs them
 * one after another.
 */
export function plan(input: PlanInput): Plan {
  if (!Number.isSafeInteger(input.limit) || input.limit < 1) {
    throw new RangeError(`a concurrency limit must be a whole number of at least 1, got ${String(input.limit)}`);
  }
  const { now } = input;
  const known = new Map(input.syncs.map((sync) => [sync.name, sync]));
  const busySyncs = new Set(input.running);
  const busyGroups = new Set(input.syncs.filter((sync) => input.running.has(sync.name)).map((sync) => sync.group));
  const start: PlannedRun[] = [];
  const canStart = (sync: ScheduledSync) => busySyncs.size < input.limit && !busySyncs.has(sync.name) && !busyGroups.has(sync.group);
  const take = (sync: ScheduledSync, run: PlannedRun) => {
    start.push(run);
    busySyncs.add(sync.name);
    busyGroups.add(sync.group);
  };

  const queued = new Set<string>();
  for (const pending of input.pending) {
    const sync = known.get(pending.sync);
    // A run queued for a sync the config no longer enables waits until it does (the runner says so once).
    if (!sync) continue;
    queued.add(sync.name);
    const refusedAt = input.history.get(sync.name)?.refusedAt;
    if (refusedAt && now.getTime() - refusedAt.getTime() < PENDING_RETRY_MS) continue;
    if (canStart(sync)) take(sync, { sync: sync.name, trigger: 'trigger', pending });
  }

  const due: { sync: ScheduledSync; at: Date; order: number }[] = [];
  let wakeAt: Date | null = null;
  input.syncs.forEach((sync, order) => {
    if (queued.has(sync.name) || input.running.has(sync.name)) return;
    const at = dueAt(sync.schedule, input.history.get(sync.name) ?? {}, now, input.timezone);
    if (at === null) return;
    if (at <= now) due.push({ sync, at, order });
    else if (wakeAt === null || at < wakeAt) wakeAt = at;
  });
  due.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  for (const { sync } of due) if (canStart(sync)) take(sync, { sync: sync.name, trigger: 'schedule' });
  return { start, wakeAt };
}

/** A schedule as the service's log shows it: `manual`, `every 5m`, `cron 0 3 * * *`. */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return 'manual';
    case 'interval':
      return `every ${schedule.text}`;
    case 'cron':
      return `cron ${schedule.expression}`;
  }
}
