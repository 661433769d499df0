/**
 * Integration-test scaffolding: a sandbox API on an ephemeral loopback port, a temp folder with a
 * config that loads real connector specs, and the opened project over a real SQLite file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.js';
import { openProject, type OpenedProject } from '../../engine/project.js';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export function tempDir(prefix = 'syncspec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ConnectorEntry {
  spec: string;
  vars?: Record<string, unknown>;
  syncs?: Record<string, { enabled?: boolean; schedule?: string }>;
}

/** Writes a config into `dir` with each connector pointing at the sandbox; returns its path. */
export function writeConfig(dir: string, connectors: Record<string, ConnectorEntry>): string {
  const lines = ['syncspec: 1', 'database: { type: sqlite, path: ./data/sync.db }', 'connectors:'];
  for (const [name, entry] of Object.entries(connectors)) {
    lines.push(`  ${name}:`, `    spec: ${JSON.stringify(resolve(ROOT, entry.spec))}`);
    lines.push('    vars:', '      baseUrl: { env: SANDBOX_URL }');
    for (const [key, value] of Object.entries(entry.vars ?? {})) lines.push(`      ${key}: ${JSON.stringify(value)}`);
    lines.push('    secrets:', '      apiToken: { env: SANDBOX_TOKEN }');
    if (entry.syncs) lines.push(`    syncs: ${JSON.stringify(entry.syncs)}`);
  }
  const path = join(dir, 'config.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export function sandboxEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  return { ...process.env, SANDBOX_URL: sandbox.url, SANDBOX_TOKEN: 'sandbox-token' };
}

export interface Harness {
  sandbox: Sandbox;
  dir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  open(): Promise<OpenedProject>;
  close(): Promise<void>;
}

export async function harness(connectors: Record<string, ConnectorEntry>, options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ seed: 7, ...options });
  const dir = tempDir();
  const configPath = writeConfig(dir, connectors);
  const env = sandboxEnv(sandbox);
  const opened: OpenedProject[] = [];
  return {
    sandbox, dir, configPath, env,
    open: async () => {
      const project = await openProject(configPath, { env });
      opened.push(project);
      return project;
    },
    close: async () => {
      for (const project of opened) await project.close().catch(() => undefined);
      await sandbox.close();
    },
  };
}
