/**
 * The one runtime loop. It drives any SyncDefinition — compiled from a YAML spec or written in
 * TypeScript — through a cycle: execute(state) until hasMore is false, committing every result's
 * changes together with its nextState in one transaction. It knows nothing about HTTP.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Change, ExecuteResult, FailedRecord, Partition, RateLimitWait, SyncDefinition, SyncMetrics } from '../core/types.js';
import type { Cycle, LockOwner, RunLogEntry, RunTrigger, Store } from '../store/store.js';
import { ResyncRequired, SyncError, describeError } from '../core/errors.js';
import { failpoint } from '../core/failpoints.js';
import { describeLoneSurrogate, escapeLoneSurrogates, loneSurrogateAt } from '../core/text.js';
import { runLimited } from './limited.js';
import { takeLock } from './lock.js';
import { RunProgress, RunWaits, commitEntries, endEntries, resyncEntry, startEntry, waitEntries } from './run-journal.js';

export interface CycleOptions {
  store: Store;
  /** Start a fresh cycle, discarding a resumable one and its checkpoints (`run --full`). */
  full?: boolean;
  /** Stop between pages: the page in flight finishes and commits, then the run ends as cancelled. */
  signal?: AbortSignal;
  /** Abort the work in flight too (a request waiting on a long Retry-After): nothing of it commits. */
  abortSignal?: AbortSignal;
  /** Called after each commit, for progress output. */
  onCommit?: (event: CommitEvent) => void;
  /** Start, every commit, and the end of the run (summary), for logs and progress bars. */
  onEvent?: (event: RunEvent) => void;
  /**
   * Claim this pending run (queued by `syncspec trigger`) instead of recording a new one. When the
   * sync's lock is held elsewhere the run stays pending (summary `skipped`); when it is no longer
   * pending (another runner claimed it), runCycle rejects with the store's error.
   */
  runId?: number;
  /** Why this run runs (run history) when it records a new one. Default 'manual'. */
  trigger?: RunTrigger;
  /** Turns an error into the text stored in run history (secrets redacted). */
  redact?: (text: string) => string;
}

/** What a run reports as it goes, for logs and progress bars (see engine/log, engine/cli/progress). */
export type RunEvent =
  | { type: 'start'; sync: string; runId: number; full: boolean; resumed: boolean }
  | ({ type: 'commit'; runId: number; progress: { done: number; total: number } | null; requests: number } & CommitEvent)
  /** A request waits out the API's rate limit (Retry-After, a spent budget), told as the wait starts. */
  | { type: 'wait'; sync: string; runId: number; partition: string; wait: RateLimitWait }
  | { type: 'finish'; summary: CycleSummary };

export interface CommitEvent {
  sync: string;
  partition: string;
  upserted: number;
  deleted: number;
  failed: number;
}

export interface CycleSummary {
  sync: string;
  /** null when skipped: nothing ran, so nothing was recorded. */
  runId: number | null;
  /** `skipped`: another run (another process) holds the sync's lock; `error` names it. */
  status: 'completed' | 'failed' | 'cancelled' | 'skipped';
  /** The cycle had replace semantics: a replace sync, or a full cycle of an incremental one. */
  full: boolean;
  /** An expired delta position made this run abandon its cycle and resync in full. */
  resynced: boolean;
  /** Why a full cycle closed without its sweep (records failed without a key), else null. */
  notSwept: string | null;
  upserted: number;
  deleted: number;
  swept: number;
  failed: number;
  /** Versioned changes skipped because the row already held a newer version. */
  stale: number;
  requests: number;
  retries: number;
  /** Waits the API's rate limit imposed (each is a line in run history), and their total length. */
  waits: number;
  waitedMs: number;
  durationMs: number;
  error: string | null;
  /** The failure's stable code (`storage-full`, `page-limit`, `HTTP_STATUS`…) when it has one. */
  errorCode: string | null;
  /** The first failed records, with key and reason (all of them are in run history). */
  failures: FailedRecord[];
}

const MAX_FAILURES_IN_SUMMARY = 20;

