/**
 * One upsert into a managed table: only the properties the change carries are written (absent ones
 * keep their values), encoded by each column's codec, in one statement prepared per set of columns.
 * A versioned upsert applies unless the row's version or the key's tombstone beats it (rows.ts, Ties).
 */
import type { PropertyValue, UpsertChange } from '../../core/types.js';
import { describeLoneSurrogate, loneSurrogateAt } from '../../core/text.js';
import { describeType, describeValue, type SqlValue } from './codec.js';
import type { ManagedColumn, ManagedTable } from './managed-table.js';
import type { RowStores, Ties } from './rows.js';
import { Tombstones } from './tombstones.js';
import { StoreError } from '../errors.js';

export interface UpsertContext {
  seq: number;
  now: string;
  ties: Ties;
}

/** The bound values of the row being written (see upsertRow). */
const rowValues: SqlValue[] = [];

/** Own and defined: `{ a: undefined }` carries no `a`, and `constructor` is not a property name on every object. */
function isPresent(record: object, name: string): boolean {
  return Object.hasOwn(record, name) && (record as Record<string, unknown>)[name] !== undefined;
}

/** Inserts the row or updates what the change carries. Returns false when the change was stale. */
export function upsertRow(table: ManagedTable, stores: RowStores, change: UpsertChange, context: UpsertContext): boolean {
  const { seq, now, ties } = context;
  const properties: Record<string, PropertyValue> = change.properties ?? {};
  const { version } = change;
  const versioned = version !== undefined;
  const withIcon = isPresent(change, 'icon');
  const withContent = isPresent(change, 'pageContentMarkdown');
  const tie = versioned && ties.firstInCycle ? 'first' : 'last';
  const unknown = unknownProperty(table, properties);
  if (unknown !== undefined) throw new StoreError('store-unknown-property', `${where(table, change)}: property "${unknown}" is not defined in the database`);

  // Per record: which columns the change carries (their positions as bits, when they fit), its
  // values in column order — no string built unless something is wrong, and no array: the run
  // below is synchronous, so one array serves every row.
  const values = rowValues;
  values.length = 0;
  values.push(change.key, seq, now);
  if (versioned) values.push(version, ties.cycle);
  if (withIcon) values.push(checkedText(change.icon, () => `${where(table, change)}: icon`));
  if (withContent) values.push(checkedText(change.pageContentMarkdown, () => `${where(table, change)}: pageContentMarkdown`));
  let mask = 0;
  let linked = false;
  for (const column of table.columns) {
    const value = properties[column.property.name];
    if (value === undefined || !Object.hasOwn(properties, column.property.name)) continue;
    mask += column.bit;
    linked ||= column.linksTo !== null;
    values.push(encode(column, value, table, change));
  }
  if (versioned) values.push(table.name, change.key, version, ...(ties.firstInCycle ? [version, ties.cycle] : []));

  // One statement per shape and set of columns carried; a sync's changes usually all carry the same.
  // The shape is a number (its four facts as bits): no string is built per row to look it up.
  const shape = Number(versioned) | (tie === 'first' ? 2 : 0) | (withIcon ? 4 : 0) | (withContent ? 8 : 0);
  const statement = table.upsertStatement(shape, mask, properties, upsertSql);
  const { changes } = statement.run(values);
  if (changes === 0) {
    // Stale because the row holds a version at least as new: the record exists at the source, and
    // whoever saw it must not sweep it. Stale because of a tombstone: the newest fact is its deletion.
    table.statement('touch', () => `UPDATE ${table.quoted} SET _seq = ? WHERE _key = ? AND _version >= ?`).run(seq, change.key, version);
    return false;
  }
  if (linked) {
    for (const column of table.carried(properties)) {
      if (column.linksTo !== null) stores.links.replace(table, column, change.key, properties[column.property.name] as string[] | null);
    }
  }
  return true;
}

/** `Database "crm.contacts", row "c1"`: for messages only. */
function where(table: ManagedTable, change: UpsertChange): string {
  return `Database "${table.name}", row "${change.key}"`;
}

/** The first property the change carries that the database does not define. */
function unknownProperty(table: ManagedTable, properties: Record<string, unknown>): string | undefined {
  for (const name in properties) {
    if (Object.hasOwn(properties, name) && properties[name] !== undefined && !table.column(name)) return name;
  }
  return undefined;
}

/**
 * Unversioned: a plain upsert that never touches `_version`. Versioned: the row is inserted only
 * when no tombstone beats it, and updated only when its own version does not (no row changes when
 * stale). An equal version applies, unless ties go to the first delivery of a cycle and this cycle
 * wrote that version already.
 */
function upsertSql(table: ManagedTable, shapeBits: number, present: readonly ManagedColumn[]): string {
  const shape = { versioned: (shapeBits & 1) !== 0, firstInCycle: (shapeBits & 2) !== 0, withIcon: (shapeBits & 4) !== 0, withContent: (shapeBits & 8) !== 0 };
  const columns = [
    '_key',
    '_seq',
    '_updated_at',
    ...(shape.versioned ? ['_version', '_version_cycle'] : []),
    ...(shape.withIcon ? ['_icon'] : []),
    ...(shape.withContent ? ['_content'] : []),
    ...present.map((column) => column.quoted),
  ];
  const placeholders = columns.map(() => '?').join(', ');
  const updates = columns.slice(1).map((column) => `${column} = excluded.${column}`).join(', ');
  if (!shape.versioned) {
    return `INSERT INTO ${table.quoted} (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT (_key) DO UPDATE SET ${updates}`;
  }
  const row = table.quoted;
  const applies = shape.firstInCycle
    ? `${row}._version < excluded._version OR (${row}._version = excluded._version AND ${row}._version_cycle IS NOT excluded._version_cycle)`
    : `${row}._version <= excluded._version`;
  // INSERT … SELECT needs its WHERE for SQLite to parse the ON CONFLICT that follows.
  return (
    `INSERT INTO ${row} (${columns.join(', ')}) SELECT ${placeholders} WHERE NOT ${Tombstones.beats(shape.firstInCycle)} ` +
    `ON CONFLICT (_key) DO UPDATE SET ${updates} WHERE ${row}._version IS NULL OR ${applies}`
  );
}

function encode(column: ManagedColumn, value: unknown, table: ManagedTable, change: UpsertChange): SqlValue {
  // SQLite would store such text as invalid UTF-8, unreadable by other clients: refused, not altered.
  const lone = typeof value === 'string' ? loneSurrogateAt(value) : -1;
  if (lone >= 0) throw new StoreError('store-invalid-value', `${where(table, change)}: property "${column.property.name}" holds ${describeLoneSurrogate(value as string, lone)}`);
  const encoded = column.codec.encode(value);
  if (encoded === undefined) {
    throw new StoreError('store-invalid-value',
      `${where(table, change)}: property "${column.property.name}" (${describeType(column.property)}) expects ` +
        `${column.codec.expects}, got ${describeValue(value)}`,
    );
  }
  return encoded;
}

function checkedText(value: unknown, what: () => string): string | null {
  if (typeof value === 'string' && loneSurrogateAt(value) >= 0) throw new StoreError('store-invalid-value', `${what()} holds ${describeLoneSurrogate(value, loneSurrogateAt(value))}`);
  if (value === null || typeof value === 'string') return value;
  throw new StoreError('store-invalid-value', `${what()} expects a string or null, got ${describeValue(value)}`);
}
