/**
 * Where synced rows, checkpoints and run history live. The runtime loop talks only to this
 * interface; SQLite (embedded default) implements it today, PostgreSQL will. Every method is
 * async so a networked backend fits without changing callers.
 */
import type { Change, DatabaseDefinition, EqualVersions, FailedRecord, PageLogUpdate, SyncMode } from '../core/types.js';

/** One cycle of a sync: a full cycle (every replace cycle) sweeps what it did not write. */
export interface Cycle {
  id: number;
  sync: string;
  mode: SyncMode;
  startedAt: string;
  /**
   * The store's write sequence when the cycle began. Every upsert stamps its row with a new,
   * higher sequence, so at the end of a replace cycle the rows with `seq <= startSeq` are exactly
   * those nobody wrote since the cycle began: neither this sync nor a concurrent delta.
   */
  startSeq: number;
  /**
   * Replace semantics: the cycle sweeps what it did not write when it closes. Always true in replace
   * mode; for incremental syncs, true in a full cycle (periodic, --full, or a resync).
   */
  full: boolean;
  /** The cycle was interrupted earlier and resumes now (false: it was just started). */
  resumed: boolean;
  /** Records of this cycle (in earlier runs too) that failed to map without a key. */
  unkeyedFailures: number;
}

export interface Checkpoint {
  sync: string;
  partition: string;
  /** The sync's own state, stored verbatim (JSON). */
  state: unknown;
  /** Cycle in which this partition last reached hasMore: false; null while in progress. */
  doneInCycle: number | null;
  /** Cycle this state belongs to (replace-mode state is only valid within its cycle). */
  cycle: number;
  updatedAt: string;
}

/**
 * Who runs a sync. `id` tells holders apart — two runs in one process are two holders; `pid` and
 * `host` tell whether the holder is still alive.
 */
export interface LockOwner {
  id: string;
  pid: number;
  host: string;
}

export interface LockHolder {
  pid: number;
  host: string;
  /** When it took the lock. */
  since: string;
  /** When it last renewed the lock. */
  heartbeatAt: string;
}

export type LockResult = { acquired: true } | { acquired: false; holder: LockHolder };

/**
 * A lock whose heartbeat is older than this is stale, whoever holds it: holders renew theirs on a
 * timer (a quarter of this), and a commit renews one that is that old.
 */
export const LOCK_TIMEOUT_MS = 120_000;

/** A pacer's budget as every process on one database shares it (Store.takePacerSlot). */
export interface PacerBudget {
  /** The pacer's qualified name, CONNECTOR.PACER. */
  pacer: string;
  allowedRequests: number;
  intervalMs: number;
}

/** A slot for one request, or when to ask again (epoch ms): the budget is spent until then. */
export type PacerSlotGrant = { slot: number } | { retryAt: number };


export interface CommitBatch {
  runId: number;
  /**
   * The sync's lock the commit is made under: the commit fails, writing nothing, unless `lock`
   * still holds it (a holder presumed dead and taken over must not write), and renews its heartbeat
   * once it is a quarter of LOCK_TIMEOUT_MS old.
   */
  lock?: LockOwner;
  cycle: Cycle;
  partition: string;
  database: DatabaseDefinition;
  changes: Change[];
  failed: FailedRecord[];
  /** Requests made since the previous commit (added to the run's counters). */
  requests: number;
  retries: number;
  /** Rate-limit waits since the previous commit, and their length in ms. */
  waits?: number;
  waitedMs?: number;
  nextState: unknown;
  /** Applied to the partition's page log in the same transaction (see ExecuteResult.pageLog). */
  pageLog?: PageLogUpdate;
  /** How equal versions tie (SyncDefinition.equalVersions). */
  equalVersions?: EqualVersions;
  /** The partition finished its cycle with this batch (hasMore was false). */
  partitionDone: boolean;
  /**
   * Run history written in the same transaction: called inside it with what the batch did, it
   * returns the run journal's lines (this commit's among them) and the run's progress.
   */
  journal?: (committed: CommitResult) => RunJournalWrite | undefined;
}

/** How long finished runs stay in run history (config `history`): the store prunes as runs finish. */
export interface RunRetention {
  keepDays: number;
  /** The latest runs of each sync kept whatever their age. */
  keepRuns: number;
}