/**
 * Runs (or resumes) one cycle of a sync and records it in the run history — unless the sync is
 * running elsewhere (its lock is held): then nothing runs and nothing is recorded (`skipped`).
 * onEvent sees `start` once the cycle is open, `commit` after every commit, and `finish` with the
 * summary of every run, a skipped one too.
 */
export async function runCycle(sync: SyncDefinition, options: CycleOptions): Promise<CycleSummary> {
  const started = Date.now();
  const lock = await takeLock(options.store, sync.name);
  let summary: CycleSummary;
  if (!lock.acquired) {
    summary = skipped(sync.name, lock.message, started);
  } else {
    try {
      summary = await runLocked(sync, options, lock.owner, started);
    } finally {
      await lock.release();
    }
  }
  options.onEvent?.({ type: 'finish', summary });
  return summary;
}

function skipped(sync: string, message: string, started: number): CycleSummary {
  return {
    sync, runId: null, status: 'skipped', full: false, resynced: false, notSwept: null, upserted: 0, deleted: 0, swept: 0, failed: 0, stale: 0,
    requests: 0, retries: 0, waits: 0, waitedMs: 0, durationMs: Date.now() - started, error: message, errorCode: 'sync-running-elsewhere', failures: [],
  };
}

async function runLocked(sync: SyncDefinition, options: CycleOptions, lock: LockOwner, started: number): Promise<CycleSummary> {
  const { store } = options;
  const signal = options.signal ?? new AbortController().signal;
  const abortSignal = options.abortSignal ?? new AbortController().signal;
  const totals = { upserted: 0, deleted: 0, swept: 0, failed: 0, stale: 0 };
  const failures: FailedRecord[] = [];
  let full = false;
  let resynced = false;
  let notSwept: string | null = null;
  const trigger = options.trigger ?? 'manual';
  const runId = await store.startRun(sync.name, options.runId === undefined ? { trigger } : { runId: options.runId });
  failpoint('loop.start');
  const waits = new RunWaits((wait, partition) => options.onEvent?.({ type: 'wait', sync: sync.name, runId, partition, wait }));
  const metrics: SyncMetrics = { requests: 0, retries: 0, onWait: waits.listener('') };
  const summary = (status: CycleSummary['status'], error: string | null, errorCode: string | null = null): CycleSummary => ({
    sync: sync.name, runId, status, full, resynced, notSwept, ...totals, requests: metrics.requests, retries: metrics.retries,
    waits: waits.count, waitedMs: waits.ms, durationMs: Date.now() - started, error, errorCode, failures,
  });
  const run: CycleRun = {
    ...options, redact: options.redact ?? ((text) => text), signal, abortSignal, metrics, totals, failures, runId, lock,
    unkeyed: { count: 0 }, partitionMetrics: new Set(), deferred: {}, waits,
  };
  // What the run's totals replace its commits' sums with, and the waits no commit wrote down.
  const finish = async (outcome: { status: 'completed' | 'failed' | 'cancelled'; error?: string }) => {
    await store.appendRunLogs(runId, waitEntries(waits.take())).catch(() => undefined);
    await store.finishRun(runId, { ...outcome, requests: metrics.requests, retries: metrics.retries, waits: waits.count, waitedMs: waits.ms });
  };

  try {
    await store.ensureDatabase(sync.database);
    let cycle = await store.openCycle(sync.name, sync.mode, { fresh: options.full, full: options.full || (await fullSyncDue(sync, store)) });
    full = cycle.full;
    await store.appendRunLogs(runId, [startEntry(cycle, trigger)]);
    options.onEvent?.({ type: 'start', sync: sync.name, runId, full: cycle.full, resumed: cycle.resumed });
    if (sync.anchor && !cycle.resumed) await anchorDelta(sync.anchor, run);
    let partitions: Partition[];
    try {
      partitions = await runPartitions(sync, cycle, run);
    } catch (error) {
      // A fresh full cycle that meets an expired position has nothing older to fall back on.
      if (!(error instanceof ResyncRequired) || (cycle.full && !cycle.resumed)) throw error;
      // The position expired: abandon this cycle (no sweep) and resync in full at once. A resumed
      // full cycle whose saved page position expired (days later) starts over the same way.
      cycle = await store.openCycle(sync.name, sync.mode, { fresh: true, full: true });
      full = resynced = true;
      await store.appendRunLogs(runId, [resyncEntry(cycle)]);
      run.unkeyed.count = 0;
      partitions = await runPartitions(sync, cycle, run);
    }
    // A record that failed without a key may be a row we hold: sweeping could delete it.
    const unkeyed = cycle.unkeyedFailures + run.unkeyed.count;
    if (cycle.full && unkeyed > 0) notSwept = `${sync.name}: not swept — ${unkeyed} record(s) failed without a key, so rows this cycle did not see may still exist at the source`;
    totals.swept = await store.closeCycle(cycle, sync.database, partitions.map((partition) => partition.key), { sweep: unkeyed === 0, runId });
    totals.deleted += totals.swept;
    // One stream failed while another did the cycle's work: the run says so, as a failure.
    if (run.deferred.error) throw run.deferred.error;
    await finish({ status: 'completed' });
    return await journalEnd(store, summary('completed', null));
  } catch (error) {
    const cancelled = signal.aborted || abortSignal.aborted;
    const message = run.redact(cancelled ? `${sync.name}: cancelled` : describeError(error));
    const code = cancelled ? 'cancelled' : errorCodeOf(error);
    await finish({ status: cancelled ? 'cancelled' : 'failed', error: message });
    return await journalEnd(store, summary(cancelled ? 'cancelled' : 'failed', message, code));
  }
}

