/**
 * `syncspec validate` in a child process on files a test writes (test/spec/harness.ts), as a user runs
 * it: the exit code and every line it prints, stderr included (nothing may appear there but errors).
 */
import { writeProject, type ProjectFiles } from '../spec/harness.js';
import { runCli } from './cli.js';

export interface ValidateRun {
  dir: string;
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's lines, without the summary line and the empty last one. */
  lines: string[];
}

/** `prepare` may add what a file cannot be written as (a FIFO, bytes) before validate runs. */
export async function validateCli(files: ProjectFiles, prepare?: (dir: string) => void, args: string[] = []): Promise<ValidateRun> {
  const dir = writeProject(files);
  prepare?.(dir);
  const result = await runCli(['validate', 'config.yaml', ...args], { cwd: dir, env: { ...process.env, ...files.env } });
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  return { dir, code: result.code, stdout: result.stdout, stderr: result.stderr, lines: lines.slice(0, -1) };
}
