/** Exit codes a script can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  syncFailed: 1,
  invalidInput: 2,
} as const;
