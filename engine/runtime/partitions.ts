/**
 * The partitions of one cycle: each from its own checkpoint, up to `partitionConcurrency` at once, page
 * by page — execute, guard, commit with its state, journal, tell. A partition stops between pages,
 * never inside one, so what is committed is always a whole result.
 */
import type { ExecuteResult, FailedRecord, Partition, RateLimitWait, SyncDefinition, SyncMetrics } from '../core/types.js';
import type { CommitResult, Cycle, LockOwner } from '../store/store.js';
import { SyncError } from '../core/errors.js';
import { failpoint } from '../core/failpoints.js';
import { runLimited } from './limited.js';
import { assertUniquePartitions, assertValidResult } from './guards.js';
import type { RunWaits } from './run-journal.js';
import type { CommitFact, RunJournal, RunTeller } from './run-history.js';
import type { CycleOptions } from './run-types.js';

/** The first failed records a summary names (all of them are in run history). */
export const MAX_FAILURES_IN_SUMMARY = 20;

/** One run's shared context: its options, counters, totals, and what its partitions report back. */
export interface CycleRun extends CycleOptions {
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
  /** Where the run tells what happens: run history and onEvent. */
  teller: RunTeller;
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
export async function runPartitions(sync: SyncDefinition, cycle: Cycle, run: CycleRun): Promise<Partition[]> {
  const partitions = sync.partitions ? await sync.partitions({ signal: run.abortSignal, metrics: run.metrics }) : [{ key: '', value: undefined }];
  assertUniquePartitions(sync.name, partitions);
  const limit = sync.partitionConcurrency ?? 1;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new SyncError('bad-partition-concurrency', `${sync.name}: partitionConcurrency must be a whole number of at least 1, got ${String(limit)}`);
  }
  const halt = { failed: false };
  run.teller.tell({ type: 'partitions', count: partitions.length });
  await runLimited(partitions, { limit }, async (partition) => {
    // Each partition counts its own requests, so a commit adds exactly its own to the run.
    const metrics: SyncMetrics = { requests: 0, retries: 0, onWait: run.waits.listener(partition.key) };
    run.partitionMetrics.add(metrics);
    try {
      await runPartition(sync, partition, cycle, { ...run, metrics }, { halt, run });
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
  /** The run itself, whose `metrics` are not this partition's. */
  run: CycleRun;
}

async function runPartition(sync: SyncDefinition, partition: Partition, cycle: Cycle, run: CycleRun, shared: PartitionShared): Promise<void> {
  const { halt } = shared;
  const start = await startingState(sync, partition, cycle, run);
  if (start.done) {
    run.teller.tell({ type: 'partitionFinished', partition: partition.key });
    return;
  }
  let state = start.state;
  const cycleStartedAt = new Date(cycle.startedAt);
  const pageLog = () => run.store.readPageLog(sync.name, partition.key);
  const execute = (from: unknown, signal: AbortSignal) => sync.execute(from, { partition, full: cycle.full, cycleStartedAt, metrics: run.metrics, signal, pageLog });
  let ahead: ReadAhead | undefined;
  try {
    for (;;) {
      // Stop between pages, never inside one: what is committed is always a whole result.
      if (run.signal.aborted) throw new SyncError('cancelled', `${sync.name}: cancelled`);
      if (halt.failed) return;
      const before = ahead?.before ?? { requests: run.metrics.requests, retries: run.metrics.retries };
      const result = ahead ? await ahead.result : await execute(state, run.abortSignal);
      ahead = undefined;
      const requests = run.metrics.requests - before.requests;
      const retries = run.metrics.retries - before.retries;
      const waits = run.waits.take(partition.key);
      assertValidResult(sync, partition, result, state);
      // The next page's request goes out while this one commits (not the next part of a split page: it needs no request).
      if (sync.readAhead && result.hasMore && !result.pageLog && !run.signal.aborted && !halt.failed) {
        // Only the next state is captured: this page's records must not live on with the next request.
        const next = result.nextState;
        ahead = readAhead((signal) => execute(next, signal), run);
        await ahead.sent;
      }
      await commitPage(sync, partition, cycle, run, shared, { result, requests, retries, waits });
      if (!result.hasMore) return;
      state = result.nextState;
    }
  } finally {
    ahead?.discard();
  }
}

/** The next page's execute, started before the current page commits. */
interface ReadAhead {
  result: Promise<ExecuteResult>;
  /** Counters as they stood when it started: its requests are its own page's. */
  before: { requests: number; retries: number };
  signal: AbortSignal;
  /** One turn of the event loop: the request is on its way before the (synchronous) commit runs. */
  sent: Promise<void>;
  /** Not used after all (the run stops or fails): aborted, and its outcome ignored. */
  discard(): void;
}

function readAhead(start: (signal: AbortSignal) => Promise<ExecuteResult>, run: CycleRun): ReadAhead {
  const controller = new AbortController();
  const onAbort = () => controller.abort(run.abortSignal.reason);
  run.abortSignal.addEventListener('abort', onAbort, { once: true });
  const before = { requests: run.metrics.requests, retries: run.metrics.retries };
  const ahead: ReadAhead = {
    before, signal: controller.signal, result: undefined as unknown as Promise<ExecuteResult>,
    sent: new Promise((resolve) => setImmediate(resolve)),
    discard: () => {
      controller.abort(new SyncError('cancelled', 'read ahead not used'));
    },
  };
  ahead.result = start(controller.signal).finally(() => run.abortSignal.removeEventListener('abort', onAbort));
  // Handled from the start: it may fail before the loop awaits it (after the commit), which must not
  // count as an unhandled rejection; the loop still sees the failure when it awaits the result.
  ahead.result.catch(() => undefined);
  return ahead;
}

interface PageToCommit {
  result: ExecuteResult;
  requests: number;
  retries: number;
  waits: RateLimitWait[];
}

async function commitPage(sync: SyncDefinition, partition: Partition, cycle: Cycle, run: CycleRun, shared: PartitionShared, page: PageToCommit): Promise<void> {
  const { result, requests, retries, waits } = page;
  // A failure's key and reason quote source data, which may echo a secret: stored and shown redacted.
  const failed = (result.failed ?? []).map((failure) => ({ key: failure.key === null ? null : run.redact(failure.key), reason: run.redact(failure.reason) }));
  const fact = (committed: CommitResult): CommitFact => ({
    type: 'commit', partition: partition.key, committed, failed, requests, retries, requestsSoFar: requestsSoFar(shared.run),
    progress: result.progress, partitionDone: !result.hasMore,
  });
  let journaled: ReturnType<RunJournal['commit']> | undefined;
  const committed = await run.store.commit({
    runId: run.runId, lock: run.lock, cycle, partition: partition.key, database: sync.database,
    changes: result.changes, failed, requests, retries, nextState: result.nextState, pageLog: result.pageLog, partitionDone: !result.hasMore,
    equalVersions: sync.equalVersions, waits: waits.length, waitedMs: waits.reduce((sum, wait) => sum + wait.ms, 0),
    journal: (outcome) => (journaled = run.teller.journal.commit(fact(outcome))).write,
  }).catch((error: unknown) => {
    // Nothing was written: the lines told before this page wait for the run's next write (its end).
    run.teller.journal.restore(journaled?.before);
    throw error;
  });
  failpoint('loop.committed');
  run.totals.upserted += committed.upserted;
  run.totals.deleted += committed.deleted;
  run.totals.stale += committed.stale;
  run.totals.failed += failed.length;
  run.unkeyed.count += failed.filter((failure) => failure.key === null).length;
  for (const failure of failed) if (run.failures.length < MAX_FAILURES_IN_SUMMARY) run.failures.push(failure);
  run.teller.committed(fact(committed));
  if (result.deferredError) run.deferred.error ??= result.deferredError;
}
