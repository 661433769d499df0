/**
 * How a command ends when it cannot do its work: an exit code a script can rely on, and the error
 * as a line on stderr — or, under `--json`, as `{ "error": { "code", "message" } }` on stdout, so a
 * script that asked for JSON reads JSON whatever happened.
 */
import { StorageError } from '../store/errors.js';

/** Exit codes a script can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  syncFailed: 1,
  invalidInput: 2,
  /** The database cannot be opened, read or written: missing folder, permissions, read-only, full, locked, damaged. */
  storage: 3,
} as const;

let asJson = false;

/** Whether errors are printed as JSON: main sets it from the command line's `--json`. */
export function reportErrorsAsJson(json: boolean): void {
  asJson = json;
}

/**
 * Prints an error and sets the exit code. `text` is the plain form (default `error: MESSAGE`);
 * `details` join the JSON form (a config's diagnostics, say).
 */
export function reportError(exitCode: number, code: string, message: string, options: { text?: string; details?: object } = {}): void {
  if (asJson) process.stdout.write(`${JSON.stringify({ error: { code, message, ...options.details } }, null, 2)}\n`);
  else process.stderr.write(`${options.text ?? `error: ${message}`}\n`);
  process.exitCode = exitCode;
}

/** A storage failure: its message, exit 3. False for any other error. */
export function reportStorage(error: unknown): boolean {
  if (!(error instanceof StorageError)) return false;
  reportError(EXIT.storage, error.code, error.message);
  return true;
}

/** An error that is the user's input (a bad --sync name, bad --state JSON): exit 2. */
export function reportInvalid(message: string, code = 'invalid-input'): void {
  reportError(EXIT.invalidInput, code, message);
}
