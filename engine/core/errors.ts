/**
 * Errors the runtime raises itself. Every error carries a stable `code` so callers (CLI exit
 * codes, run history, tests) can tell them apart without matching on messages.
 */
export class SyncError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SyncError';
  }
}

/**
 * Thrown by an incremental sync when the API says its position expired (HTTP 410, an error body):
 * the runtime abandons the cycle and runs a full resync at once.
 */
export class ResyncRequired extends SyncError {
  constructor(message: string) {
    super('resync-required', message);
    this.name = 'ResyncRequired';
  }
}

/** One line for run history and the CLI: the message, never a stack or a response dump. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
