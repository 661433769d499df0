/**
 * Direct reads of a project's SQLite file, for what the Store interface does not expose: a row's
 * icon and page content, the write sequence of each row, a cycle's start time.
 */
import Database from 'better-sqlite3';
import type { OpenedProject } from '../../engine/project.js';

export function readSql<T = Record<string, unknown>>(opened: OpenedProject, sql: string, ...params: unknown[]): T[] {
  const db = new Database(opened.project.storage.path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** When cycle `id` began, as the runtime saw it (the clock of "now − buffer"). */
export function cycleStartedAt(opened: OpenedProject, id: number): Date {
  const [row] = readSql<{ started_at: string }>(opened, 'SELECT started_at FROM _cycles WHERE id = ?', id);
  if (!row) throw new Error(`no cycle ${id}`);
  return new Date(row.started_at);
}
