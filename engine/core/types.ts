/**
 * The contract every sync runs through, spec-driven or hand-written: the runtime calls
 * `execute(state)` until `hasMore` is false (one cycle), committing each result's changes
 * together with its `nextState`. This is the Notion Workers sync contract, plus `failed`.
 */

/** A property value after mapping, as stored (see engine/mapping/properties). */
export type PropertyValue =
  | string
  | number
  | boolean
  | null
  | string[]
  | { start: string; end: string | null }
  | { url: string; name: string | null }
  | { latitude: number; longitude: number; name: string | null; address: string | null };

export interface UpsertChange {
  type: 'upsert';
  key: string;
  /**
   * The record's version (its modification time in epoch ms, or a number). A versioned change never
   * overwrites a newer version of its row, nor resurrects a row deleted at a newer version —
   * whatever order concurrent syncs deliver changes in. Unversioned changes always apply.
   */
  version?: number;
  properties: Record<string, PropertyValue>;
  /** An emoji or an image URL. */
  icon?: string | null;
  pageContentMarkdown?: string | null;
}

export interface DeleteChange {
  type: 'delete';
  key: string;
  /** The version the record was deleted at; see UpsertChange.version. */
  version?: number;
}

export type Change = UpsertChange | DeleteChange;

/** A source record that could not be mapped; the rest of its page proceeds. */
export interface FailedRecord {
  key: string | null;
  reason: string;
}

export interface ExecuteResult<S = unknown> {
  changes: Change[];
  hasMore: boolean;
  nextState: S | undefined;
  failed?: FailedRecord[];
  /** How far the cycle is, when the source tells a total (records or pages). */
  progress?: { done: number; total: number };
  /**
   * Identities to keep beside the state, appended with this result's commit (see PageLogUpdate): what
   * a sync that splits one large page over several commits has committed of it, without rewriting
   * the whole list into its state with every commit.
   */
  pageLog?: PageLogUpdate;
  /**
   * A failure that does not stop the cycle: one stream of a sync failed and another runs instead
   * (a flip-flop delete stream). The loop commits this result, goes on, and fails the run with this
   * error once the cycle's work is done.
   */
  deferredError?: Error;
}

/** `reset` empties the partition's page log before `add` is appended. */
export interface PageLogUpdate {
  reset: boolean;
  add: readonly string[];
}

/** A partition of a sync: one independently checkpointed slice (a repository, a sub-account). */
export interface Partition {
  /** Stable key of the partition's checkpoint; '' for an unpartitioned sync. */
  key: string;
  /** What templates see as {{partition}}. */
  value: unknown;
}

export interface SyncMetrics {
  requests: number;
  retries: number;
  /** Called as each wait a rate limit imposes starts: the runtime logs it and keeps it for run history. */
  onWait?: (wait: RateLimitWait) => void;
}

/** A request held back by the API's rate limit: why, the headers that said so, and for how long. */
export interface RateLimitWait {
  /** The request, described and redacted (`GET https://api.example.com/items?page=2`). */
  request: string;
  /** `429 Too Many Requests`, `the budget is spent`… */
  reason: string;
  /** The rate-limit headers of the answer that asked for it, as sent. */
  headers: string;
  ms: number;
}

export interface ExecuteContext {
  partition: Partition;
  /** A full cycle of an incremental sync (periodic, --full or a resync): replace semantics. */
  full: boolean;
  /** The cycle's clock: one `now` per cycle, so every page of a cycle agrees on "now − buffer". */
  cycleStartedAt: Date;
  metrics: SyncMetrics;
  signal: AbortSignal;
  /** The partition's page log as committed (see ExecuteResult.pageLog); read when resuming a split page. */
  pageLog?: () => Promise<string[]>;
}

export type Execute<S = unknown> = (state: S | undefined, ctx: ExecuteContext) => Promise<ExecuteResult<S>>;

export type SyncMode = 'replace' | 'incremental';

/**
 * The source's own order for changes of one row that carry the same version (whole-second times tie
 * often). 'lastWins': the later delivery is the newer — feeds read oldest first, lists. 'firstInCycle':
 * a newest-first feed delivers the newest first, so within one cycle the first delivery of a version
 * wins; a later cycle, which read the source again, still overrides it.
 */
export type EqualVersions = 'lastWins' | 'firstInCycle';

export type Schedule =
  | { kind: 'manual' }
  | { kind: 'interval'; ms: number; text: string }
  | { kind: 'cron'; expression: string };

/** Storage type of a property column. */
export type PropertyKind =
  | 'title' | 'richText' | 'url' | 'email' | 'phoneNumber' | 'checkbox' | 'file' | 'number' | 'date'
  | 'select' | 'multiSelect' | 'status' | 'people' | 'place' | 'relation';

/** A property as the runtime sees it: shorthand expanded, options flattened to names. */
export interface PropertyDefinition {
  name: string;
  type: PropertyKind;
  /** number */
  format?: string;
  /** date: 'date' | 'dateTime' | 'dateRange' */
  dateFormat?: 'date' | 'dateTime' | 'dateRange';
  /** select, multiSelect, status: allowed option names */
  options?: string[];
  /** status: option name → group name */
  groups?: Record<string, string>;
  /** relation: qualified name of the related database */
  relation?: { database: string; twoWay: boolean; relatedPropertyName: string | null };
}

/** A managed table. `name` is qualified: CONNECTOR.DATABASE. */
export interface DatabaseDefinition {
  name: string;
  title: string;
  primaryKeyProperty: string;
  properties: PropertyDefinition[];
}

/** A sync ready to run: what the spec interpreter produces, and what library users write. */
export interface SyncDefinition<S = unknown> {
  /** Qualified name CONNECTOR.SYNC (library syncs: any unique name). */
  name: string;
  database: DatabaseDefinition;
  mode: SyncMode;
  schedule: Schedule;
  /** At most this many changes per execute result, committed in one transaction. Default 100. */
  maxChangesPerCommit: number;
  /** Partitions of one cycle; omitted = one partition with key ''. */
  partitions?: (ctx: { signal: AbortSignal; metrics: SyncMetrics }) => Promise<Partition[]>;
  /** How many partitions run at once, each from its own checkpoint. Default 1 (one after another). */
  partitionConcurrency?: number;
  /** Incremental syncs: run a full cycle (replace semantics) when the last one is this old; null = never. */
  fullSyncEveryMs?: number | null;
  /** How two changes of one row with equal versions tie (see EqualVersions). Default 'lastWins'. */
  equalVersions?: EqualVersions;
  /**
   * `execute` may run for the next page while the current one commits (its request overlaps the
   * write): it reads nothing a commit writes. Compiled specs say so; default false.
   */
  readAhead?: boolean;
  /**
   * Replace syncs paired with a delta: when a new cycle starts, `snapshot` reads the delta's current
   * position (its state); a delta with no state yet starts from it.
   */
  anchor?: { sync: string; snapshot(ctx: { signal: AbortSignal; metrics: SyncMetrics; now: Date }): Promise<unknown> };
  // Method syntax on purpose: the runtime holds syncs of many state types as SyncDefinition<unknown>
  // and hands each its own stored state back, so the parameter may be checked bivariantly.
  execute(state: S | undefined, ctx: ExecuteContext): Promise<ExecuteResult<S>>;
}
