/**
 * What a run is given and what it tells: the options of runCycle, the events it emits as it goes
 * (one stream: the process log, progress bars and library callers all read it), and its summary.
 */
import type { FailedRecord, RateLimitWait } from '../core/types.js';
import type { RunTrigger, Store } from '../store/store.js';
import type { Clock } from '../core/clock.js';

export interface CycleOptions {
  store: Store;
  /** Start a fresh cycle, discarding a resumable one and its checkpoints (`run --full`). */
  full?: boolean;
  /** Stop between pages: the page in flight finishes and commits, then the run ends as cancelled. */
  signal?: AbortSignal;
  /** Abort the work in flight too (a request waiting on a long Retry-After): nothing of it commits. */
  abortSignal?: AbortSignal;
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
  /**
   * What tells whether a periodic full cycle is due (fullSyncEveryMs) and when an event anchor is
   * taken; default the system clock. Give it the clock the store stamps cycles with.
   */
  clock?: Clock;
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
  /** `fatal`, `retriable` (its last attempt failed too), `rateLimited` or `cancelled`; null when it did not fail. */
  errorKind: string | null;
  /** The first failed records, with key and reason (all of them are in run history). */
  failures: FailedRecord[];
}
