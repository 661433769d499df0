/**
 * The lines a run leaves in its history (`syncspec runs logs <id>`): its start, one per commit, one
 * per batch of failed records, and its end. Built here from what the run tells (run-history.ts),
 * written with the run's next commit — never one write per record.
 */
import type { FailedRecord, RateLimitWait } from '../core/types.js';
import { formatDuration } from '../core/duration.js';
import type { Cycle, RunLogEntry, RunTrigger } from '../store/store.js';
import type { CycleSummary } from './run-types.js';

/** How many failed records a warning names; every one is in the run's failures. */
const FAILURES_NAMED = 5;

const at = (): string => new Date().toISOString();

export function startEntry(cycle: Cycle, trigger: RunTrigger): RunLogEntry {
  const what = cycle.resumed ? 'resumed' : 'started';
  return {
    at: at(), level: 'info', message: `cycle ${cycle.id} ${what}${cycle.full ? ' (full)' : ''}`,
    fields: { cycle: cycle.id, full: cycle.full, resumed: cycle.resumed, trigger },
  };
}

export function resyncEntry(cycle: Cycle): RunLogEntry {
  return {
    at: at(), level: 'warn', message: `the saved position expired: resyncing in full (cycle ${cycle.id})`,
    fields: { cycle: cycle.id, full: true, resumed: false },
  };
}

export interface CommitCounts {
  partition: string;
  upserted: number;
  deleted: number;
  failed: FailedRecord[];
  /** This commit's requests and retries. */
  requests: number;
  retries: number;
}

/** The commit's line, and a warning naming its first failed records (reasons redacted). */
export function commitEntries(commit: CommitCounts, redact: (text: string) => string): RunLogEntry[] {
  const { partition, upserted, deleted, failed, requests, retries } = commit;
  const where = partition ? ` [${partition}]` : '';
  const entries: RunLogEntry[] = [{
    at: at(), level: 'info', message: `page committed${where}: ${upserted} upserted, ${deleted} deleted, ${failed.length} failed`,
    fields: { partition, upserted, deleted, failed: failed.length, requests, retries },
  }];
  if (failed.length > 0) {
    const named = failed.slice(0, FAILURES_NAMED).map((failure) => ({ key: failure.key, reason: redact(failure.reason) }));
    const list = named.map((failure) => `${failure.key === null ? '(no key)' : JSON.stringify(failure.key)}: ${failure.reason}`).join('; ');
    const more = failed.length > named.length ? `; and ${failed.length - named.length} more` : '';
    entries.push({
      at: at(), level: 'warn', message: `${failed.length} record(s) failed${where}: ${list}${more}`,
      fields: { partition, failed: named },
    });
  }
  return entries;
}

/** What the end lines say of a run: its summary's counts (its error already redacted), once it ended. */
export type RunEnd = Pick<CycleSummary, 'upserted' | 'deleted' | 'swept' | 'failed' | 'requests' | 'retries' | 'waits' | 'waitedMs' | 'durationMs' | 'error' | 'notSwept'>
  & { status: 'completed' | 'failed' | 'cancelled' };

export function endEntries(end: RunEnd): RunLogEntry[] {
  const counts = {
    upserted: end.upserted, deleted: end.deleted, swept: end.swept, failed: end.failed, requests: end.requests, retries: end.retries,
    waits: end.waits, waitedMs: end.waitedMs, durationMs: end.durationMs,
  };
  const waited = end.waits > 0 ? `, ${end.waits} rate-limit waits (${formatDuration(end.waitedMs)})` : '';
  const entries: RunLogEntry[] = [];
  if (end.notSwept) entries.push({ at: at(), level: 'warn', message: end.notSwept });
  if (end.status === 'completed') {
    const swept = end.swept > 0 ? ` (${end.swept} swept)` : '';
    entries.push({
      at: at(), level: 'info',
      message: `completed in ${formatDuration(end.durationMs)}: ${end.upserted} upserted, ${end.deleted} deleted${swept}, ` +
        `${end.failed} failed, ${end.requests} requests, ${end.retries} retries${waited}`,
      fields: counts,
    });
  } else {
    entries.push({ at: at(), level: end.status === 'failed' ? 'error' : 'warn', message: `${end.status}: ${end.error ?? 'no reason given'}`, fields: counts });
  }
  return entries;
}

/**
 * How far a run is, in percent, from what each partition's last result told (done of total). A
 * sync without partitions is its one partition's fraction; with partitions, each counts equally:
 * finished ones in full, running ones by their fraction, the rest (not started, or no total) as 0.
 */
export class RunProgress {
  private readonly fractions = new Map<string, number>();
  /** A result told a total: from then on the run has a percent. */
  private told = false;

  constructor(private readonly partitions: number) {}

  /** A partition already finished in this cycle (by an earlier run) counts in full. */
  finished(partition: string): void {
    this.fractions.set(partition, 1);
  }

  /** The run's percent after a commit of `partition`; undefined while no result has told a total. */
  update(partition: string, progress: { done: number; total: number } | undefined, partitionDone: boolean): number | undefined {
    if (progress) this.told = true;
    if (partitionDone) this.fractions.set(partition, 1);
    else if (progress && progress.total > 0) this.fractions.set(partition, Math.min(1, Math.max(0, progress.done / progress.total)));
    if (!this.told) return undefined;
    let sum = 0;
    for (const fraction of this.fractions.values()) sum += fraction;
    return (100 * sum) / Math.max(1, this.partitions);
  }
}

/**
 * The run's rate-limit waits (SyncMetrics.onWait): each is told to `started` as it begins (run
 * history and the process log), counted for the run's totals, and kept until the next commit of
 * its partition counts it in the run's record.
 */
export class RunWaits {
  count = 0;
  ms = 0;
  private readonly pending = new Map<string, RateLimitWait[]>();

  constructor(private readonly started: (wait: RateLimitWait, partition: string) => void) {}

  listener(partition: string): (wait: RateLimitWait) => void {
    return (wait) => {
      this.count++;
      this.ms += wait.ms;
      const list = this.pending.get(partition) ?? [];
      list.push(wait);
      this.pending.set(partition, list);
      this.started(wait, partition);
    };
  }

  /** The waits of `partition` since its last commit (or of every partition). */
  take(partition?: string): RateLimitWait[] {
    const keys = partition === undefined ? [...this.pending.keys()] : [partition];
    const waits = keys.flatMap((key) => this.pending.get(key) ?? []);
    for (const key of keys) this.pending.delete(key);
    return waits;
  }
}

/** One line per wait: `waited 7.8 s: 429 rate limited (retry-after: 2.0) — GET https://…`. */
export function waitEntries(waits: RateLimitWait[], partition = ''): RunLogEntry[] {
  const where = partition ? ` [${partition}]` : '';
  return waits.map((wait) => ({
    at: at(), level: 'info',
    message: `waited ${formatDuration(wait.ms)}${where}: ${describeWait(wait)}`,
    fields: { partition, reason: wait.reason, headers: wait.headers, ms: wait.ms, request: wait.request },
  }));
}

/** `429 rate limited (retry-after: 2.0) — GET https://api.example.com/items` */
export function describeWait(wait: RateLimitWait): string {
  return `${wait.reason} (${wait.headers}) — ${wait.request}`;
}
