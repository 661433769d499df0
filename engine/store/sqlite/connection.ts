/** Opening an SQLite file with the pragmas every syncspec connection relies on. */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Connection = Database.Database;

/**
 * `write`: the file (and its folder) is created when missing, and checked before anything is written.
 * `read`: the file must exist (read-only commands never create it); it is opened for writing when it
 * can be (so an older file can still be migrated), read-only otherwise.
 */
export type Access = 'write' | 'read';

export interface ConnectionOptions {
  access: Access;
  /** How long a write waits for another process's write lock. */
  busyTimeoutMs: number;
}

/** Read-only folders: a file up to this size is read into memory instead (see readOnlyCopy). */
const MAX_IN_MEMORY_BYTES = 512 * 2 ** 20;

/**
 * WAL lets readers (the CLI, a viewer) run while a sync writes; with WAL, `synchronous = NORMAL`
 * survives a process crash (only a power loss can drop the last commits). `busy_timeout` makes a
 * second process wait for the write lock instead of failing at once. It is set first because
 * switching to WAL itself needs the lock.
 *
 * A writer checks the file first (`PRAGMA quick_check`, about 0.2 s per 100 MB): a damaged file is
 * refused before a sync that happens to miss the damaged pages reports success and writes on.
 * Readers skip it; a damaged page they meet fails the read the same way.
 */
export function openConnection(file: string, options: ConnectionOptions): Connection {
  if (options.access === 'read') return openForReading(file, options);
  if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
  mkdirSync(dirname(file), { recursive: true });
  let db: Connection | undefined;
  try {
    db = new Database(file);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    checkIntegrity(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    throw explained(error, file);
  }
}

/**
 * SQLite says only "unable to open" or "readonly" when the file or its folder cannot be written (it
 * needs to create the WAL files beside it): ask the file system why — a read-only file system, or
 * permissions.
 */
function explained(error: unknown, file: string): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (code !== 'SQLITE_CANTOPEN' && !code.startsWith('SQLITE_READONLY')) return error;
  for (const path of [dirname(file), file]) {
    try {
      if (existsSync(path)) accessSync(path, constants.W_OK);
    } catch (why) {
      return why;
    }
  }
  return error;
}

function openForReading(file: string, options: ConnectionOptions): Connection {
  let db = new Database(file, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    if (!isReadOnlyFailure(error)) throw error;
  }
  db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    // SQLite could not create the WAL's shared-memory file beside it: a read-only folder.
    if ((error as { code?: string }).code !== 'SQLITE_CANTOPEN') throw error;
    return readOnlyCopy(file, error);
  }
}

function isReadOnlyFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM';
}

/**
 * A WAL-mode file in a read-only folder cannot be opened in place: SQLite needs its -shm file, and the
 * `immutable` URI is off in better-sqlite3 unless SQLITE_USE_URI is set in the environment before it
 * loads — not something a library should do to its host. Nothing can be writing the file there, so a
 * copy in memory reads the same — marked as a rollback-journal file (header bytes 18–19), since memory
 * has no WAL.
 */
function readOnlyCopy(file: string, cause: unknown): Connection {
  if (statSync(file).size > MAX_IN_MEMORY_BYTES || existsSync(`${file}-wal`)) throw cause;
  const bytes = readFileSync(file);
  if (bytes.length >= 20) bytes[18] = bytes[19] = 1;
  const db = new Database(bytes, { readonly: true });
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  return db;
}

function checkIntegrity(db: Connection): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
  if (problems.length === 0) return;
  // One line: the first problems, as SQLite names them (tree, page, cell).
  const text = problems.join('\n').replace(/\*\*\* in database \w+ \*\*\*\s*/g, '').split(/\s*\n\s*/).filter(Boolean).slice(0, 3).join('; ');
  throw Object.assign(new Error(`PRAGMA quick_check: ${text}`), { code: 'SQLITE_CORRUPT' });
}

/**
 * Runs `work` in a transaction that takes the write lock up front. A deferred transaction that
 * reads first and writes later fails with SQLITE_BUSY (no waiting) when another process committed
 * in between; BEGIN IMMEDIATE waits on busy_timeout instead.
 */
export function writeTransaction<T>(db: Connection, work: () => T): T {
  return db.transaction(work).immediate();
}

/** A consistent snapshot for several reads (a page of rows and its total). */
export function readTransaction<T>(db: Connection, work: () => T): T {
  return db.transaction(work).deferred();
}
