/** Run history: one row per run with its counters, and the records that failed to map. */
import type { Statement } from 'better-sqlite3';
import type { FailedRecord } from '../../core/types.js';
import type { RunOutcome, RunRecord, RunStatus } from '../store.js';
import type { Connection } from './connection.js';

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
  error: string | null;
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
  error: row.error,
});

export interface RunProgress {
  upserted: number;
  deleted: number;
  failed: FailedRecord[];
  requests: number;
  retries: number;
}

const finalStatuses: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

function checkCount(value: number, what: string): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    throw new Error(`${what} must be a non-negative integer, got ${String(value)}`);
  }
}

export class Runs {
  private readonly insert: Statement;
  private readonly addProgress: Statement;
  private readonly insertFailure: Statement;
  private readonly finish: Statement;
  private readonly failRunning: Statement;
  private readonly byId: Statement;
  private readonly listAll: Statement;
  private readonly listOfSync: Statement;
  private readonly failuresOf: Statement;

  constructor(db: Connection) {
    this.insert = db.prepare(`INSERT INTO _runs (sync, status, started_at) VALUES (?, 'running', ?) RETURNING id`);
    this.addProgress = db.prepare(
      `UPDATE _runs SET upserted = upserted + ?, deleted = deleted + ?, failed = failed + ?, requests = requests + ?,
         retries = retries + ? WHERE id = ? RETURNING sync`,
    );
    this.insertFailure = db.prepare('INSERT INTO _run_failures (run_id, key, reason) VALUES (?, ?, ?)');
    // requests/retries: the run's own totals when given (they include requests of pages that never
    // committed, and partition listings), else what the commits added up.
    this.finish = db.prepare(
      'UPDATE _runs SET status = ?, ended_at = ?, error = ?, deleted = deleted + ?, requests = COALESCE(?, requests), retries = COALESCE(?, retries) WHERE id = ?',
    );
    this.failRunning = db.prepare(`UPDATE _runs SET status = 'failed', ended_at = ?, error = ? WHERE sync = ? AND status = 'running'`);
    this.byId = db.prepare('SELECT * FROM _runs WHERE id = ?');
    // A negative LIMIT means no limit in SQLite.
    this.listAll = db.prepare('SELECT * FROM _runs ORDER BY id DESC LIMIT ?');
    this.listOfSync = db.prepare('SELECT * FROM _runs WHERE sync = ? ORDER BY id DESC LIMIT ?');
    this.failuresOf = db.prepare('SELECT key, reason FROM _run_failures WHERE run_id = ? ORDER BY id');
  }

  start(sync: string, now: string): number {
    return (this.insert.get(sync, now) as { id: number }).id;
  }

  /** Adds a commit's counters and failures to run `runId` of `sync`. Runs inside the commit's transaction. */
  record(runId: number, sync: string, progress: RunProgress): void {
    checkCount(progress.requests, `Run ${runId}: requests`);
    checkCount(progress.retries, `Run ${runId}: retries`);
    const { upserted, deleted, failed, requests, retries } = progress;
    const row = this.addProgress.get(upserted, deleted, failed.length, requests, retries, runId) as { sync: string } | undefined;
    if (row === undefined) throw new Error(`Run ${runId} does not exist`);
    if (row.sync !== sync) throw new Error(`Run ${runId} belongs to sync "${row.sync}", not "${sync}"`);
    for (const failure of failed) {
      if (typeof failure?.reason !== 'string' || (failure.key !== null && typeof failure.key !== 'string')) {
        throw new Error(`Run ${runId}: a failed record needs a string reason and a string or null key`);
      }
      this.insertFailure.run(runId, failure.key, failure.reason);
    }
  }

  finishRun(runId: number, outcome: RunOutcome, now: string): void {
    if (!finalStatuses.includes(outcome.status)) {
      throw new Error(`Run ${runId}: cannot finish with status "${outcome.status}"; use one of ${finalStatuses.join(', ')}`);
    }
    const deleted = outcome.deleted ?? 0;
    checkCount(deleted, `Run ${runId}: deleted`);
    for (const counter of ['requests', 'retries'] as const) {
      if (outcome[counter] !== undefined) checkCount(outcome[counter], `Run ${runId}: ${counter}`);
    }
    const { changes } = this.finish.run(outcome.status, now, outcome.error ?? null, deleted, outcome.requests ?? null, outcome.retries ?? null, runId);
    if (changes === 0) throw new Error(`Run ${runId} does not exist`);
  }

  /** Marks every run of `sync` still `running` as failed with `error`; returns how many. */
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
