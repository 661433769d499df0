/**
 * Writing and sweeping the rows of a managed table.
 *
 * Versioned changes (last writer wins): `_version` holds the newest version known for the row and
 * `_tombstones` the newest version each key was deleted at. A versioned change older than either
 * is stale: it is not applied, whatever order concurrent syncs (a backfill and its delta, a lagging
 * page) deliver changes in. Equal versions apply: the later delivery wins the tie. A record
 * re-created after its deletion (an upsert not older than the tombstone) keeps the tombstone: it
 * still rejects what is older than that deletion should the row go again without a version (a
 * sweep), and dropping it would cost a write per versioned upsert.
 *
 * Unversioned changes cannot be ordered against versioned ones, so they always apply and leave the
 * version knowledge as it was: an unversioned upsert writes the data but keeps `_version` (a new
 * row gets NULL) and keeps the key's tombstone; an unversioned delete records no tombstone. This
 * is sound because a version, once seen, is a floor: a versioned change older than it is outdated
 * whatever the row holds now, and one at or above it applies. (Resetting `_version` to NULL on an
 * unversioned write would let a late, older versioned change overwrite newer data.)
 */
import type { Change, DeleteChange, PropertyValue, UpsertChange } from '../../core/types.js';
import type { CommitResult } from '../store.js';
import { describeLoneSurrogate, loneSurrogateAt } from '../../core/text.js';
import { describeType, describeValue, type SqlValue } from './codec.js';
import type { Links } from './links.js';
import type { ManagedColumn, ManagedTable } from './managed-table.js';
import { Tombstones } from './tombstones.js';

export interface RowStores {
  links: Links;
  tombstones: Tombstones;
}

/**
 * Applies `changes` in order; every row written is stamped with `seq`. Runs inside the caller's
 * transaction. An upsert that is stale because its row holds a newer version still stamps the row:
 * the record exists at the source, so a full cycle that saw it must not sweep it.
 */
export function writeChanges(table: ManagedTable, stores: RowStores, changes: readonly Change[], seq: number, now: string): CommitResult {
  const result: CommitResult = { upserted: 0, deleted: 0, stale: 0 };
  for (const change of changes) {
    if (typeof change?.key !== 'string') {
      throw new Error(`Database "${table.name}": a change has key ${describeValue(change?.key)}; keys are strings`);
    }
    const lone = loneSurrogateAt(change.key);
    if (lone >= 0) throw new Error(`Database "${table.name}": a change's key holds ${describeLoneSurrogate(change.key, lone)}`);
    checkVersion(table, change);
    if (change.type === 'upsert') {
      if (upsertRow(table, stores, change, seq, now)) result.upserted += 1;
      else result.stale += 1;
    } else if (change.type === 'delete') {
      const outcome = deleteRow(table, stores, change);
      if (outcome === 'deleted') result.deleted += 1;
      else if (outcome === 'stale') result.stale += 1;
    } else {
      throw new Error(`Database "${table.name}", row "${(change as Change).key}": unknown change type ${JSON.stringify((change as { type: unknown }).type)}`);
    }
  }
  return result;
}

/**
 * A record the source still has but that failed to map is "seen" all the same: its row (as last
 * written) is stamped with the commit's sequence, so a full cycle does not sweep it. Otherwise one
 * bad field at the source would delete the row here.
 */
export function markSeen(table: ManagedTable, keys: readonly string[], seq: number): void {
  const touch = table.statement('seen', () => `UPDATE ${table.quoted} SET _seq = ? WHERE _key = ?`);
  for (const key of keys) touch.run(seq, key);
}

function checkVersion(table: ManagedTable, change: Change): void {
  const { version } = change;
  if (version === undefined || (typeof version === 'number' && Number.isFinite(version))) return;
  throw new Error(`Database "${table.name}", row "${change.key}": version expects a finite number, got ${describeValue(version)}`);
}

/** Own and defined: `{ a: undefined }` carries no `a`, and `constructor` is not a property name on every object. */
function isPresent(record: object, name: string): boolean {
  return Object.hasOwn(record, name) && (record as Record<string, unknown>)[name] !== undefined;
}

/**
 * Inserts the row or updates only what the change carries: absent properties keep their values.
 * Returns false when the change was stale (versioned, and older than the row or its tombstone).
 */
