/**
 * The embedded store: one SQLite file holding the managed tables (one per database) and the system
 * tables (_sequence, _databases, _columns, _links, _cycles, _checkpoints, _anchors, _tombstones, _runs,
 * _run_failures, _run_logs, _locks).
 * Synchronous inside (better-sqlite3), async at the Store interface. Several processes may open
 * the same file: writes take the write lock up front and wait for it (busy_timeout).
 */
import type { DatabaseDefinition, FailedRecord, SyncMode } from '../../core/types.js';
import {
  LOCK_TIMEOUT_MS,
  type Checkpoint, type CommitBatch, type CommitResult, type Cycle, type LockOwner, type LockResult,
  type PacerBudget, type PacerSlotGrant, type PendingRun, type RowsPage, type RunJournalWrite, type RunLogEntry, type RunOutcome, type RunRecord, type RunTrigger, type Store,
} from '../store.js';
import { failpoint } from '../../core/failpoints.js';
import { type Clock, systemClock } from '../../core/clock.js';
import { DEFAULT_BUSY_TIMEOUT_MS, type SqliteStoreOptions } from './options.js';
import { Anchors } from './anchors.js';
import { Checkpoints } from './checkpoints.js';
import { openConnection, writeTransaction, type Connection } from './connection.js';
import { Cycles } from './cycles.js';
import { Links } from './links.js';
import { Locks, lockLost } from './locks.js';
import { PacerSlots } from './pacer-slots.js';
import { PageLog } from './page-log.js';
import { readRows } from './read-rows.js';
import { markSeen, sweepRows, writeChanges } from './rows.js';
import { RunLogs } from './run-logs.js';
import { Runs } from './runs.js';
import { WriteSequence } from './sequence.js';
import { migrateSystemSchema } from './system-schema.js';
import { ManagedTables } from './tables.js';
import { Tombstones } from './tombstones.js';
import { StoreError } from '../errors.js';

export { DEFAULT_BUSY_TIMEOUT_MS, type SqliteStoreOptions } from './options.js';

export class SqliteStore implements Store {
  private readonly db: Connection;
  private readonly sequence: WriteSequence;
  private readonly links: Links;
  private readonly tables: ManagedTables;
  private readonly checkpoints: Checkpoints;
  private readonly pageLog: PageLog;
  private readonly cycles: Cycles;
  private readonly anchors: Anchors;
  private readonly tombstones: Tombstones;
  private readonly runs: Runs;
  private readonly runLogs: RunLogs;
  private readonly locks: Locks;
  private readonly pacerSlots: PacerSlots;
  private readonly clock: Clock;