/**
 * The run's last log lines. Best effort: the outcome is already recorded in the run itself, and a
 * log line that cannot be written (a busy database) must not turn a finished run into an error.
 */
async function journalEnd(store: Store, summary: CycleSummary): Promise<CycleSummary> {
  const status = summary.status as 'completed' | 'failed' | 'cancelled';
  await store.appendRunLogs(summary.runId!, endEntries({ ...summary, status })).catch(() => undefined);
  return summary;
}

function errorCodeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** Incremental fidelity is never perfect: a full cycle runs when the last one is old enough. */
async function fullSyncDue(sync: SyncDefinition, store: Store): Promise<boolean> {
  if (sync.mode !== 'incremental' || !sync.fullSyncEveryMs) return false;
  const last = await store.lastFullCycleAt(sync.name);
  return last !== undefined && Date.now() - Date.parse(last) >= sync.fullSyncEveryMs;
}

/**
 * Event anchor: before a backfill reads anything, snapshot where its delta stands now. A delta
 * that has no position yet starts there, so what changes during a long backfill is not lost.
 */
async function anchorDelta(anchor: NonNullable<SyncDefinition['anchor']>, run: CycleRun): Promise<void> {
  if ((await run.store.listCheckpoints(anchor.sync)).length > 0) return;
  const snapshot = await anchor.snapshot({ signal: run.abortSignal, metrics: run.metrics, now: new Date() });
  await run.store.setAnchor(anchor.sync, snapshot);
}

interface CycleRun extends CycleOptions {
  signal: AbortSignal;
  abortSignal: AbortSignal;
  metrics: SyncMetrics;
  totals: { upserted: number; deleted: number; failed: number; stale: number };
  failures: FailedRecord[];
  redact: (text: string) => string;
  runId: number;
  lock: LockOwner;
  /** Records of this run that failed without a key (they block the sweep of a full cycle). */
  unkeyed: { count: number };
  /** The counters of the partitions running now (added to `metrics` when each ends). */
  partitionMetrics: Set<SyncMetrics>;
  /** The first ExecuteResult.deferredError of the run: it fails the run once the cycle is done. */
  deferred: { error?: Error };
  waits: RunWaits;
}

/** The run's requests so far: those of finished partitions and listings, and those of running partitions. */
function requestsSoFar(run: CycleRun): number {
  let requests = run.metrics.requests;
  for (const metrics of run.partitionMetrics) requests += metrics.requests;
  return requests;
}

