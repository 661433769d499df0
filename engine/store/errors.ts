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

/**
 * What the store refuses, as opposed to what fails under it (StorageError): a change, a name or an
 * argument it cannot hold, or an operation the run's state no longer allows. Each has a stable code
 * that run history and `--json` keep beside the message.
 */
export type StoreRefusal =
  | 'store-invalid-name' // a database or property name SQLite cannot hold as written, or already used
  | 'store-incompatible-column' // a property changed to a type its existing column cannot hold
  | 'store-unknown-property' // a change names a property the database does not define
  | 'store-invalid-value' // a value the property's column cannot hold (type, lone surrogate, not JSON)
  | 'store-invalid-change' // a change without a string key, of an unknown type, or with a bad version
  | 'store-invalid-argument' // a caller's argument out of range (limits, progress, levels, statuses)
  | 'store-unknown-type' // a property or database type the store does not know
  | 'store-unknown-run' // the run does not exist, or belongs to another sync
  | 'store-run-not-pending' // a queued run another runner already claimed
  | 'store-unknown-cycle' // the cycle belongs to another sync
  | 'store-cycle-closed' // the cycle was closed or reset meanwhile (--full, reset)
  | 'store-cycle-unfinished' // a full cycle cannot close (sweep) while partitions have not finished
  | 'store-lock-lost' // the run's sync lock was taken over: its page was not written
  | 'store-newer-schema'; // the database was written by a newer syncspec

export class StoreError extends Error {
  constructor(readonly code: StoreRefusal, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
