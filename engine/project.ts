/**
 * A config file, opened: validated, its connectors compiled into SyncDefinitions, its store open.
 * The CLI and library users start here.
 */
import { systemClock, type Clock } from './core/clock.js';
import { loadProject, type LoadedProject } from './config/load.js';
import type { Diagnostic } from './spec/diagnostics.js';
import type { SyncDefinition } from './core/types.js';
import { SyncError } from './core/errors.js';
import { didYouMeanQualified, resolveQualified } from './core/qualified.js';
import type { Store } from './store/store.js';
import { openStore } from './store/open.js';
import { compileConnector, type CompiledConnector } from './interpreter/connector.js';
import { runCycle, type CycleSummary, type RunEvent } from './runtime/loop.js';
import type { RunTrigger } from './store/store.js';
import { runLimited } from './runtime/limited.js';
import { PacerRegistry } from './interpreter/pacers.js';
import type { TransportFactory } from './http/transport.js';

/** The config or a spec is invalid; `diagnostics` say where and why. */
export class InvalidConfigError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`invalid configuration: ${diagnostics.filter((d) => d.severity === 'error').length} error(s)`);
    this.name = 'InvalidConfigError';
  }
}

export interface OpenedProject {
  project: LoadedProject;
  connectors: CompiledConnector[];
  syncs: SyncDefinition[];
  /** Syncs the config switched off, by qualified name. */
  disabledSyncs: string[];
  store: Store;
  /** The clock the store stamps cycles with, which runs also read (full syncs due, anchors). */
  clock: Clock;
  /** Removes every secret value of every connector from a text. */
  redact(text: string): string;
  close(): Promise<void>;
}

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * 'read' for commands that only look (status, state show, runs): the database is never created —
   * one that does not exist yet reads as empty — and is opened read-only where it cannot be written.
   * Default 'write'.
   */
  access?: 'read' | 'write';
  /** What stamps run history and cycle starts (and so a cursor's buffer); default the system clock. */
  clock?: Clock;
  /**
   * 'optional' for commands that send no request (status, runs, rows, catalog, state show): a secret
   * whose environment variable is not set is a warning, and a request that needed it would fail.
   * Default 'required'. 'placeholders' (syncspec test replaying recorded exchanges): every declared
   * secret is `secretPlaceholder(name)` whatever the environment holds — the value recordings carry
   * in place of the real one.
   */
  secrets?: 'required' | 'optional' | 'placeholders';
  /** Another SQLite file than the config's database (syncspec test runs in a scratch one). */
  databasePath?: string;
  /** Under every HTTP client of every connector: got's by default (see TransportFactory). */
  transport?: TransportFactory;
  /** Var values by connector that win over the config's (syncspec test replays with the recorded ones). */
  vars?: Record<string, Record<string, unknown>>;
  /**
   * The syncs the caller will run: a name that picks none (unknown, ambiguous, disabled) fails with
   * its SyncError before the database is opened — so a misspelled `run --sync` creates no file.
   */
  syncs?: string[];
}

/** What a recorded exchange holds in place of secret NAME, and what replaying it sets NAME to. */
export function secretPlaceholder(name: string): string {
  return `SECRET_${name}`;
}

