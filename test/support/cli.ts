/**
 * The real `syncspec` command in a child process, as a user or a script runs it: the compiled
 * dist/ (npm test builds it first), a given environment and working folder, and the sandbox
 * running in the test process. Also: test-local copies of a connector spec with a few values
 * changed (a small page size, fast retries), so the shipped spec stays as users see it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ROOT } from './project.js';

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

/** One value to set in a spec: the path of keys to it, and the value. */
export type SpecEdit = [path: (string | number)[], value: unknown];

/**
 * Copies a connector spec into `dir` with some values replaced; returns the copy's path. The
 * parent of every edited path must exist, so a renamed key in the shipped spec fails here
 * instead of silently adding an unused one.
 */
export function copySpec(dir: string, spec: string, edits: SpecEdit[]): string {
  const source = resolve(ROOT, spec);
  const doc = parseDocument(readFileSync(source, 'utf8'));
  for (const [path, value] of edits) {
    if (path.length > 1 && !doc.hasIn(path.slice(0, -1))) throw new Error(`${spec} has no ${path.slice(0, -1).join('.')}`);
    doc.setIn(path, doc.createNode(value));
  }
  const copy = join(dir, basename(source));
  writeFileSync(copy, doc.toString());
  return copy;
}

/** The sandbox CRM spec with every contacts page `pageSize` long and a faster pacer and retries. */
export function sandboxSpec(dir: string, options: { pageSize: number; maxChangesPerCommit?: number }): string {
  const edits: SpecEdit[] = [
    [['definitions', 'paginators', 'stripeList', 'pageSize', 'value'], options.pageSize],
    [['syncs', 'contactsDelta', 'paginate', 'pageSize'], options.pageSize],
    [['pacers', 'sandbox', 'allowedRequests'], 1000],
    [['api', 'retry'], { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 }],
  ];
  if (options.maxChangesPerCommit !== undefined) {
    for (const sync of ['contactsBackfill', 'contactsDelta']) edits.push([['syncs', sync, 'maxChangesPerCommit'], options.maxChangesPerCommit]);
  }
  return copySpec(dir, 'connectors/sandbox-crm.yaml', edits);
}
