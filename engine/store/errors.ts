/**
 * Failures of the store itself — the database cannot be opened, read or written — as opposed to a
 * sync's own failures. They name the database, where it is configured, and what to do; the CLI exits
 * with its own code for them (3), apart from invalid input (2).
 */

export type StorageFailure =
  | 'storage-missing' // a folder on the path cannot be created
  | 'storage-not-a-file' // the path is a directory
  | 'storage-permission' // permission denied
  | 'storage-read-only' // a read-only file system or file
  | 'storage-full' // the disk (or the file's size limit) is full
  | 'storage-locked' // another process holds the write lock past the busy timeout
  | 'storage-corrupt' // the file is damaged
  | 'storage-not-a-database' // the file is not an SQLite database
  | 'storage-io'; // any other I/O failure

export class StorageError extends Error {
  constructor(
    readonly code: StorageFailure,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** Where the database is configured, for messages: `database.path at config.yaml:2:34`, or the default. */
export interface StorageOrigin {
  /** `config.yaml:2:34`, or undefined when the config gives no path (the default is used). */
  configuredAt?: string;
  /** The config file, for the default case. */
  configFile?: string;
}

export function describeOrigin(origin: StorageOrigin | undefined): string {
  if (origin?.configuredAt) return `database.path at ${origin.configuredAt}`;
  if (origin?.configFile) return `the default path; ${origin.configFile} sets no database.path`;
  return 'the store';
}
