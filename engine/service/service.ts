/**
 * The long-running service (`syncspec start`): runs each sync when its schedule says, and the runs
 * `syncspec trigger` queued, until stopped. What starts when is decided by schedule.ts; this file
 * reads the store, starts those runs and logs them.
 *
 * Stopping: the graceful `signal` stops scheduling, and each running sync finishes the page in
 * flight, commits it and ends as cancelled (the loop's own stop); `abortSignal` aborts the requests
 * in flight too. The service returns once every run has ended.
 */
import type { SyncDefinition } from '../core/types.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { OpenedProject } from '../project.js';
import { runCycle, type CycleSummary, type RunEvent } from '../runtime/loop.js';
import { SERVICE_LOCK, takeLock } from '../runtime/lock.js';
import { runLogLine } from '../log/run-log.js';
import type { PendingRun, Store } from '../store/store.js';
import { describeSchedule, lastRunOf, plan, type PlannedRun, type SyncHistory } from './schedule.js';

/** How often the service looks for runs queued by `syncspec trigger` (and refreshes what it knows). */
export const POLL_MS = 500;

/** What the service runs: a project's enabled syncs (see `serviceOf`), or a library's own. */
export interface ServiceInput {
  syncs: SyncDefinition[];
  /** Syncs of one group run one after another: their connector. */
  groupOf(sync: SyncDefinition): string;
  store: Store;
  /** At most this many runs at once (the config's `concurrency`). */
  concurrency: number;
  /** Removes secrets from error texts (run history); the logger redacts on its own. */
  redact?: (text: string) => string;
}

export interface ServiceOptions {
  logger: Logger;
  /** Stop: no new run starts; running ones finish their page, commit and end cancelled. */
  signal?: AbortSignal;
  /** Abort the requests in flight too (nothing of them commits). */
  abortSignal?: AbortSignal;
  /** @default POLL_MS */
  pollMs?: number;
  /** Every run's events as they happen (the progress bars of `start` on a terminal). */
  onEvent?: (event: RunEvent) => void;
}

export function serviceOf(opened: OpenedProject): ServiceInput {
  const connectorOf = new Map(opened.connectors.flatMap((connector) => connector.syncs.map((sync) => [sync, connector.name] as const)));
  return {
    syncs: opened.syncs,
    groupOf: (sync) => connectorOf.get(sync) ?? sync.name,
    store: opened.store,
    concurrency: opened.project.concurrency,
    redact: opened.redact,
  };
}

export async function runService(input: ServiceInput, options: ServiceOptions): Promise<void> {
  const { store } = input;
  const { logger } = options;
  const signal = options.signal ?? new AbortController().signal;
  const pollMs = options.pollMs ?? POLL_MS;
  const byName = new Map(input.syncs.map((sync) => [sync.name, sync]));
  const scheduled = input.syncs.map((sync) => ({ name: sync.name, schedule: sync.schedule, group: input.groupOf(sync) }));
  const running = new Map<string, Promise<void>>();
  const refusedAt = new Map<string, Date>();
  const reportedOrphans = new Set<number>();
  const wakeup = new Wakeup();
  signal.addEventListener('abort', () => wakeup.wake(), { once: true });
  options.abortSignal?.addEventListener('abort', () => logger.warn('aborting: the requests in flight are abandoned, nothing of them commits'), { once: true });

  // Held while the service runs: `trigger` tells from it whether its run will be picked up. A second
  // service on the same database runs all the same (the lock of each sync keeps them apart).
  const presence = await takeLock(store, SERVICE_LOCK);
  const manual = scheduled.filter((sync) => sync.schedule.kind === 'manual').length;
  logger.info(
    { syncs: Object.fromEntries(scheduled.map((sync) => [sync.name, describeSchedule(sync.schedule)])), concurrency: input.concurrency },
    `service started: ${scheduled.length - manual} scheduled sync(s), ${manual} manual (run when triggered); at most ${input.concurrency} at once`,
  );

  const launch = (run: PlannedRun) => {
    const sync = byName.get(run.sync)!;
    const work = runOne(sync, run, input, options, signal)
      .then((summary) => {
        if (summary.status === 'skipped') refusedAt.set(sync.name, new Date());
      })
      .catch((error: unknown) => {
        // Nothing reliable was recorded (the store failed): wait for the next slot rather than retry at once.
        refusedAt.set(sync.name, new Date());
        logger.error({ sync: sync.name, trigger: run.trigger, error: describeError(error) }, `${sync.name}: the run could not be carried out: ${describeError(error)}`);
      })
      .finally(() => {
        running.delete(sync.name);
        wakeup.wake();
      });
    running.set(sync.name, work);
  };

  while (!signal.aborted) {
    let sleepMs = pollMs;
    try {
      const pending = await store.pendingRuns();
      reportOrphans(pending, byName, reportedOrphans, logger);
      const history = await readHistory(store, input.syncs, pending, refusedAt);
      const now = new Date();
      const next = plan({ now, syncs: scheduled, history, pending, running: new Set(running.keys()), limit: input.concurrency });
      for (const run of next.start) if (!signal.aborted) launch(run);
      if (next.wakeAt) sleepMs = Math.max(0, Math.min(pollMs, next.wakeAt.getTime() - Date.now()));
    } catch (error) {
      // A busy or briefly unavailable database: try again at the next poll.
      logger.error({ error: describeError(error) }, `could not read the run history: ${describeError(error)}`);
    }
    await wakeup.wait(sleepMs);
  }

  if (running.size > 0) {
    logger.info({ running: [...running.keys()] }, `stopping: ${[...running.keys()].join(', ')} finish the page in flight and commit`);
  }
  await Promise.all(running.values());
  if (presence.acquired) await presence.release();
  logger.info('service stopped');
}