/** What the run journal hands the store to write: log lines, and the run's percent when it has one. */
export interface RunJournalWrite {
  entries: RunLogEntry[];
  progress?: number;
}

export interface CommitResult {
  upserted: number;
  deleted: number;
  /**
   * Versioned changes not applied because the row already holds a newer version, or its key was
   * deleted at a newer one. Not counted as upserted or deleted.
   */
  stale: number;
}

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunOutcome {
  status: RunStatus;
  error?: string | null;
  /** The failure's stable code and kind (CycleSummary.errorCode, errorKind). */
  errorCode?: string | null;
  errorKind?: string | null;
  /** Rows deleted outside commits (the sweep), added to the run's count. */
  deleted?: number;
  /** The run's total requests and retries (and rate-limit waits), replacing what its commits added up. */
  requests?: number;
  retries?: number;
  waits?: number;
  waitedMs?: number;
}

/** Why a run ran: `syncspec run` / a library call, the service's schedule, or `syncspec trigger`. */
export type RunTrigger = 'manual' | 'schedule' | 'trigger';

export interface RunLogEntry {
  at: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export interface PendingRun {
  id: number;
  sync: string;
  /** Queued with --full. */
  full: boolean;
  queuedAt: string;
}

export interface RunRecord {
  id: number;
  sync: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  upserted: number;
  deleted: number;
  failed: number;
  requests: number;
  retries: number;
  /** Waits a rate limit imposed on the run's requests, and their total length. */
  waits: number;
  waitedMs: number;
  error: string | null;
  errorCode: string | null;
  errorKind: string | null;
  trigger: RunTrigger;
  /** Percent done when the source told a total (offset/page-number totals), else null. */
  progress: number | null;
}

export interface RowsPage {
  total: number;
  rows: Record<string, unknown>[];
}

export interface Store {
  /** Create or migrate the table of a managed database (new properties become new columns). */
  ensureDatabase(database: DatabaseDefinition): Promise<void>;

  /**
   * The open cycle of a sync, or a new one. `fresh` abandons an open cycle and starts a new one
   * (--full). `full` makes a *new* incremental cycle a full one: it starts without checkpoints (from
   * the initial cursor) and sweeps at the end; a resumed cycle keeps what it was. `fresh` alone does
   * not make a cycle full. A fresh or full cycle drops the sync's anchor.
   */
  openCycle(sync: string, mode: SyncMode, options?: { fresh?: boolean; full?: boolean }): Promise<Cycle>;
  /**
   * When the sync's last full cycle closed (replace cycles are all full), or, if it never had one,
   * when its first cycle started; undefined for a sync that never ran.
   */
  lastFullCycleAt(sync: string): Promise<string | undefined>;
  /** When the sync's last full cycle closed with its sweep; undefined when none has (no fallback, unlike lastFullCycleAt). */
  lastFullCycleClosedAt(sync: string): Promise<string | undefined>;
  /** Keeps a snapshot of a delta's state (event anchor), unless one is already kept. True if stored. */
  setAnchor(sync: string, state: unknown): Promise<boolean>;
  /**
   * The anchored state of a delta, if any (used while it has no checkpoint). Dropped by resetState,
   * by a fresh or full cycle of the delta, and when the delta commits its first checkpoint.
   */
  getAnchor(sync: string): Promise<unknown | undefined>;
  getCheckpoint(sync: string, partition: string): Promise<Checkpoint | undefined>;
  listCheckpoints(sync?: string): Promise<Checkpoint[]>;
  /** The partition's page log, in the order it was appended; dropped with the partition's checkpoint. */
  readPageLog(sync: string, partition: string): Promise<string[]>;

  /** Apply a batch of changes and the checkpoint that follows them in ONE transaction. */
  commit(batch: CommitBatch): Promise<CommitResult>;

