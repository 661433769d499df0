/**
 * The real `syncspec` command in a child process, as a user or a script runs it: the compiled
 * dist/ (npm test builds it first), a given environment and working folder, and the sandbox
 * running in the test process. Also: a test-local variant of the sandbox spec (small pages, fast
 * retries), so the shipped spec stays as users see it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestLogEntry, Sandbox } from '../../sandbox/server.js';
import { openProject, type OpenedProject } from '../../engine/project.js';
import { loadSpec, ROOT, syncOf, tempDir, type SpecObject } from './project.js';

export const CLI = join(ROOT, 'bin/syncspec.js');
const COMPILED_MAIN = join(ROOT, 'dist/engine/cli/main.js');

export interface CliResult {
  /** null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
}

export interface CliOptions {
  env: NodeJS.ProcessEnv;
  /** File names in diagnostics are shown relative to this folder. */
  cwd?: string;
}

export function spawnCli(args: string[], options: CliOptions): CliProcess {
  if (!existsSync(COMPILED_MAIN)) throw new Error(`${COMPILED_MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [CLI, ...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return spawnCli(args, options).done;
}

/**
 * The sandbox CRM spec with every contacts page `pageSize` long, fast retries (a failing request
 * gives up in milliseconds, unless `retry` says otherwise) and a pacer that never slows a test
 * down. `deltaBufferSeconds: 0` lets a delta see a write made just before it starts.
 */
export function sandboxSpec(options: {
  pageSize: number;
  maxChangesPerCommit?: number;
  deltaBufferSeconds?: number;
  /** The spec's `api.retry`. @default 2 attempts, 10–50 ms apart */
  retry?: { attempts: number; baseDelayMs: number; maxDelayMs: number };
}): SpecObject {
  return loadSpec('connectors/sandbox-crm.yaml', (spec) => {
    const stripeList = (spec.definitions as { paginators: Record<string, { pageSize: { value: number } }> }).paginators.stripeList;
    stripeList.pageSize.value = options.pageSize;
    syncOf(spec, 'contactsDelta').paginate.pageSize = options.pageSize;
    (spec.pacers as Record<string, { allowedRequests: number }>).sandbox.allowedRequests = 1000;
    (spec.api as Record<string, unknown>).retry = options.retry ?? { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 };
    if (options.deltaBufferSeconds !== undefined) syncOf(spec, 'contactsDelta').cursor.bufferSeconds = options.deltaBufferSeconds;
    if (options.maxChangesPerCommit !== undefined) {
      for (const sync of ['contactsBackfill', 'contactsDelta']) syncOf(spec, sync).maxChangesPerCommit = options.maxChangesPerCommit;
    }
  });
}

/**
 * Calls `listener` as the sandbox logs each answered request — synchronously, in the same tick as
 * the answer is written and before the sandbox can take another request — so a fault queued here
 * hits exactly the next request, and a signal sent here reaches a child that holds this answer.
 * Returns the function that stops listening.
 */
export function onRequest(sandbox: Sandbox, listener: (entry: RequestLogEntry, count: number) => void): () => void {
  const stats = sandbox.source.stats;
  const record = stats.record;
  let count = 0;
  stats.record = (entry) => {
    record.call(stats, entry);
    listener(entry, ++count);
  };
  return () => {
    stats.record = record;
  };
}

/** Opens a project's store in the test process (once the child has exited) for `read`. */
export async function withProject<T>(configPath: string, env: NodeJS.ProcessEnv, read: (opened: OpenedProject) => Promise<T>): Promise<T> {
  const opened = await openProject(configPath, { env });
  try {
    return await read(opened);
  } finally {
    await opened.close();
  }
}

/** The cells of a table the CLI printed (columns are separated by two spaces or more). */
export function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const end = lines.indexOf('');
  return lines.slice(0, end < 0 ? lines.length : end).map((line) => line.trim().split(/\s{2,}/));
}

const scratchDirs: string[] = [];

/** A temp folder for one test's project; `removeScratchDirs` (in afterAll) deletes them all. */
export function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  scratchDirs.push(dir);
  return dir;
}

export function removeScratchDirs(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