function runOne(sync: SyncDefinition, run: PlannedRun, input: ServiceInput, options: ServiceOptions, signal: AbortSignal): Promise<CycleSummary> {
  return runCycle(sync, {
    store: input.store,
    signal,
    abortSignal: options.abortSignal,
    redact: input.redact,
    onEvent: (event) => {
      options.onEvent?.(event);
      logEvent(options.logger, run, event);
    },
    trigger: run.trigger,
    ...(run.trigger === 'trigger' ? { runId: run.pending.id, full: run.pending.full } : {}),
  });
}

/**
 * The same lines as `syncspec run` logs (engine/log/run-log.ts), plus why the run ran. Commits are
 * debug lines: a service's log says when runs start and end; their pages are in `syncspec runs logs`.
 */
function logEvent(logger: Logger, run: PlannedRun, event: RunEvent): void {
  const line = runLogLine(event);
  const fields = { ...line.fields, trigger: run.trigger };
  if (event.type === 'commit') return logger.debug(fields, line.message);
  if (event.type === 'finish' && event.summary.status === 'skipped') {
    const next = run.trigger === 'trigger' ? `run ${run.pending.id} stays queued` : 'it is tried again at its next scheduled time';
    return logger.warn(fields, `${line.message}; ${next}`);
  }
  logger[line.level](fields, `${line.message}${event.type === 'start' ? ` [${run.trigger}]` : ''}`);
}

/** Queued runs of syncs the config does not enable (changed since they were queued) wait; said once. */
function reportOrphans(pending: PendingRun[], byName: Map<string, SyncDefinition>, reported: Set<number>, logger: Logger): void {
  for (const run of pending) {
    if (byName.has(run.sync) || reported.has(run.id)) continue;
    reported.add(run.id);
    logger.warn({ runId: run.id, sync: run.sync }, `run ${run.id} of ${run.sync} stays queued: the config does not enable that sync`);
  }
}

/**
 * Each sync's latest started run, from the store. A claimed queued run keeps the id it was queued
 * with, so runs started after it was queued may have higher ids: the latest start is looked for
 * among the few most recent runs, not taken from the highest id.
 */
async function readHistory(store: Store, syncs: SyncDefinition[], pending: PendingRun[], refusedAt: Map<string, Date>): Promise<Map<string, SyncHistory>> {
  const history = new Map<string, SyncHistory>();
  for (const sync of syncs) {
    const queued = pending.filter((run) => run.sync === sync.name).length;
    // Enough runs to count failures in a row until the backoff reaches its longest.
    const lastRun = lastRunOf(await store.listRuns({ sync: sync.name, limit: queued + 8 }));
    history.set(sync.name, {
      ...(lastRun ? { lastRun } : {}),
      ...(refusedAt.has(sync.name) ? { refusedAt: refusedAt.get(sync.name) } : {}),
    });
  }
  return history;
}

/** A sleep that a finished run or a stop cuts short; a wake while nobody sleeps cuts the next sleep. */
class Wakeup {
  private woken = false;
  private cut: (() => void) | undefined;

  wake(): void {
    if (this.cut) this.cut();
    else this.woken = true;
  }

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.cut = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cut = done;
    });
  }
}
