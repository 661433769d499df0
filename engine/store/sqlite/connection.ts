/** Opening an SQLite file with the pragmas every syncspec connection relies on. */
import Database from 'better-sqlite3';

export type Connection = Database.Database;

/**
 * WAL lets readers (the CLI, a viewer) run while a sync writes; with WAL, `synchronous = NORMAL`
 * survives a process crash (only a power loss can drop the last commits). `busy_timeout` makes a
 * second process wait for the write lock instead of failing at once. It is set first because
 * switching to WAL itself needs the lock.
 */
export function openConnection(file: string): Connection {
  let db: Connection | undefined;
  try {
    db = new Database(file);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    throw new Error(`Cannot open the SQLite database ${file}: ${(error as Error).message}`, { cause: error });
  }
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