function upsertRow(table: ManagedTable, stores: RowStores, change: UpsertChange, seq: number, now: string): boolean {
  const where = `Database "${table.name}", row "${change.key}"`;
  const properties: Record<string, PropertyValue> = change.properties ?? {};
  const unknown = Object.keys(properties).find((name) => properties[name] !== undefined && !table.column(name));
  if (unknown !== undefined) throw new Error(`${where}: property "${unknown}" is not defined in the database`);

  const { version } = change;
  const versioned = version !== undefined;
  const withIcon = isPresent(change, 'icon');
  const withContent = isPresent(change, 'pageContentMarkdown');
  const present = table.columns.filter((column) => isPresent(properties, column.property.name));
  const values: SqlValue[] = [change.key, seq, now];
  if (versioned) values.push(version);
  if (withIcon) values.push(checkedText(change.icon, `${where}: icon`));
  if (withContent) values.push(checkedText(change.pageContentMarkdown, `${where}: pageContentMarkdown`));
  for (const column of present) values.push(encode(column, properties[column.property.name], where));
  if (versioned) values.push(table.name, change.key, version);

  // One statement per set of columns carried; a sync's changes usually all carry the same set.
  const shape = `upsert:${Number(versioned)}${Number(withIcon)}${Number(withContent)}:${present.map((column) => column.position).join(',')}`;
  const { changes } = table.statement(shape, () => upsertSql(table, versioned, withIcon, withContent, present)).run(values);
  if (changes === 0) {
    // Stale because the row holds a newer version: the record exists at the source, and whoever saw
    // it must not sweep it. Stale because of a newer tombstone: the newest fact is its deletion.
    table.statement('touch', () => `UPDATE ${table.quoted} SET _seq = ? WHERE _key = ? AND _version > ?`).run(seq, change.key, version);
    return false;
  }
  for (const column of present) {
    if (column.linksTo !== null) stores.links.replace(table, column, change.key, properties[column.property.name] as string[] | null);
  }
  return true;
}

/**
 * Unversioned: a plain upsert that never touches `_version`. Versioned: the row is inserted only
 * when no newer tombstone exists, and updated only when its version is not newer (no row changes
 * when stale).
 */
function upsertSql(table: ManagedTable, versioned: boolean, withIcon: boolean, withContent: boolean, present: readonly ManagedColumn[]): string {
  const columns = [
    '_key',
    '_seq',
    '_updated_at',
    ...(versioned ? ['_version'] : []),
    ...(withIcon ? ['_icon'] : []),
    ...(withContent ? ['_content'] : []),
    ...present.map((column) => column.quoted),
  ];
  const placeholders = columns.map(() => '?').join(', ');
  const updates = columns.slice(1).map((column) => `${column} = excluded.${column}`).join(', ');
  if (!versioned) {
    return `INSERT INTO ${table.quoted} (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT (_key) DO UPDATE SET ${updates}`;
  }
  // INSERT … SELECT needs its WHERE for SQLite to parse the ON CONFLICT that follows.
  return (
    `INSERT INTO ${table.quoted} (${columns.join(', ')}) SELECT ${placeholders} WHERE NOT ${Tombstones.newerExists} ` +
    `ON CONFLICT (_key) DO UPDATE SET ${updates} ` +
    `WHERE ${table.quoted}._version IS NULL OR ${table.quoted}._version <= excluded._version`
  );
}

function encode(column: ManagedColumn, value: unknown, where: string): SqlValue {
  // SQLite would store such text as invalid UTF-8, unreadable by other clients: refused, not altered.
  const lone = typeof value === 'string' ? loneSurrogateAt(value) : -1;
  if (lone >= 0) throw new Error(`${where}: property "${column.property.name}" holds ${describeLoneSurrogate(value as string, lone)}`);
  const encoded = column.codec.encode(value);
  if (encoded === undefined) {
    throw new Error(
      `${where}: property "${column.property.name}" (${describeType(column.property)}) expects ` +
        `${column.codec.expects}, got ${describeValue(value)}`,
    );
  }
  return encoded;
}

function checkedText(value: unknown, what: string): string | null {
  if (typeof value === 'string' && loneSurrogateAt(value) >= 0) throw new Error(`${what} holds ${describeLoneSurrogate(value, loneSurrogateAt(value))}`);
  if (value === null || typeof value === 'string') return value;
  throw new Error(`${what} expects a string or null, got ${describeValue(value)}`);
}

/**
 * Unversioned: deletes the row if it exists. Versioned: unless the row or the key's tombstone is
 * newer, deletes the row and records the tombstone, also for a key with no row (so that an older
 * upsert delivered later cannot create it).
 */
function deleteRow(table: ManagedTable, stores: RowStores, change: DeleteChange): 'deleted' | 'absent' | 'stale' {
  const { key, version } = change;
  if (version !== undefined) {
    const row = table.statement('version', () => `SELECT _version FROM ${table.quoted} WHERE _key = ?`).get(key) as
      | { _version: number | null }
      | undefined;
    const newest = Math.max(row?._version ?? -Infinity, stores.tombstones.version(table.name, key) ?? -Infinity);
    if (newest > version) return 'stale';
    stores.tombstones.record(table.name, key, version);
    if (row === undefined) return 'absent';
  }
  stores.links.deleteRow(table, key);
  const { changes } = table.statement('delete', () => `DELETE FROM ${table.quoted} WHERE _key = ?`).run(key);
  return changes > 0 ? 'deleted' : 'absent';
}

/**
 * Mark-and-sweep: deletes the rows nobody wrote after `startSeq`. Records no tombstones (a sweep has
 * no version). Runs inside the caller's transaction.
 */
export function sweepRows(table: ManagedTable, links: Links, startSeq: number): number {
  links.deleteUnwrittenSince(table, startSeq);
  return table.statement('sweep', () => `DELETE FROM ${table.quoted} WHERE _seq <= ?`).run(startSeq).changes;
}
