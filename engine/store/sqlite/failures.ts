/**
 * SQLite's and the file system's errors, as StorageErrors that say which database, where it is
 * configured, and what to do. Anything else is left as it is (a bug, not the environment).
 */
import { describeOrigin, StorageError, type StorageFailure, type StorageOrigin } from '../errors.js';

interface CodedError {
  code?: unknown;
  message?: unknown;
}

const RECOVER = (file: string) =>
  `restore it from a backup; or recover what can be read — sqlite3 ${file} ".recover" | sqlite3 recovered.db — and point ` +
  'database.path at recovered.db; or delete it to sync everything again from scratch (its checkpoints go with it)';

/** The StorageError for `error`, or undefined when it is not a storage failure. */
export function storageFailure(error: unknown, file: string, origin: StorageOrigin | undefined, busyTimeoutMs: number): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const code = typeof (error as CodedError)?.code === 'string' ? ((error as CodedError).code as string) : '';
  const detail = typeof (error as CodedError)?.message === 'string' ? ((error as CodedError).message as string) : String(error);
  const failure = classify(code);
  if (!failure) return undefined;
  const where = `database ${file} (${describeOrigin(origin)})`;
  return new StorageError(failure, file, `${where}: ${explain(failure, file, busyTimeoutMs, detail)}`, { cause: error });
}

function classify(code: string): StorageFailure | undefined {
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST') return 'storage-missing';
  if (code === 'EISDIR') return 'storage-not-a-file';
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return 'storage-permission';
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) return 'storage-read-only';
  if (code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EFBIG') return 'storage-full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'storage-locked';
  if (code.startsWith('SQLITE_CORRUPT')) return 'storage-corrupt';
  if (code === 'SQLITE_NOTADB') return 'storage-not-a-database';
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'storage-io';
  return undefined;
}

function explain(failure: StorageFailure, file: string, busyTimeoutMs: number, detail: string): string {
  switch (failure) {
    case 'storage-missing':
      return `its folder cannot be created (${detail}); point database.path at a folder that exists or can be made`;
    case 'storage-not-a-file':
      return 'is a directory, not a database file; point database.path at a file (it is created if missing)';
    case 'storage-permission':
      return `permission denied (${detail}): the file or its folder cannot be written — give this user write access ` +
        '(or lift a read-only or immutable flag), or point database.path elsewhere';
    case 'storage-read-only':
      return 'is read-only (a read-only file system, or a read-only file); syncs must write to it: make it writable or point ' +
        'database.path at a writable place — status, state show and runs still read it';
    case 'storage-full':
      return 'the disk is full; free space on its file system and run again — nothing of the page in flight was written';
    case 'storage-locked':
      return `is locked by another process: waited ${busyTimeoutMs / 1000} s for its write lock (database.busyTimeoutMs); ` +
        'another syncspec or a database tool is writing — run again when it is done, or raise database.busyTimeoutMs';
    case 'storage-corrupt':
      return `is damaged (${detail}); ${RECOVER(file)}`;
    case 'storage-not-a-database':
      return `is not an SQLite database (${detail}); point database.path at a syncspec database, or at a new file`;
    case 'storage-io':
      return `cannot be opened, read or written (${detail}); check the disk and the path`;
  }
}
