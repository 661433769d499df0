/**
 * The one runtime loop. It drives any SyncDefinition — compiled from a YAML spec or written in
 * TypeScript — through a cycle: execute(state) until hasMore is false, committing every result's
 * changes together with its nextState in one transaction. It knows nothing about HTTP. The
 * partitions' page loop is partitions.ts, the guards on results guards.ts, run history's lines
 * run-journal.ts.
 */
import type { FailedRecord, Partition, SyncDefinition, SyncMetrics } from '../core/types.js';
import type { LockOwner, Store } from '../store/store.js';
import { ResyncRequired, describeError } from '../core/errors.js';
import { failpoint } from '../core/failpoints.js';
import { type Clock, systemClock } from '../core/clock.js';
import { takeLock } from './lock.js';
import { type CycleRun, runPartitions } from './partitions.js';
import { RunWaits } from './run-journal.js';
import { RunJournal, RunTeller } from './run-history.js';
import type { CycleOptions, CycleSummary } from './run-types.js';

export type { CommitEvent, CycleOptions, CycleSummary, RunEvent } from './run-types.js';

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
    requests: 0, retries: 0, waits: 0, waitedMs: 0, durationMs: Date.now() - started, error: message, errorCode: 'sync-running-elsewhere', errorKind: null, failures: [],
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
  const redact = options.redact ?? ((text: string) => text);
  const teller = new RunTeller(new RunJournal(store, runId, redact), sync.name, runId, options.onEvent);
  const waits = new RunWaits((wait, partition) => teller.tell({ type: 'wait', partition, wait }));
  const metrics: SyncMetrics = { requests: 0, retries: 0, onWait: waits.listener('') };
  const summary = (status: CycleSummary['status'], error: string | null, errorCode: string | null = null, errorKind: string | null = null): CycleSummary => ({
    sync: sync.name, runId, status, full, resynced, notSwept, ...totals, requests: metrics.requests, retries: metrics.retries,
    waits: waits.count, waitedMs: waits.ms, durationMs: Date.now() - started, error, errorCode, errorKind, failures,
  });
  const run: CycleRun = {
    ...options, redact, signal, abortSignal, metrics, totals, failures, runId, lock,
    unkeyed: { count: 0 }, partitionMetrics: new Set(), deferred: {}, waits, teller,
  };
  // The run's totals replace its commits' sums; its last journal lines go in the same write.
  const finish = async (ended: CycleSummary): Promise<CycleSummary> => {
    const status = ended.status as 'completed' | 'failed' | 'cancelled';
    const outcome = { status, requests: metrics.requests, retries: metrics.retries, waits: waits.count, waitedMs: waits.ms };
    const error = status === 'completed' ? {} : { error: ended.error ?? undefined, errorCode: ended.errorCode, errorKind: ended.errorKind };
    await store.finishRun(runId, { ...outcome, ...error }, teller.journal.end({ ...ended, status }));
    return ended;
  };

  try {
    await store.ensureDatabase(sync.database);
    let cycle = await store.openCycle(sync.name, sync.mode, { fresh: options.full, full: options.full || (await fullSyncDue(sync, store, options.clock)) });
    full = cycle.full;
    teller.tell({ type: 'start', cycle, trigger });
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
      teller.tell({ type: 'resync', cycle });
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
    return await finish(summary('completed', null));
  } catch (error) {
    const cancelled = signal.aborted || abortSignal.aborted;
    const message = run.redact(cancelled ? `${sync.name}: cancelled` : describeError(error));
    const code = cancelled ? 'cancelled' : errorCodeOf(error);
    const kind = cancelled ? 'cancelled' : errorKindOf(error);
    return await finish(summary(cancelled ? 'cancelled' : 'failed', message, code, kind));
  }
}

function errorCodeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * What kind of failure ended the run, kept beside its code: an HTTP error's own (`retriable` after
 * its last attempt, `rateLimited`, `fatal`); any other error ended the run, so `fatal`.
 */
function errorKindOf(error: unknown): string {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : 'fatal';
}

/** Incremental fidelity is never perfect: a full cycle runs when the last one is old enough. */
async function fullSyncDue(sync: SyncDefinition, store: Store, clock: Clock = systemClock): Promise<boolean> {
  if (sync.mode !== 'incremental' || !sync.fullSyncEveryMs) return false;
  const last = await store.lastFullCycleAt(sync.name);
  return last !== undefined && clock.now() - Date.parse(last) >= sync.fullSyncEveryMs;
}

/**
 * Event anchor: before a backfill reads anything, snapshot where its delta stands now. A delta
 * that has no position yet starts there, so what changes during a long backfill is not lost.
 */
async function anchorDelta(anchor: NonNullable<SyncDefinition['anchor']>, run: CycleRun): Promise<void> {
  if ((await run.store.listCheckpoints(anchor.sync)).length > 0) return;
  const snapshot = await anchor.snapshot({ signal: run.abortSignal, metrics: run.metrics, now: new Date((run.clock ?? systemClock).now()) });
  await run.store.setAnchor(anchor.sync, snapshot);
}
