/**
 * Managed tables: one per database, named exactly as the database, with the system columns and
 * one column per property. `ensure` creates a table or migrates it forward (new properties become
 * new columns); columns are never dropped, and a type change that the existing column cannot hold
 * is refused.
 */
import type { DatabaseDefinition, PropertyDefinition } from '../../core/types.js';
import { codecNameOf, describeType } from './codec.js';
import { readTransaction, writeTransaction, type Connection } from './connection.js';
import type { Links } from './links.js';
import { ManagedTable, type ManagedColumn } from './managed-table.js';
import { backLinkName, nameCollisions } from '../naming.js';
import { checkIdentifier, identifierKey, quoteIdentifier } from './quote.js';
import { StoreError } from '../errors.js';

interface RecordedColumn {
  property: string;
  type: PropertyDefinition['type'];
  date_format: PropertyDefinition['dateFormat'] | null;
  relation_database: string | null;
  back_link: string | null;
  active: 0 | 1;
}

function checkDefinition(definition: DatabaseDefinition): void {
  checkIdentifier(definition.name, 'Database name');
  if (/^sqlite_/i.test(definition.name)) {
    throw new StoreError('store-invalid-name', `Database name ${JSON.stringify(definition.name)} starts with "sqlite_", which SQLite reserves`);
  }
  for (const property of definition.properties) checkIdentifier(property.name, `Database "${definition.name}": property name`);
  const [collision] = nameCollisions(definition.properties.map((property) => ({ name: property.name, what: `property "${property.name}"` })));
  if (collision) {
    throw new StoreError('store-invalid-name', 
      `Database "${definition.name}": ${collision.claim.what} collides with ${collision.taken} ` +
        '(SQLite column names ignore ASCII letter case)',
    );
  }
}

export class ManagedTables {
  private readonly known = new Map<string, { fingerprint: string; table: ManagedTable }>();

  constructor(
    private readonly db: Connection,
    private readonly links: Links,
  ) {}

  /** The table for `definition`; created or migrated first if this connection has not seen this definition. */
  get(definition: DatabaseDefinition): ManagedTable {
    const known = this.known.get(definition.name);
    if (known !== undefined && known.fingerprint === JSON.stringify(definition)) return known.table;
    return this.ensure(definition);
  }

  ensure(definition: DatabaseDefinition): ManagedTable {
    checkDefinition(definition);
    const table = new ManagedTable(this.db, definition);
    if (!this.isRecorded(table)) {
      writeTransaction(this.db, () => {
        const created = this.createIfMissing(table);
        if (!created) this.addVersionColumn(table);
        this.migrateColumns(table, created);
        this.checkNamesOn(definition.name);
        for (const column of table.columns) {
          if (column.linksTo !== null) this.checkNamesOn(column.linksTo);
        }
      });
    }
    this.known.set(definition.name, { fingerprint: JSON.stringify(definition), table });
    return table;
  }

  /**
   * True when the file already holds exactly this definition (written and checked by an earlier
   * ensure, maybe in another process): then reading needs no write lock.
   */
  private isRecorded(table: ManagedTable): boolean {
    return readTransaction(this.db, () => {
      const database = this.db.prepare('SELECT name FROM _databases WHERE name = ?').get(table.name) as { name: string } | undefined;
      if (database?.name !== table.name) return false;
      const recorded = this.db
        .prepare('SELECT * FROM _columns WHERE database = ? AND active = 1')
        .all(table.name) as RecordedColumn[];
      const byName = new Map(recorded.map((row) => [row.property, row]));
      return (
        this.hasVersionColumn(table) &&
        recorded.length === table.columns.length &&
        table.columns.every(({ property }) => {
          const row = byName.get(property.name);
          return (
            row !== undefined &&
            row.type === property.type &&
            row.date_format === (property.dateFormat ?? null) &&
            row.relation_database === (property.relation?.database ?? null) &&
            row.back_link === backLinkName(table.definition, property)
          );
        })
      );
    });
  }