/**
 * Every partition of the cycle, each from its own checkpoint, up to `partitionConcurrency` at once;
 * returns the partitions it ran. After the first failure no partition starts, and the running ones
 * stop after committing the page they are on: the cycle stays open, each partition resumable.
 */
async function runPartitions(sync: SyncDefinition, cycle: Cycle, run: CycleRun): Promise<Partition[]> {
  const partitions = sync.partitions ? await sync.partitions({ signal: run.abortSignal, metrics: run.metrics }) : [{ key: '', value: undefined }];
  assertUniquePartitions(sync.name, partitions);
  const limit = sync.partitionConcurrency ?? 1;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new SyncError('bad-partition-concurrency', `${sync.name}: partitionConcurrency must be a whole number of at least 1, got ${String(limit)}`);
  }
  const halt = { failed: false };
  const progress = new RunProgress(partitions.length);
  await runLimited(partitions, { limit }, async (partition) => {
    // Each partition counts its own requests, so a commit adds exactly its own to the run.
    const metrics: SyncMetrics = { requests: 0, retries: 0, onWait: run.waits.listener(partition.key) };
    run.partitionMetrics.add(metrics);
    try {
      await runPartition(sync, partition, cycle, { ...run, metrics }, { halt, progress, run });
    } catch (error) {
      halt.failed = true;
      throw error;
    } finally {
      run.partitionMetrics.delete(metrics);
      run.metrics.requests += metrics.requests;
      run.metrics.retries += metrics.retries;
    }
  });
  return partitions;
}

/** Where a partition starts: its checkpoint, or for a delta without one, its anchor. */
async function startingState(sync: SyncDefinition, partition: Partition, cycle: Cycle, run: CycleRun): Promise<{ done: boolean; state: unknown }> {
  const checkpoint = await run.store.getCheckpoint(sync.name, partition.key);
  if (checkpoint?.doneInCycle === cycle.id) return { done: true, state: undefined };
  // Replace-mode state is pagination within one cycle; incremental state (the cursor) outlives cycles.
  if (checkpoint && (sync.mode === 'incremental' || checkpoint.cycle === cycle.id)) return { done: false, state: checkpoint.state };
  if (sync.mode === 'incremental' && !cycle.full && partition.key === '') return { done: false, state: await run.store.getAnchor(sync.name) };
  return { done: false, state: undefined };
}

interface PartitionShared {
  /** Another partition failed: this one stops between pages (the run fails with that error). */
  halt: { failed: boolean };
  progress: RunProgress;
  /** The run itself, whose `metrics` are not this partition's. */
  run: CycleRun;
}