  /**
   * Opens the SQLite file at `file` — creating it and its folder, unless `access` is 'read' (then it
   * must exist: see openConnection). `lockTimeoutMs`: when a lock whose heartbeat stopped is stale
   * (default LOCK_TIMEOUT_MS); `busyTimeoutMs`: how long a write waits for another process's lock.
   */
  constructor(readonly file: string, private readonly options: SqliteStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.db = openConnection(file, { access: options.access ?? 'write', busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    try {
      migrateSystemSchema(this.db, file);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.sequence = new WriteSequence(this.db);
    this.links = new Links(this.db);
    this.tables = new ManagedTables(this.db, this.links);
    this.checkpoints = new Checkpoints(this.db);
    this.pageLog = new PageLog(this.db);
    this.cycles = new Cycles(this.db);
    this.anchors = new Anchors(this.db);
    this.tombstones = new Tombstones(this.db);
    this.runs = new Runs(this.db);
    this.runLogs = new RunLogs(this.db);
    this.locks = new Locks(this.db, options.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
    this.pacerSlots = new PacerSlots(this.db);
  }

  /** The time now, as stored (ISO 8601). */
  private now = (): string => new Date(this.clock.now()).toISOString();

  async ensureDatabase(database: DatabaseDefinition): Promise<void> { this.tables.ensure(database); }

  /**
   * Resumes the sync's open cycle, or starts one at the current write sequence. A new cycle starts
   * without checkpoints when its state cannot carry over: `fresh` (--full), a full cycle (replace
   * mode, whose state is pagination within one cycle, or a full incremental cycle, which reads from
   * the initial cursor), or a mode different from the previous cycle's. An open cycle of the other
   * mode is abandoned (closed without sweeping) for the same reason. A fresh or full cycle also
   * drops the sync's anchor: it does not start from the delta's position.
   */
  async openCycle(sync: string, mode: SyncMode, options: { fresh?: boolean; full?: boolean } = {}): Promise<Cycle> {
    return writeTransaction(this.db, () => {
      const open = this.cycles.openOf(sync);
      if (open !== undefined && open.mode === mode && !options.fresh) return open;
      const time = this.now();
      if (open !== undefined) this.cycles.markClosed(open, null, time);
      const full = mode === 'replace' || options.full === true;
      if (options.fresh || full || this.cycles.lastModeOf(sync) !== mode) this.dropCheckpoints(sync);
      if (options.fresh || full) this.anchors.drop(sync);
      return this.cycles.start(sync, mode, full, this.sequence.current(), time);
    });
  }

  async lastFullCycleAt(sync: string): Promise<string | undefined> { return this.cycles.lastFullAt(sync); }

  async lastFullCycleClosedAt(sync: string): Promise<string | undefined> { return this.cycles.lastFullClosedAt(sync); }

  async setAnchor(sync: string, state: unknown): Promise<boolean> { return this.anchors.set(sync, state, this.now()); }

  async getAnchor(sync: string): Promise<unknown | undefined> { return this.anchors.get(sync); }

  async getCheckpoint(sync: string, partition: string): Promise<Checkpoint | undefined> { return this.checkpoints.get(sync, partition); }

  async listCheckpoints(sync?: string): Promise<Checkpoint[]> { return this.checkpoints.list(sync); }

  async readPageLog(sync: string, partition: string): Promise<string[]> { return this.pageLog.read(sync, partition); }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    const table = this.tables.get(batch.database);
    return writeTransaction(this.db, () => {
      const { cycle } = batch;
      const time = this.now();
      if (batch.lock && !this.locks.confirm(cycle.sync, batch.lock, time)) throw lockLost(cycle.sync, this.locks.holder(cycle.sync));
      this.cycles.requireOpen(cycle);
      const seq = this.sequence.next();
      const ties = { firstInCycle: batch.equalVersions === 'firstInCycle', cycle: cycle.id };
      const result = writeChanges(table, { links: this.links, tombstones: this.tombstones }, batch.changes, seq, time, ties);
      markSeen(table, batch.failed.flatMap((failure) => (failure.key === null ? [] : [failure.key])), seq);
      this.cycles.addUnkeyedFailures(cycle, batch.failed.filter((failure) => failure.key === null).length);
      this.checkpoints.put({
        sync: cycle.sync,
        partition: batch.partition,
        state: batch.nextState,
        cycle: cycle.id,
        doneInCycle: batch.partitionDone ? cycle.id : null,
        updatedAt: time,
      });
      if (batch.pageLog) this.pageLog.apply(cycle.sync, batch.partition, batch.pageLog);
      // The delta has a position of its own now; the anchor only mattered until then.
      this.anchors.drop(cycle.sync);
      this.runs.record(batch.runId, cycle.sync, {
        ...result, failed: batch.failed, requests: batch.requests, retries: batch.retries, waits: batch.waits, waitedMs: batch.waitedMs,
      });
      const journal = batch.journal?.(result);
      if (journal) this.journalInTransaction(batch.runId, journal);
      failpoint('store.commit');
      return result;
    });
  }

  /**
   * A full cycle refuses to sweep while a partition of it is unfinished: its unseen rows would be
   * deleted (the "sweep after a partial cycle" failure). Closing a closed or abandoned cycle does
   * nothing.
   */
  async closeCycle(cycle: Cycle, database: DatabaseDefinition, partitions?: string[], options: { sweep?: boolean; runId?: number } = {}): Promise<number> {
    const table = this.tables.get(database);
    return writeTransaction(this.db, () => {
      const stored = this.cycles.stillOpen(cycle);
      if (stored === undefined) return 0;
      if (stored.full && options.sweep === false) {
        // Closed without its sweep: it does not count as a full cycle (swept stays NULL).
        if (stored.mode === 'replace') this.dropCheckpoints(stored.sync);
        this.cycles.markClosed(stored, null, this.now());
        return 0;
      }
      let swept = 0;
      if (stored.full) {
        const listed = partitions && new Set(partitions);
        const unfinished = this.checkpoints.unfinishedIn(stored.sync, stored.id);
        const blocking = unfinished.filter((partition) => !listed || listed.has(partition));
        if (blocking.length > 0) {
          throw new StoreError('store-cycle-unfinished', 
            `Sync "${stored.sync}": cannot close ${stored.mode === 'replace' ? 'replace' : 'full'} cycle ${stored.id} while partition(s) ` +
              `${blocking.map((partition) => JSON.stringify(partition)).join(', ')} have not finished; ` +
              'sweeping now would delete their rows',
          );
        }
        swept = sweepRows(table, this.links, stored.startSeq);
        // The sweep counts in the run that closed the cycle, in the same transaction: a process
        // killed right after it cannot leave the deletions uncounted.
        if (options.runId !== undefined) this.runs.record(options.runId, stored.sync, { upserted: 0, deleted: swept, failed: [], requests: 0, retries: 0 });
        // Replace state is pagination within the cycle; an incremental cursor is where the delta
        // continues, except that of a partition the cycle no longer lists.
        if (stored.mode === 'replace') this.dropCheckpoints(stored.sync);
        else {
          this.checkpoints.dropPartitions(stored.sync, unfinished);
          this.pageLog.dropPartitions(stored.sync, unfinished);
        }
      }
      this.cycles.markClosed(stored, swept, this.now());
      return swept;
    });
  }

  async resetState(sync?: string): Promise<void> {
    writeTransaction(this.db, () => {
      this.dropCheckpoints(sync);
      this.anchors.drop(sync);
      this.cycles.abandon(this.now(), sync);
    });
  }

  async acquireLock(sync: string, owner: LockOwner): Promise<LockResult> {
    return writeTransaction(this.db, () => {
      const time = this.now();
      const result = this.locks.acquire(sync, owner, time);
      if (!result.acquired) return result;
      // Runs are recorded only under the lock: one still running now was left by a process that died.
      const previous = result.previous;
      this.runs.failUnfinished(sync, `process died${previous ? ` (pid ${previous.pid} on host ${previous.host})` : ''} before the run finished`, time);
      return { acquired: true };
    });
  }

  async takePacerSlot(budget: PacerBudget, holder: string, nowMs: number, inFlightMs: number): Promise<PacerSlotGrant> {
    return writeTransaction(this.db, () => this.pacerSlots.take(budget, holder, nowMs, inFlightMs));
  }

  async releasePacerSlot(slot: number, nowMs: number, used: boolean): Promise<void> {
    writeTransaction(this.db, () => this.pacerSlots.release(slot, nowMs, used));
  }

  async pausePacer(pacer: string, untilMs: number): Promise<void> {
    writeTransaction(this.db, () => this.pacerSlots.pauseUntil(pacer, untilMs));
  }

  async refreshLock(sync: string, owner: LockOwner): Promise<boolean> { return writeTransaction(this.db, () => this.locks.refresh(sync, owner, this.now())); }

  async releaseLock(sync: string, owner: LockOwner): Promise<void> {
    writeTransaction(this.db, () => this.locks.release(sync, owner));
  }

  /**
   * A new running run with `trigger` (default 'manual'), or — `runId` — the pending run queued for
   * `sync`, claimed: it becomes running, started now, keeping the trigger it was queued with. A run
   * that is not pending (another runner claimed it, or it finished) or belongs to another sync is
   * refused.
   */
  async startRun(sync: string, options: { trigger?: RunTrigger; runId?: number } = {}): Promise<number> {
    const { runId } = options;
    if (runId === undefined) return this.runs.start(sync, options.trigger ?? 'manual', this.now());
    writeTransaction(this.db, () => this.runs.claim(runId, sync, this.now()));
    return runId;
  }

  async queueRun(sync: string, options: { full?: boolean } = {}): Promise<number> { return this.runs.queue(sync, options.full === true, this.now()); }

  async pendingRuns(): Promise<PendingRun[]> { return this.runs.pending(); }

  async setRunProgress(runId: number, percent: number): Promise<void> { this.runs.setProgress(runId, percent); }

  async appendRunLogs(runId: number, entries: RunLogEntry[]): Promise<void> { this.runLogs.append(runId, entries); }

  async listRunLogs(runId: number): Promise<RunLogEntry[]> { return this.runLogs.list(runId); }

  async finishRun(runId: number, outcome: RunOutcome, journal?: RunJournalWrite): Promise<void> {
    writeTransaction(this.db, () => {
      const now = this.now();
      this.runs.finishRun(runId, outcome, now);
      if (journal) this.journalInTransaction(runId, journal);
      if (this.options.history) this.runs.prune(runId, this.options.history, now);
    });
  }

  async writeRunJournal(runId: number, journal: RunJournalWrite): Promise<void> {
    writeTransaction(this.db, () => this.journalInTransaction(runId, journal));
  }

  private journalInTransaction(runId: number, journal: RunJournalWrite): void {
    this.runLogs.append(runId, journal.entries);
    if (journal.progress !== undefined) this.runs.setProgress(runId, journal.progress);
  }

  async getRun(runId: number): Promise<RunRecord | undefined> { return this.runs.get(runId); }

  async listRuns(options?: { sync?: string; limit?: number }): Promise<RunRecord[]> { return this.runs.list(options); }

  async listFailures(runId: number): Promise<FailedRecord[]> { return this.runs.failures(runId); }

  async readRows(database: DatabaseDefinition, options?: { limit?: number; offset?: number }): Promise<RowsPage> { return readRows(this.db, this.tables.get(database), this.links, options); }

  /** Checkpoints and the page logs beside them go together. */
  private dropCheckpoints(sync?: string): void {
    this.checkpoints.drop(sync);
    this.pageLog.drop(sync);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
