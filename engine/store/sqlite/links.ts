/**
 * Two-way relations. A relation column holds the target keys as JSON; `_links` holds the same
 * facts one row per link, indexed by target, so reading a target database can show its back-links
 * (the keys of the rows that point at it) even when the target row arrived after its referrers.
 * Links are written in the transaction that writes their source row.
 */
import type { Statement } from 'better-sqlite3';
import type { Connection } from './connection.js';
import type { ManagedColumn, ManagedTable } from './managed-table.js';

/** A back-link shown on a target database. */
export interface BackLink {
  name: string;
  sourceDb: string;
  property: string;
}

export class Links {
  private readonly insert: Statement;
  private readonly deleteOfProperty: Statement;
  private readonly deleteOfRow: Statement;
  private readonly deleteAllOfProperty: Statement;
  private readonly backLinksInto: Statement;

  constructor(private readonly db: Connection) {
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO _links (source_db, source_key, property, target_key, target_db) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteOfProperty = db.prepare('DELETE FROM _links WHERE source_db = ? AND source_key = ? AND property = ?');
    this.deleteOfRow = db.prepare('DELETE FROM _links WHERE source_db = ? AND source_key = ?');
    this.deleteAllOfProperty = db.prepare('DELETE FROM _links WHERE source_db = ? AND property = ?');
    this.backLinksInto = db.prepare(
      `SELECT back_link AS name, database AS sourceDb, property FROM _columns
       WHERE relation_database = ? AND back_link IS NOT NULL AND active = 1
       ORDER BY database, property`,
    );
  }

  /** The source row's links of one relation become exactly `targetKeys`. */
  replace(table: ManagedTable, column: ManagedColumn, sourceKey: string, targetKeys: readonly string[] | null): void {
    this.deleteOfProperty.run(table.name, sourceKey, column.property.name);
    for (const targetKey of targetKeys ?? []) {
      this.insert.run(table.name, sourceKey, column.property.name, targetKey, column.linksTo);
    }
  }

  deleteRow(table: ManagedTable, sourceKey: string): void {
    this.deleteOfRow.run(table.name, sourceKey);
  }

  /** Links of the rows a sweep is about to delete (rows not written since `startSeq`). */
  deleteUnwrittenSince(table: ManagedTable, startSeq: number): void {
    table
      .statement('links:sweep', () =>
        `DELETE FROM _links WHERE source_db = ? AND source_key IN (SELECT _key FROM ${table.quoted} WHERE _seq <= ?)`,
      )
      .run(table.name, startSeq);
  }

  /** Forget a relation's links (it stopped being two-way, changed target, or left the definition). */
  dropProperty(sourceDb: string, property: string): void {
    this.deleteAllOfProperty.run(sourceDb, property);
  }

  /** Recreate a relation's links from its column (it became two-way or changed target). */
  rebuild(table: ManagedTable, column: ManagedColumn): void {
    this.dropProperty(table.name, column.property.name);
    this.db
      .prepare(
        `INSERT OR IGNORE INTO _links (source_db, source_key, property, target_key, target_db)
         SELECT ?, row._key, ?, item.value, ? FROM ${table.quoted} AS row, json_each(row.${column.quoted}) AS item
         WHERE row.${column.quoted} IS NOT NULL AND item.type = 'text'`,
      )
      .run(table.name, column.property.name, column.linksTo);
  }

  /** Back-links shown on `targetDb`, from the active two-way relations that point at it. */
  into(targetDb: string): BackLink[] {
    return this.backLinksInto.all(targetDb) as BackLink[];
  }

  /** SQL for a back-link's value in a SELECT over `rowAlias`: its source keys, sorted, as JSON. */
  static selectExpression(rowAlias: string): string {
    return `(SELECT json_group_array(source_key ORDER BY source_key) FROM _links
             WHERE target_db = ? AND target_key = ${rowAlias}._key AND source_db = ? AND property = ?)`;
  }
}