async function runPartition(sync: SyncDefinition, partition: Partition, cycle: Cycle, run: CycleRun, shared: PartitionShared): Promise<void> {
  const { halt } = shared;
  const start = await startingState(sync, partition, cycle, run);
  if (start.done) {
    shared.progress.finished(partition.key);
    return;
  }
  let state = start.state;
  const cycleStartedAt = new Date(cycle.startedAt);
  const pageLog = () => run.store.readPageLog(sync.name, partition.key);
  for (;;) {
    // Stop between pages, never inside one: what is committed is always a whole result.
    if (run.signal.aborted) throw new SyncError('cancelled', `${sync.name}: cancelled`);
    if (halt.failed) return;
    const before = { requests: run.metrics.requests, retries: run.metrics.retries };
    const result = await sync.execute(state, { partition, full: cycle.full, cycleStartedAt, metrics: run.metrics, signal: run.abortSignal, pageLog });
    assertValidResult(sync, partition, result, state);
    // A failure's key and reason quote source data, which may echo a secret: stored and shown redacted.
    const failed = (result.failed ?? []).map((failure) => ({ key: failure.key === null ? null : run.redact(failure.key), reason: run.redact(failure.reason) }));
    const requests = run.metrics.requests - before.requests;
    const retries = run.metrics.retries - before.retries;
    const waits = run.waits.take(partition.key);
    const committed = await run.store.commit({
      runId: run.runId, lock: run.lock, cycle, partition: partition.key, database: sync.database,
      changes: result.changes, failed, requests, retries, nextState: result.nextState, pageLog: result.pageLog, partitionDone: !result.hasMore,
      equalVersions: sync.equalVersions, waits: waits.length, waitedMs: waits.reduce((sum, wait) => sum + wait.ms, 0),
    });
    failpoint('loop.committed');
    run.totals.upserted += committed.upserted;
    run.totals.deleted += committed.deleted;
    run.totals.stale += committed.stale;
    run.totals.failed += failed.length;
    run.unkeyed.count += failed.filter((failure) => failure.key === null).length;
    for (const failure of failed) if (run.failures.length < MAX_FAILURES_IN_SUMMARY) run.failures.push(failure);
    // Progress and the commit's log lines right after the commit: one write each per commit.
    const percent = shared.progress.update(partition.key, result.progress, !result.hasMore);
    if (percent !== undefined) await run.store.setRunProgress(run.runId, percent);
    const entries: RunLogEntry[] = [...waitEntries(waits, partition.key), ...commitEntries({ partition: partition.key, ...committed, failed, requests, retries }, run.redact)];
    await run.store.appendRunLogs(run.runId, entries);
    const event: CommitEvent = { sync: sync.name, partition: partition.key, upserted: committed.upserted, deleted: committed.deleted, failed: failed.length };
    run.onCommit?.(event);
    run.onEvent?.({ type: 'commit', runId: run.runId, progress: result.progress ?? null, requests: requestsSoFar(shared.run), ...event });
    if (result.deferredError) run.deferred.error ??= result.deferredError;
    if (!result.hasMore) return;
    state = result.nextState;
  }
}

/** The loop's guards, shared by every sync: batch size, well-formed changes, and progress. */
function assertValidResult(sync: SyncDefinition, partition: Partition, result: ExecuteResult, previous: unknown): void {
  const where = partition.key ? `${sync.name} [${partition.key}]` : sync.name;
  if (!result || !Array.isArray(result.changes) || typeof result.hasMore !== 'boolean') {
    throw new SyncError('bad-result', `${where}: execute must return { changes: [], hasMore: boolean, nextState }`);
  }
  if (result.changes.length > sync.maxChangesPerCommit) {
    throw new SyncError('batch-too-large',
      `${where}: execute returned ${result.changes.length} changes; at most ${sync.maxChangesPerCommit} per call (maxChangesPerCommit)`);
  }
  for (const change of result.changes) assertValidChange(where, change);
  if (result.progress !== undefined && !validProgress(result.progress)) {
    throw new SyncError('bad-result', `${where}: progress must be { done, total } with non-negative numbers, got ${preview(result.progress)}`);
  }
  if (result.hasMore && isDeepStrictEqual(result.nextState, previous)) {
    throw new SyncError('not-advancing',
      `${where}: hasMore is true but nextState did not change (${preview(result.nextState)}); the sync would loop forever`);
  }
}

function validProgress(progress: unknown): boolean {
  const { done, total } = (progress ?? {}) as { done?: unknown; total?: unknown };
  return [done, total].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
}

function assertValidChange(where: string, change: Change): void {
  if (change.type !== 'upsert' && change.type !== 'delete') {
    throw new SyncError('bad-result', `${where}: a change has type ${preview((change as { type: unknown }).type)}; expected upsert or delete`);
  }
  if (typeof change.key !== 'string' || change.key === '') {
    throw new SyncError('bad-result', `${where}: a ${change.type} change has no key`);
  }
}

function assertUniquePartitions(sync: string, partitions: Partition[]): void {
  const seen = new Set<string>();
  for (const { key } of partitions) {
    if (seen.has(key)) throw new SyncError('duplicate-partition', `${sync}: partition key '${key}' appears twice`);
    const lone = loneSurrogateAt(key);
    if (lone >= 0) throw new SyncError('bad-partition', `${sync}: partition key '${escapeLoneSurrogates(key)}' holds ${describeLoneSurrogate(key, lone)}`);
    seen.add(key);
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
