/**
 * Run history: one row per run with its counters, and the records that failed to map. A run is
 * `pending` while queued (`syncspec trigger`: its started_at is when it was queued), `running`
 * from when a runner claims it or records it, then completed, failed or cancelled.
 */
import type { Statement } from 'better-sqlite3';
import type { FailedRecord } from '../../core/types.js';
import type { PendingRun, RunOutcome, RunRecord, RunRetention, RunStatus, RunTrigger } from '../store.js';
import type { Connection } from './connection.js';
import { escapeLoneSurrogates } from '../../core/text.js';
import { StoreError } from '../errors.js';

interface RunRow {
  id: number;
  sync: string;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  upserted: number;
  deleted: number;
  failed: number;
  requests: number;
  retries: number;
  waits: number;
  waited_ms: number;
  error: string | null;
  error_code: string | null;
  error_kind: string | null;
  trigger: RunTrigger;
  progress: number | null;
  full: 0 | 1;
}

const fromRow = (row: RunRow): RunRecord => ({
  id: row.id,
  sync: row.sync,
  status: row.status,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  upserted: row.upserted,
  deleted: row.deleted,
  failed: row.failed,
  requests: row.requests,
  retries: row.retries,
  waits: row.waits,
  waitedMs: row.waited_ms,
  error: row.error,
  errorCode: row.error_code,
  errorKind: row.error_kind,
  trigger: row.trigger,
  progress: row.progress,
});

export interface RunProgress {
  upserted: number;
  deleted: number;
  failed: FailedRecord[];
  requests: number;
  retries: number;
  /** Rate-limit waits of the commit, and their length. */
  waits?: number;
  waitedMs?: number;
}

const finalStatuses: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
const triggers: readonly RunTrigger[] = ['manual', 'schedule', 'trigger'];

function checkCount(value: number, what: string): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new StoreError('store-invalid-argument', `${what} must be a non-negative integer, got ${String(value)}`);
  }
}

export class Runs {
  private readonly insert: Statement;
  private readonly insertPending: Statement;
  private readonly listPending: Statement;
  private readonly claimPending: Statement;
  private readonly updateProgress: Statement;
  private readonly addProgress: Statement;
  private readonly insertFailure: Statement;
  private readonly finish: Statement;
  private readonly failRunning: Statement;
  private readonly byId: Statement;
  private readonly listAll: Statement;
  private readonly listOfSync: Statement;
  private readonly failuresOf: Statement;
  private readonly pruneOld: Statement;

  constructor(db: Connection) {
    this.insert = db.prepare(`INSERT INTO _runs (sync, status, started_at, "trigger") VALUES (?, 'running', ?, ?) RETURNING id`);
    this.insertPending = db.prepare(`INSERT INTO _runs (sync, status, started_at, "trigger", full) VALUES (?, 'pending', ?, 'trigger', ?) RETURNING id`);
    this.listPending = db.prepare(`SELECT id, sync, full, started_at FROM _runs WHERE status = 'pending' ORDER BY id`);
    // One statement: of two runners racing for one queued run, exactly one changes it.
    this.claimPending = db.prepare(`UPDATE _runs SET status = 'running', started_at = ? WHERE id = ? AND sync = ? AND status = 'pending'`);
    this.updateProgress = db.prepare('UPDATE _runs SET progress = ? WHERE id = ?');
    this.addProgress = db.prepare(
      `UPDATE _runs SET upserted = upserted + ?, deleted = deleted + ?, failed = failed + ?, requests = requests + ?,
         retries = retries + ?, waits = waits + ?, waited_ms = waited_ms + ? WHERE id = ? RETURNING sync`,
    );
    this.insertFailure = db.prepare('INSERT INTO _run_failures (run_id, key, reason) VALUES (?, ?, ?)');
    // requests/retries: the run's own totals when given (they include requests of pages that never
    // committed, and partition listings), else what the commits added up.
    this.finish = db.prepare(
      `UPDATE _runs SET status = ?, ended_at = ?, error = ?, error_code = ?, error_kind = ?, deleted = deleted + ?, requests = COALESCE(?, requests),
         retries = COALESCE(?, retries), waits = COALESCE(?, waits), waited_ms = COALESCE(?, waited_ms) WHERE id = ?`,
    );
    this.failRunning = db.prepare(`UPDATE _runs SET status = 'failed', ended_at = ?, error = ? WHERE sync = ? AND status = 'running'`);
    this.byId = db.prepare('SELECT * FROM _runs WHERE id = ?');
    // A negative LIMIT means no limit in SQLite.
    this.listAll = db.prepare('SELECT * FROM _runs ORDER BY id DESC LIMIT ?');
    this.listOfSync = db.prepare('SELECT * FROM _runs WHERE sync = ? ORDER BY id DESC LIMIT ?');
    this.failuresOf = db.prepare('SELECT key, reason FROM _run_failures WHERE run_id = ? ORDER BY id');
    // The sync's latest `keep` runs bound what may go: ids below the lowest of them.
    this.pruneOld = db.prepare(
      `DELETE FROM _runs WHERE sync = (SELECT sync FROM _runs WHERE id = @runId) AND status IN ('completed', 'failed', 'cancelled')
         AND ended_at < @before
         AND id < (SELECT MIN(id) FROM (SELECT id FROM _runs WHERE sync = (SELECT sync FROM _runs WHERE id = @runId) ORDER BY id DESC LIMIT @keep))`,
    );
  }

