/**
 * syncspec as a library. Spec-driven syncs and syncs written in TypeScript run through the same
 * loop (`runCycle`) into the same store:
 *
 *   const store = await openStore({ type: 'sqlite', path: './data/app.db' });
 *   const summary = await runCycle(defineSync({ name: 'items', database, execute }), { store });
 */
import type { DatabaseDefinition, Execute, SyncDefinition, SyncMode, Schedule, Partition, SyncMetrics } from './core/types.js';
import type { Database } from './spec/types.generated.js';
import { toDatabaseDefinition } from './spec/databases.js';
import { withDefaults } from './spec/defaults.js';
import { parseSchedule } from './schedule/parse.js';
import { SyncError } from './core/errors.js';

export type * from './core/types.js';
export type { ConnectorSpec } from './spec/types.generated.js';
export type { SyncspecConfig } from './config/types.generated.js';
export type { Store, Checkpoint, Cycle, RunRecord, LockOwner, LockHolder } from './store/store.js';
export type { CycleSummary, CycleOptions, CommitEvent } from './runtime/loop.js';
export type { Diagnostic } from './spec/diagnostics.js';
export { runCycle } from './runtime/loop.js';
export { openStore } from './store/open.js';
export { loadProject } from './config/load.js';
export { openProject, runProject, selectSyncs, InvalidConfigError, type OpenedProject } from './project.js';
export { SyncError, ResyncRequired } from './core/errors.js';
export { limitHeapGrowth } from './core/heap.js';
export { testConnector, type ConnectorTestOptions, type ConnectorTestResult, type CycleReport } from './testing/connector-test.js';

/**
 * A managed database in the spec language's own terms (the `databases` entry of a spec), e.g.
 * `defineDatabase('items', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } })`.
 * The table is named exactly `name`; relations name other library databases by their names.
 */
export function defineDatabase(name: string, database: Database): DatabaseDefinition {
  return toDatabaseDefinition('', name, withDefaults('connector', database, 'database'));
}

export interface SyncInput<S> {
  name: string;
  database: DatabaseDefinition;
  execute: Execute<S>;
  mode?: SyncMode;
  /** `manual`, `5m`, `1h`, `1d` or a cron expression. Default manual. */
  schedule?: string;
  maxChangesPerCommit?: number;
  /** Incremental syncs: run a full cycle (replace semantics) when the last is this old. Default: never. */
  fullSyncEveryMs?: number | null;
  /** Replace syncs paired with a delta: snapshot the delta's state when a cycle starts. */
  anchor?: SyncDefinition['anchor'];
  /** How many partitions run at once. Default 1. */
  partitionConcurrency?: number;
  partitions?: (ctx: { signal: AbortSignal; metrics: SyncMetrics }) => Promise<Partition[]>;
}

/** A hand-written sync with the defaults a spec sync gets. */
export function defineSync<S>(input: SyncInput<S>): SyncDefinition<S> {
  const parsed = parseSchedule(input.schedule ?? 'manual');
  if (!parsed.ok) throw new SyncError('bad-schedule', `${input.name}: ${parsed.message}`);
  const schedule: Schedule = parsed.schedule;
  return {
    name: input.name,
    database: input.database,
    mode: input.mode ?? 'replace',
    schedule,
    maxChangesPerCommit: input.maxChangesPerCommit ?? 100,
    partitions: input.partitions,
    fullSyncEveryMs: input.fullSyncEveryMs ?? null,
    anchor: input.anchor,
    partitionConcurrency: input.partitionConcurrency ?? 1,
    execute: input.execute,
  };
}
