/**
 * Integration-test scaffolding: a sandbox API on an ephemeral loopback port, a temp folder with a
 * config that loads real connector specs, and the opened project over a real SQLite file.
 */
import type { Clock } from '../../engine/core/clock.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.js';
import { openProject, runProject, type OpenedProject, type RunOptions } from '../../engine/project.js';
import type { CommitEvent, CycleSummary, RunEvent } from '../../engine/runtime/loop.js';
import type { DatabaseDefinition, ExecuteContext, SyncDefinition } from '../../engine/core/types.js';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export function tempDir(prefix = 'syncspec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A connector spec as plain data (what YAML parses to), for test-local variants of real specs. */
export type SpecObject = Record<string, unknown>;

export interface ConnectorEntry {
  /** A spec path relative to the repository root, or a spec object written into the test's folder. */
  spec: string | SpecObject;
  vars?: Record<string, unknown>;
  syncs?: Record<string, { enabled?: boolean; schedule?: string }>;
}

/**
 * A repository spec parsed to data (anchors resolved), optionally edited: the way a test derives a
 * variant — a smaller page, another buffer — without a copy of the whole file.
 */
export function loadSpec(path: string, edit?: (spec: SpecObject) => void): SpecObject {
  const spec = parse(readFileSync(resolve(ROOT, path), 'utf8')) as SpecObject;
  edit?.(spec);
  return spec;
}

/** The sync `name` of a spec object, for editing. */
export function syncOf(spec: SpecObject, name: string): Record<string, any> {
  const sync = (spec.syncs as Record<string, Record<string, any>> | undefined)?.[name];
  if (!sync) throw new Error(`spec has no sync '${name}'`);
  return sync;
}

/** Writes a config into `dir` with each connector pointing at the sandbox; returns its path. */
export function writeConfig(dir: string, connectors: Record<string, ConnectorEntry>): string {
  const lines = ['syncspec: 1', 'database: { type: sqlite, path: ./data/sync.db }', 'connectors:'];
  for (const [name, entry] of Object.entries(connectors)) {
    lines.push(`  ${name}:`, `    spec: ${JSON.stringify(specPath(dir, name, entry.spec))}`);
    lines.push('    vars:', '      baseUrl: { env: SANDBOX_URL }');
    for (const [key, value] of Object.entries(entry.vars ?? {})) lines.push(`      ${key}: ${JSON.stringify(value)}`);
    lines.push('    secrets:', '      apiToken: { env: SANDBOX_TOKEN }');
    if (entry.syncs) lines.push(`    syncs: ${JSON.stringify(entry.syncs)}`);
  }
  const path = join(dir, 'config.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function specPath(dir: string, connector: string, spec: string | SpecObject): string {
  if (typeof spec === 'string') return resolve(ROOT, spec);
  const path = join(dir, `${connector}.spec.yaml`);
  writeFileSync(path, stringify(spec));
  return path;
}

export function sandboxEnv(sandbox: Sandbox | { url: string }): NodeJS.ProcessEnv {
  // Not npm's: a CLI the tests start was not launched through npm (start would watch its launcher).
  const { npm_command: _npm, ...inherited } = process.env;
  return { ...inherited, SANDBOX_URL: sandbox.url, SANDBOX_TOKEN: 'sandbox-token' };
}

export interface Harness {
  sandbox: Sandbox;
  dir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** `clock`: what the project's store stamps runs and cycle starts with (default the system clock). */
  open(options?: { clock?: Clock }): Promise<OpenedProject>;
  close(): Promise<void>;
}

export async function harness(connectors: Record<string, ConnectorEntry>, options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ seed: 7, ...options });
  const { dir, configPath, env, open, close } = await projectAt(sandbox.url, connectors);
  return {
    sandbox, dir, configPath, env, open,
    close: async () => {
      await close();
      await sandbox.close();
    },
  };
}

/** A config in a fresh temp folder whose connectors call `url` (a test's own server, say). */
export async function projectAt(url: string, connectors: Record<string, ConnectorEntry>) {
  const dir = tempDir();
  const configPath = writeConfig(dir, connectors);
  const env = sandboxEnv({ url });
  const opened: OpenedProject[] = [];
  return {
    dir, configPath, env,
    open: async (options: { clock?: Clock } = {}) => {
      const project = await openProject(configPath, { env, ...options });
      opened.push(project);
      return project;
    },
    /** Closes every opened project and removes the folder with its database. */
    close: async () => {
      for (const project of opened) await project.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One cycle of one sync (qualified or bare name). */
/**
 * A run-event listener that hears only commits, each as `{ sync, partition, upserted, deleted, failed }`
 * (what tests count and stop on).
 */
export function commitsOnly(listener: (commit: CommitEvent) => unknown): (event: RunEvent) => void {
  return (event) => {
    if (event.type !== 'commit') return;
    const { sync, partition, upserted, deleted, failed } = event;
    listener({ sync, partition, upserted, deleted, failed });
  };
}

export async function runSync(opened: OpenedProject, sync: string, options: Omit<RunOptions, 'syncs'> = {}): Promise<CycleSummary> {
  const [summary] = await runProject(opened, { ...options, syncs: [sync] });
  return summary;
}

/** A managed database of the project by qualified name (crm.contacts). */
export function databaseOf(opened: OpenedProject, name: string): DatabaseDefinition {
  const database = opened.syncs.find((sync) => sync.database.name === name)?.database;
  if (!database) throw new Error(`no sync writes database '${name}'`);
  return database;
}

/** Every row of a managed database, by key. */
export async function rowsByKey(opened: OpenedProject, database: string): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await opened.store.readRows(databaseOf(opened, database));
  return new Map(rows.map((row) => [row._key as string, row]));
}

/** A compiled sync of the project by qualified name (crm.contactsDelta). */
export function syncNamed(opened: OpenedProject, name: string): SyncDefinition {
  const sync = opened.syncs.find((candidate) => candidate.name === name);
  if (!sync) throw new Error(`no sync '${name}'; syncs: ${opened.syncs.map((candidate) => candidate.name).join(', ')}`);
  return sync;
}

/** The checkpoint state of an unpartitioned sync: what `state show` prints and the next cycle starts from. */
export async function stateOf(opened: OpenedProject, sync: string): Promise<unknown> {
  const checkpoints = await opened.store.listCheckpoints(sync);
  if (checkpoints.length !== 1) throw new Error(`sync '${sync}' has ${checkpoints.length} checkpoints; expected 1`);
  return checkpoints[0].state;
}

/** The context of one execute call outside the runtime loop: one unpartitioned, non-full cycle starting now. */
export function executeContext(overrides: Partial<ExecuteContext> = {}): ExecuteContext {
  return {
    partition: { key: '', value: undefined },
    full: false,
    cycleStartedAt: new Date(),
    metrics: { requests: 0, retries: 0 },
    signal: new AbortController().signal,
    ...overrides,
  };
}