export async function openProject(configPath: string, options: OpenOptions = {}): Promise<OpenedProject> {
  const secretsRequired = options.secrets === undefined || options.secrets === 'required';
  const { project, diagnostics } = await loadProject(configPath, { ...options, missingSecrets: secretsRequired ? 'error' : 'warning' });
  if (!project) throw new InvalidConfigError(diagnostics);
  for (const connector of project.connectors) Object.assign(connector.vars, options.vars?.[connector.name]);
  if (options.secrets === 'placeholders') {
    for (const connector of project.connectors) {
      connector.secrets = Object.fromEntries(Object.keys(connector.spec.secrets ?? {}).map((name) => [name, secretPlaceholder(name)]));
    }
  }
  const pacers = new PacerRegistry();
  const clock = options.clock ?? systemClock;
  const connectors = project.connectors.map((connector) => compileConnector(connector, { pacers, secretsRequired, transport: options.transport }));
  const storage = options.databasePath === undefined ? project.storage : { ...project.storage, path: options.databasePath };
  let store: Store;
  try {
    if (options.syncs !== undefined) selectSyncs(connectors.flatMap((connector) => connector.syncs), options.syncs, connectors.flatMap((connector) => connector.disabled));
    store = await openStore({ ...storage, access: options.access ?? 'write', clock });
    // Budgets every process on the database keeps to together; a read-only opening cannot write them.
    if ((options.access ?? 'write') === 'write') pacers.share(store);
  } catch (error) {
    for (const connector of connectors) connector.close();
    throw error;
  }
  return {
    project,
    connectors,
    syncs: connectors.flatMap((connector) => connector.syncs),
    disabledSyncs: connectors.flatMap((connector) => connector.disabled),
    store,
    clock,
    redact: (text) => connectors.reduce((out, connector) => connector.redact(out), text),
    close: async () => {
      for (const connector of connectors) connector.close();
      await store.close();
    },
  };
}

/**
 * Picks syncs by name: the qualified CONNECTOR.SYNC, or the bare SYNC when only one connector
 * has it. No names = every enabled sync.
 */
export function selectSyncs(syncs: SyncDefinition[], names: string[] | undefined, disabled: string[] = []): SyncDefinition[] {
  if (!names || names.length === 0) return syncs;
  const known = syncs.map((sync) => sync.name);
  return names.map((name) => {
    const resolved = resolveQualified(name, known);
    if ('found' in resolved) return syncs.find((sync) => sync.name === resolved.found)!;
    if ('ambiguous' in resolved) throw new SyncError('ambiguous-sync', `sync '${name}' is ambiguous: ${resolved.ambiguous.join(', ')}`);
    const off = disabled.find((qualified) => qualified === name || qualified.endsWith(`.${name}`));
    if (off) throw new SyncError('unknown-sync', `sync '${off}' is disabled in the config (syncs.${off.split('.').slice(1).join('.')}.enabled: false)`);
    throw new SyncError('unknown-sync', `unknown sync '${name}' (${didYouMeanQualified(resolved)}known syncs: ${known.join(', ')})`);
  });
}

export interface RunOptions {
  syncs?: string[];
  full?: boolean;
  /** Stop between pages (graceful). */
  signal?: AbortSignal;
  /** Abort requests in flight too. */
  abortSignal?: AbortSignal;
  /** Start, commits, rate-limit waits and finish of every sync's run (see RunEvent). */
  onEvent?: (event: RunEvent) => void;
  /** Why these runs run (run history). Default 'manual'. */
  trigger?: RunTrigger;
}

/**
 * One cycle of each selected sync. Syncs of different connectors run concurrently, up to the
 * config's `concurrency`; the syncs of one connector run one after another, in the order selected
 * (they share the API's budget, and often a database). Summaries come back in the order selected;
 * once a stop is requested no further sync starts, and those never started have no summary.
 */
export async function runProject(opened: OpenedProject, options: RunOptions = {}): Promise<CycleSummary[]> {
  const selected = selectSyncs(opened.syncs, options.syncs, opened.disabledSyncs);
  const connectorOf = new Map(opened.connectors.flatMap((connector) => connector.syncs.map((sync) => [sync, connector.name] as const)));
  const stopped = () => Boolean(options.signal?.aborted || options.abortSignal?.aborted);
  const summaries = await runLimited(
    selected,
    { limit: opened.project.concurrency, groupOf: (sync) => connectorOf.get(sync) ?? sync.name, stopped },
    (sync) => runCycle(sync, {
      store: opened.store, full: options.full, signal: options.signal, abortSignal: options.abortSignal,
      onEvent: options.onEvent, trigger: options.trigger, redact: opened.redact, clock: opened.clock,
    }),
  );
  return summaries.filter((summary): summary is CycleSummary => summary !== undefined);
}