  private hasVersionColumn(table: ManagedTable, column = '_version_cycle'): boolean {
    return this.db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table.name, column) !== undefined;
  }

  /**
   * Tables created before versioned writes existed lack `_version` (their rows start unversioned), and
   * those created before equal versions were ordered lack `_version_cycle` (NULL: no cycle wrote it).
   */
  private addVersionColumn(table: ManagedTable): void {
    if (!this.hasVersionColumn(table, '_version')) this.db.exec(`ALTER TABLE ${table.quoted} ADD COLUMN _version REAL`);
    if (!this.hasVersionColumn(table, '_version_cycle')) this.db.exec(`ALTER TABLE ${table.quoted} ADD COLUMN _version_cycle INTEGER`);
  }

  /** Creates the table if no database of that name exists yet; true when it did. */
  private createIfMissing(table: ManagedTable): boolean {
    const existing = this.db.prepare('SELECT name FROM _databases WHERE name = ?').get(table.name) as { name: string } | undefined;
    if (existing !== undefined) {
      if (existing.name !== table.name) {
        throw new StoreError('store-invalid-name', 
          `Database "${table.name}" differs from the existing database "${existing.name}" only in letter case, ` +
            'and SQLite table names ignore ASCII letter case',
        );
      }
      return false;
    }
    const taken = this.db
      .prepare('SELECT type, name FROM sqlite_master WHERE name = ? COLLATE NOCASE')
      .get(table.name) as { type: string; name: string } | undefined;
    if (taken !== undefined) {
      throw new StoreError('store-invalid-name', `Database name "${table.name}" is already used by the SQLite ${taken.type} "${taken.name}"`);
    }
    const propertyColumns = table.columns.map((column) => `, ${column.quoted} ${column.codec.sqlType}`).join('');
    this.db.exec(
      `CREATE TABLE ${table.quoted} (_key TEXT PRIMARY KEY, _seq INTEGER NOT NULL, _icon TEXT, _content TEXT, ` +
        `_updated_at TEXT, _version REAL, _version_cycle INTEGER${propertyColumns}) WITHOUT ROWID`,
    );
    this.db.prepare('INSERT INTO _databases (name, created_at) VALUES (?, ?)').run(table.name, new Date().toISOString());
    return true;
  }

  private migrateColumns(table: ManagedTable, created: boolean): void {
    const recorded = new Map(
      (this.db.prepare('SELECT * FROM _columns WHERE database = ?').all(table.name) as RecordedColumn[]).map((row) => [
        identifierKey(row.property),
        row,
      ]),
    );
    const record = this.db.prepare(
      `INSERT INTO _columns (database, property, type, date_format, relation_database, back_link, active)
       VALUES (?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (database, property) DO UPDATE SET property = excluded.property, type = excluded.type,
         date_format = excluded.date_format, relation_database = excluded.relation_database,
         back_link = excluded.back_link, active = 1`,
    );
    for (const column of table.columns) {
      const { property } = column;
      const before = recorded.get(identifierKey(property.name));
      recorded.delete(identifierKey(property.name));
      if (before === undefined) {
        if (!created) this.db.exec(`ALTER TABLE ${table.quoted} ADD COLUMN ${column.quoted} ${column.codec.sqlType}`);
      } else {
        checkCompatible(table.name, before, property);
      }
      const backLink = backLinkName(table.definition, property);
      record.run(table.name, property.name, property.type, property.dateFormat ?? null, property.relation?.database ?? null, backLink);
      this.updateLinks(table, column, before);
    }
    // Properties that left the definition keep their column and data, but no longer show back-links.
    for (const gone of recorded.values()) {
      if (gone.active === 0) continue;
      this.db.prepare('UPDATE _columns SET active = 0 WHERE database = ? AND property = ?').run(table.name, gone.property);
      this.links.dropProperty(table.name, gone.property);
    }
  }

  private updateLinks(table: ManagedTable, column: ManagedColumn, before: RecordedColumn | undefined): void {
    const linkedBefore = before?.active === 1 && before.back_link !== null ? before.relation_database : null;
    const sameTarget =
      linkedBefore !== null && column.linksTo !== null && identifierKey(linkedBefore) === identifierKey(column.linksTo);
    if (sameTarget) return;
    if (linkedBefore !== null) this.links.dropProperty(table.name, column.property.name);
    if (column.linksTo !== null) this.links.rebuild(table, column);
  }

  /**
   * A database's row shows its own properties and the back-links of two-way relations pointing at
   * it, so those names must all differ (ignoring ASCII case, as SQLite does for columns).
   */
  private checkNamesOn(database: string): void {
    const properties = this.db
      .prepare('SELECT property FROM _columns WHERE database = ? AND active = 1')
      .all(database) as { property: string }[];
    const backLinks = this.db
      .prepare(
        `SELECT back_link, database, property FROM _columns
         WHERE relation_database = ? AND back_link IS NOT NULL AND active = 1 ORDER BY database, property`,
      )
      .all(database) as { back_link: string; database: string; property: string }[];
    const claims = [
      ...properties.map(({ property }) => ({ name: property, what: `property "${property}"` })),
      ...backLinks.map((link) => ({
        name: link.back_link,
        what: `back-link "${link.back_link}" of the two-way relation "${link.property}" in database "${link.database}"`,
      })),
    ];
    const [collision] = nameCollisions(claims);
    if (collision) throw new StoreError('store-invalid-name', `Database "${database}" would show two properties with the same name: ${collision.taken} and ${collision.claim.what}`);
  }
}

function checkCompatible(database: string, before: RecordedColumn, property: PropertyDefinition): void {
  const old = { type: before.type, dateFormat: before.date_format ?? undefined };
  if (codecNameOf(old) === codecNameOf(property)) return;
  throw new StoreError('store-incompatible-column', 
    `Database "${database}": property "${property.name}" changed type from ${describeType(old)} to ` +
      `${describeType(property)}, which its existing column cannot hold; give the property a new name ` +
      'or remove the table to start over',
  );
}
