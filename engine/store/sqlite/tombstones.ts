/**
 * Tombstones: the newest version each key of a database was deleted at (versioned deletes only).
 * A versioned change older than its key's tombstone is stale, whether or not a row exists: the
 * record it describes was deleted after that version. Sweeps and unversioned deletes record none,
 * having no version to order against. Kept when the record is re-created (see rows.ts) and never
 * pruned (one older than every open cycle could be); the primary key keeps the per-row check to
 * one index probe.
 */
import type { Statement } from 'better-sqlite3';
import type { Connection } from './connection.js';

export class Tombstones {
  private readonly getOne: Statement;
  private readonly upsert: Statement;

  constructor(db: Connection) {
    this.getOne = db.prepare('SELECT version, cycle FROM _tombstones WHERE database = ? AND key = ?');
    this.upsert = db.prepare(
      `INSERT INTO _tombstones (database, key, version, cycle) VALUES (?, ?, ?, ?)
       ON CONFLICT (database, key) DO UPDATE SET
         cycle = CASE WHEN excluded.version >= version THEN excluded.cycle ELSE cycle END,
         version = max(version, excluded.version)`,
    );
  }

  get(database: string, key: string): { version: number; cycle: number | null } | undefined {
    return this.getOne.get(database, key) as { version: number; cycle: number | null } | undefined;
  }

  /** Keeps the newer of `version` (written in `cycle`) and the key's existing tombstone. */
  record(database: string, key: string, version: number, cycle: number | null): void {
    this.upsert.run(database, key, version, cycle);
  }

  /**
   * SQL that is true when the key has a tombstone that beats the change; parameters: database, key,
   * version. `firstInCycle`: also a tombstone of the same version written in this cycle (parameter 4).
   */
  static beats(firstInCycle: boolean): string {
    const tie = firstInCycle ? ' OR (version = ? AND cycle IS ?)' : '';
    return `EXISTS (SELECT 1 FROM _tombstones WHERE database = ? AND key = ? AND (version > ?${tie}))`;
  }
}
