import { StorageError } from '../store/errors.js';

/** Exit codes a script can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  syncFailed: 1,
  invalidInput: 2,
  /** The database cannot be opened, read or written: missing folder, permissions, read-only, full, locked, damaged. */
  storage: 3,
} as const;

/** A storage failure: its message on stderr, exit 3. False for any other error. */
export function reportStorage(error: unknown): boolean {
  if (!(error instanceof StorageError)) return false;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = EXIT.storage;
  return true;
}
