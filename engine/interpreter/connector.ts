/**
 * The interpreter's entry: a loaded connector spec becomes SyncDefinitions — the same contract a
 * hand-written sync implements — plus the HTTP client they share. Everything is compiled here,
 * once; execute() only renders, fetches and maps.
 */
import type { Partition, SyncDefinition } from '../core/types.js';
import type { LoadedConnector } from '../config/load.js';
import type { Paginator, Sync } from '../spec/model.generated.js';
import { toDatabaseDefinition } from '../spec/databases.js';
import { parseSchedule } from '../schedule/parse.js';
import { compileValueTemplate, type TemplateContext } from '../template/render.js';
import { selectFirst } from '../extract/jsonpath.js';
import { matchesCondition } from '../extract/conditions.js';
import { compileRecordMapper } from '../mapping/record-mapper.js';
import { SyncError } from '../core/errors.js';
import { compileAnchor } from './anchor.js';
import { cursorRules, initialPosition } from './cursor.js';
import { compileDeleteStream } from './delete-stream.js';
import { compileExecute } from './execute.js';
import { parentPartitions, staticPartitions, type PartitionLister } from './partitions.js';
import type { PhaseRules } from './phase.js';
import { pagesByCursor } from '../pagination/facts.js';
import { listedDeletions, recordKey, recordsToChanges, type RecordRules } from './records.js';
import { resyncingSender } from './resync.js';
import { compileStream } from './stream.js';
import { createConnectorHttp, type ConnectorHttp } from './http.js';
import type { PacerRegistry } from './pacers.js';
import type { TransportFactory } from '../http/transport.js';
import { compileVersion } from './version.js';
import { createStateSeal, type StateSeal } from './seal.js';
import type { SpecState } from './state-format.js';

export interface CompiledConnector {
  name: string;
  syncs: SyncDefinition[];
  /** Qualified names of the syncs the config switched off (enabled: false). */
  disabled: string[];
  redact(text: string): string;
  close(): void;
}

export interface CompileOptions {
  pacers: PacerRegistry;
  /**
   * False for commands that send no request (status, runs, rows, catalog): a secret without a value
   * fails the first request that needs it instead of the compile.
   */
  secretsRequired?: boolean;
  /** Under every client of the connector (OpenOptions.transport). */
  transport?: TransportFactory;
}

export function compileConnector(loaded: LoadedConnector, shared: CompileOptions): CompiledConnector {
  const { spec, name: connector, vars, secrets } = loaded;
  const http = createConnectorHttp(loaded, shared.pacers, { secretsRequired: shared.secretsRequired ?? true, transport: shared.transport });
  const databases = new Map(Object.entries(spec.databases).map(([key, db]) => [key, toDatabaseDefinition(connector, key, db)]));
  const compiled = new Map<string, CompiledSync>();

  // Parents compile before their children; the validator has rejected cycles.
  const compile = (syncName: string): CompiledSync => {
    const done = compiled.get(syncName);
    if (done) return done;
    const syncSpec = spec.syncs[syncName];
    const parent = syncSpec.partitions?.parent ? compile(syncSpec.partitions.parent.sync) : undefined;
    const result = compileSync(`${connector}.${syncName}`, syncSpec, {
      connector, syncs: spec.syncs,
      database: databases.get(syncSpec.database)!, http, vars, secrets, parent,
      schedule: loaded.syncOverrides[syncName]?.schedule ?? syncSpec.schedule,
    });
    compiled.set(syncName, result);
    return result;
  };
  const enabled = (name: string) => loaded.syncOverrides[name]?.enabled !== false;
  const syncs = Object.keys(spec.syncs).map(compile).filter((sync) => enabled(sync.definition.name.slice(connector.length + 1))).map((sync) => sync.definition);
  const disabled = Object.keys(spec.syncs).filter((name) => !enabled(name)).map((name) => `${connector}.${name}`);
  return { name: connector, syncs, disabled, redact: (text) => http.redactor.redact(text), close: () => http.close() };
}

interface CompiledSync {
  definition: SyncDefinition<SpecState>;
  /** How children list this sync's records as their partitions. */
  listing: Parameters<typeof parentPartitions>[1];
}

interface SyncDeps {
  connector: string;
  /** Every sync of the connector, for the delta an anchor names. */
  syncs: Record<string, Sync>;
  database: ReturnType<typeof toDatabaseDefinition>;
  http: ConnectorHttp;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
  parent?: CompiledSync;
  schedule: string;
}