  /**
   * End a cycle whose partitions all finished. A full cycle deletes the rows of `database` with
   * seq <= cycle.startSeq (atomically with closing it); replace mode also drops the sync's
   * checkpoints, incremental keeps them (the cursor persists). Returns the number of rows swept.
   *
   * A full cycle refuses to close while a partition of it has not finished (sweeping would
   * delete that partition's rows). `partitions`, when given, are the partitions the cycle ended
   * with: an unfinished checkpoint of a partition no longer listed (a deleted parent record) is
   * dropped instead, and its rows are swept like any other unseen row.
   *
   * `runId`: the run closing the cycle; the swept rows count as its deletions, atomically.
   * `sweep: false` closes a full cycle without sweeping (the runtime could not tell every record it
   * saw: a record that failed without a key); it then does not count for lastFullCycleAt.
   */
  closeCycle(cycle: Cycle, database: DatabaseDefinition, partitions?: string[], options?: { sweep?: boolean; runId?: number }): Promise<number>;

  /** Forget checkpoints, anchors and open cycles (all syncs, or one). Data rows and tombstones stay. */
  resetState(sync?: string): Promise<void>;

  /**
   * Takes the sync's lock for `owner` unless a live holder has it: two processes on one database
   * never run the same sync at once. A holder is dead, and its lock taken over, when its heartbeat
   * is older than the lock timeout, or when it is on the owner's host and its process is gone. A
   * run of the sync still `running` in the history when the lock is taken has no live process
   * behind it: it is marked failed ("process died").
   */
  acquireLock(sync: string, owner: LockOwner): Promise<LockResult>;
  /** Renews the heartbeat of `owner`'s lock; false when it no longer holds it (it was taken over). */
  refreshLock(sync: string, owner: LockOwner): Promise<boolean>;
  /** Releases `owner`'s lock; nothing happens when it does not hold it. */
  releaseLock(sync: string, owner: LockOwner): Promise<void>;

  /**
   * Pacer budgets held where every process on the database sees them, so that all of them together
   * never exceed one: a slot for one request of `budget.pacer`, unless `allowedRequests` slots are
   * within `intervalMs` of `nowMs` — then when to ask again. A slot's window runs from its release
   * (the answer came back, so the server has certainly counted the request); a slot never released
   * (its process died with the request in flight) counts as released at `nowMs + inFlightMs`.
   * Times are epoch ms from the caller, not the store's clock: budgets are the API's real time.
   */
  takePacerSlot(budget: PacerBudget, holder: string, nowMs: number, inFlightMs: number): Promise<PacerSlotGrant>;
  /** The slot's request is done, its window running from `nowMs` (`used`), or was never sent: the slot is given back. */
  releasePacerSlot(slot: number, nowMs: number, used: boolean): Promise<void>;
  /** The API said to hold off until `untilMs` (epoch ms): no process is given a slot of `pacer` before then. Never shortens a pause. */
  pausePacer(pacer: string, untilMs: number): Promise<void>;

  /** Records a running run; `runId` claims a pending run queued by queueRun instead. */
  startRun(sync: string, options?: { trigger?: RunTrigger; runId?: number }): Promise<number>;
  /** Queues a run (status pending, trigger 'trigger') for a service to pick up: `syncspec trigger`. */
  queueRun(sync: string, options?: { full?: boolean }): Promise<number>;
  /** Pending runs, oldest first. */
  pendingRuns(): Promise<PendingRun[]>;
  setRunProgress(runId: number, percent: number): Promise<void>;
  appendRunLogs(runId: number, entries: RunLogEntry[]): Promise<void>;
  listRunLogs(runId: number): Promise<RunLogEntry[]>;
  /** Ends the run; `journal`, when given, is written in the same transaction. */
  finishRun(runId: number, outcome: RunOutcome, journal?: RunJournalWrite): Promise<void>;
  /** Writes the run journal's lines and progress in one transaction. */
  writeRunJournal(runId: number, journal: RunJournalWrite): Promise<void>;
  getRun(runId: number): Promise<RunRecord | undefined>;
  listRuns(options?: { sync?: string; limit?: number }): Promise<RunRecord[]>;
  listFailures(runId: number): Promise<FailedRecord[]>;

  /** Rows of a managed database, by property name (plus `_key`), ordered by key. */
  readRows(database: DatabaseDefinition, options?: { limit?: number; offset?: number }): Promise<RowsPage>;

  close(): Promise<void>;
}
