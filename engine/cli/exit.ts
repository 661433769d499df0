/** Exit codes a script can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  syncFailed: 1,
  invalidInput: 2,
  /** The database cannot be opened, read or written: missing folder, permissions, read-only, full, locked, damaged. */
  storage: 3,
} as const;