function compileSync(name: string, spec: Sync, deps: SyncDeps): CompiledSync {
  const paginate = spec.paginate as Paginator | undefined;
  const sender = deps.http.senderFor(spec.pacer);
  const streamSpec = { request: spec.request, records: spec.records, paginate, objects: true };
  const stream = compileStream(streamSpec, sender, deps.http.baseUrl, { pageConcurrency: spec.pageConcurrency });
  const mapper = compileRecordMapper({ database: deps.database, map: spec.map, primaryKey: spec.primaryKey, icon: spec.icon, content: spec.content });
  const mode = spec.mode;
  const schedule = parseSchedule(deps.schedule);
  if (!schedule.ok) throw new SyncError('bad-schedule', `${name}: ${schedule.message}`);
  const incremental = mode === 'incremental' && spec.cursor
    ? { spec: spec.cursor, rules: cursorRules(spec.cursor), pagedByCursor: pagesByCursor(paginate) }
    : undefined;
  const maxChanges = spec.maxChangesPerCommit;
  const limits = { pages: spec.maxPagesPerCycle, records: spec.maxRecordsPerCycle };
  // The sync's own walks resync (its records and its delete stream); a child listing its records as partitions does not.
  const walkSender = spec.resync ? resyncingSender(sender, spec.resync) : sender;
  const records: RecordRules = {
    filter: spec.filter, object: spec.object, deleteWhen: spec.deletes?.when, mapper, secrets: deps.http.redactor,
    version: compileVersion({ path: spec.version, cursor: incremental && { field: incremental.spec.field, rules: incremental.rules } }),
  };
  const idsPath = spec.deletes?.ids;
  const delta: PhaseRules = {
    stream: spec.resync ? compileStream(streamSpec, walkSender, deps.http.baseUrl) : stream,
    paginate, incremental, maxChanges, limits, vars: deps.vars, secrets: deps.secrets,
    toChanges: (page, ctx) => recordsToChanges(page, records, ctx),
    listed: idsPath ? (body) => listedDeletions(body, idsPath) : undefined,
    keyOf: (record, ctx) => recordKey(records, record, ctx),
  };
  const deleteStream = spec.deletes?.stream;
  // A delete stream charged to another budget than its delta's (HubSpot: archived → search).
  const deletesSender = deleteStream?.pacer === undefined ? sender : deps.http.senderFor(deleteStream.pacer);
  const execute = compileExecute({
    delta,
    deletes: deleteStream && compileDeleteStream(deleteStream, {
      sender: spec.resync ? resyncingSender(deletesSender, spec.resync) : deletesSender,
      baseUrl: deps.http.baseUrl, maxChanges, limits, vars: deps.vars, secrets: deps.secrets,
    }),
  });
  const mapCtx = (partition: Partition) => ({ vars: deps.vars, partition: partition.value });
  const seal = createStateSeal(deps.http.redactor);
  const definition: SyncDefinition<SpecState> = {
    name, database: deps.database, mode, schedule: schedule.schedule,
    maxChangesPerCommit: maxChanges,
    partitions: compilePartitions(name, spec, deps),
    partitionConcurrency: spec.partitionConcurrency,
    // A page reads only its request and its state; the page log it reads on resume is never ahead.
    readAhead: true,
    execute: sealed(execute, seal),
  };
  if (mode === 'incremental') definition.fullSyncEveryMs = fullSyncEveryMs(name, spec.fullSync);
  // A newest-first feed delivers the newest change of a row first: equal versions go to it.
  if (spec.cursor?.order === 'descending') definition.equalVersions = 'firstInCycle';
  if (spec.anchor) {
    const anchor = compileAnchor(name, spec.anchor, deps.syncs[spec.anchor.delta], {
      connector: deps.connector, http: deps.http, vars: deps.vars, secrets: deps.secrets,
    });
    definition.anchor = { sync: anchor.sync, snapshot: async (ctx) => seal.seal(await anchor.snapshot(ctx)) };
  }
  const listing = {
    name, stream,
    partitions: definition.partitions,
    templateContext: (partition: Partition, now: Date): TemplateContext => ({
      vars: deps.vars, secrets: deps.secrets, partition: partition.value, now: now.toISOString(),
      cursor: incremental && initialPosition(incremental.rules, now),
    }),
    select: (record: unknown) => {
      if (spec.filter && !matchesCondition(spec.filter, record)) return undefined;
      return spec.object ? selectFirst(spec.object, record) : record;
    },
    key: (record: unknown) => mapper.key(record, mapCtx({ key: '', value: undefined })),
  };
  return { definition, listing };
}

/** State goes out sealed and comes back unsealed: no checkpoint, anchor or preview holds a credential (seal.ts). */
function sealed(execute: SyncDefinition<SpecState>['execute'], seal: StateSeal): SyncDefinition<SpecState>['execute'] {
  return async (state, ctx) => {
    const pageLog = ctx.pageLog;
    const open = { ...ctx, pageLog: pageLog && (async () => seal.unseal(await pageLog())) };
    const result = await execute(seal.unseal(state), open);
    const sealedResult = { ...result, nextState: seal.seal(result.nextState) };
    if (result.pageLog) sealedResult.pageLog = { reset: result.pageLog.reset, add: seal.seal([...result.pageLog.add]) };
    return sealedResult;
  };
}

/** `fullSync`: an interval (7d, 24h, 30m, 45s) in ms, or null for `off`. */
function fullSyncEveryMs(name: string, text: string): number | null {
  if (text === 'off') return null;
  const parsed = parseSchedule(text);
  if (!parsed.ok || parsed.schedule.kind !== 'interval') {
    throw new SyncError('bad-full-sync', `${name}: fullSync must be an interval such as 7d, 24h, 30m or 45s, or off; got '${text}'`);
  }
  return parsed.schedule.ms;
}

function compilePartitions(name: string, spec: Sync, deps: SyncDeps): PartitionLister | undefined {
  const partitions = spec.partitions;
  if (!partitions) return undefined;
  if (partitions.parent) {
    const listing = deps.parent!.listing;
    const keyPath = partitions.parent.key;
    return parentPartitions(name, keyPath ? { ...listing, key: (record) => keyFrom(record, keyPath) } : listing);
  }
  // `values: "{{vars.repos}}"` yields the var itself (a list), not its text.
  const values = typeof partitions.values === 'string' ? compileValueTemplate(partitions.values)({ vars: deps.vars }) : partitions.values;
  return staticPartitions(name, values, partitions.key);
}

function keyFrom(record: unknown, path: string): string | null {
  const key = selectFirst(path, record);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : null;
}