  start(sync: string, trigger: RunTrigger, now: string): number {
    if (!triggers.includes(trigger)) throw new StoreError('store-invalid-argument', `Run of sync "${sync}": unknown trigger "${String(trigger)}"; use one of ${triggers.join(', ')}`);
    return (this.insert.get(sync, now, trigger) as { id: number }).id;
  }

  queue(sync: string, full: boolean, now: string): number {
    return (this.insertPending.get(sync, now, full ? 1 : 0) as { id: number }).id;
  }

  pending(): PendingRun[] {
    const rows = this.listPending.all() as Pick<RunRow, 'id' | 'sync' | 'full' | 'started_at'>[];
    return rows.map((row) => ({ id: row.id, sync: row.sync, full: row.full === 1, queuedAt: row.started_at }));
  }

  /** Turns the pending run `runId` of `sync` into a running one, starting now; says why it cannot. */
  claim(runId: number, sync: string, now: string): void {
    if (this.claimPending.run(now, runId, sync).changes === 1) return;
    const row = this.byId.get(runId) as RunRow | undefined;
    if (row === undefined) throw new StoreError('store-unknown-run', `Run ${runId} does not exist`);
    if (row.sync !== sync) throw new StoreError('store-unknown-run', `Run ${runId} belongs to sync "${row.sync}", not "${sync}"`);
    throw new StoreError('store-run-not-pending', `Run ${runId} of sync "${sync}" is ${row.status}, not pending; it cannot be started again`);
  }

  /** `percent` clamped to 0–100: a total that shrank while the run read cannot push it past either end. */
  setProgress(runId: number, percent: number): void {
    if (typeof percent !== 'number' || Number.isNaN(percent)) throw new StoreError('store-invalid-argument', `Run ${runId}: progress must be a number, got ${String(percent)}`);
    const clamped = Math.min(100, Math.max(0, percent));
    if (this.updateProgress.run(clamped, runId).changes === 0) throw new StoreError('store-unknown-run', `Run ${runId} does not exist`);
  }

  /** Adds a commit's counters and failures to run `runId` of `sync`. Runs inside the commit's transaction. */
  record(runId: number, sync: string, progress: RunProgress): void {
    checkCount(progress.requests, `Run ${runId}: requests`);
    checkCount(progress.retries, `Run ${runId}: retries`);
    const { upserted, deleted, failed, requests, retries, waits = 0, waitedMs = 0 } = progress;
    checkCount(waits, `Run ${runId}: waits`);
    checkCount(waitedMs, `Run ${runId}: waitedMs`);
    const row = this.addProgress.get(upserted, deleted, failed.length, requests, retries, waits, waitedMs, runId) as { sync: string } | undefined;
    if (row === undefined) throw new StoreError('store-unknown-run', `Run ${runId} does not exist`);
    if (row.sync !== sync) throw new StoreError('store-unknown-run', `Run ${runId} belongs to sync "${row.sync}", not "${sync}"`);
    for (const failure of failed) {
      if (typeof failure?.reason !== 'string' || (failure.key !== null && typeof failure.key !== 'string')) {
        throw new StoreError('store-invalid-argument', `Run ${runId}: a failed record needs a string reason and a string or null key`);
      }
      this.insertFailure.run(runId, escapeLoneSurrogates(failure.key), escapeLoneSurrogates(failure.reason));
    }
  }

  finishRun(runId: number, outcome: RunOutcome, now: string): void {
    if (!finalStatuses.includes(outcome.status)) {
      throw new StoreError('store-invalid-argument', `Run ${runId}: cannot finish with status "${outcome.status}"; use one of ${finalStatuses.join(', ')}`);
    }
    const deleted = outcome.deleted ?? 0;
    checkCount(deleted, `Run ${runId}: deleted`);
    for (const counter of ['requests', 'retries', 'waits', 'waitedMs'] as const) {
      if (outcome[counter] !== undefined) checkCount(outcome[counter], `Run ${runId}: ${counter}`);
    }
    const totals = [outcome.requests, outcome.retries, outcome.waits, outcome.waitedMs].map((total) => total ?? null);
    const error = [escapeLoneSurrogates(outcome.error ?? null), outcome.errorCode ?? null, outcome.errorKind ?? null];
    const { changes } = this.finish.run(outcome.status, now, ...error, deleted, ...totals, runId);
    if (changes === 0) throw new StoreError('store-unknown-run', `Run ${runId} does not exist`);
  }

  /**
   * Removes the finished runs of `runId`'s sync older than `keepDays` (their log lines and failures
   * go with them: ON DELETE CASCADE), except the latest `keepRuns`. Returns how many went.
   */
  prune(runId: number, retention: RunRetention, now: string): number {
    const before = new Date(Date.parse(now) - retention.keepDays * 86_400_000).toISOString();
    return this.pruneOld.run({ runId, before, keep: retention.keepRuns }).changes;
  }

  /** Marks every run of `sync` still `running` as failed with `error`; returns how many. Queued (pending) runs stay queued. */
  failUnfinished(sync: string, error: string, now: string): number {
    return this.failRunning.run(now, error, sync).changes;
  }

  get(runId: number): RunRecord | undefined {
    const row = this.byId.get(runId) as RunRow | undefined;
    return row && fromRow(row);
  }

  list(options: { sync?: string; limit?: number } = {}): RunRecord[] {
    if (options.limit !== undefined) checkCount(options.limit, 'listRuns: limit');
    const limit = options.limit ?? -1;
    const rows = (options.sync === undefined ? this.listAll.all(limit) : this.listOfSync.all(options.sync, limit)) as RunRow[];
    return rows.map(fromRow);
  }

  failures(runId: number): FailedRecord[] {
    return this.failuresOf.all(runId) as FailedRecord[];
  }
}
