/** Writing, sweeping and reading the rows of a managed table. */
import type { Change, PropertyValue, UpsertChange } from '../../core/types.js';
import type { CommitResult, RowsPage } from '../store.js';
import { describeType, describeValue, type SqlValue } from './codec.js';
import { readTransaction, type Connection } from './connection.js';
import { Links } from './links.js';
import type { ManagedColumn, ManagedTable } from './managed-table.js';

/** Applies `changes` in order; every row written is stamped with `seq`. Runs inside the caller's transaction. */
export function writeChanges(table: ManagedTable, links: Links, changes: readonly Change[], seq: number, now: string): CommitResult {
  const result: CommitResult = { upserted: 0, deleted: 0 };
  for (const change of changes) {
    if (typeof change?.key !== 'string') {
      throw new Error(`Database "${table.name}": a change has key ${describeValue(change?.key)}; keys are strings`);
    }
    if (change.type === 'upsert') {
      upsertRow(table, links, change, seq, now);
      result.upserted += 1;
    } else if (change.type === 'delete') {
      result.deleted += deleteRow(table, links, change.key);
    } else {
      throw new Error(`Database "${table.name}", row "${(change as Change).key}": unknown change type ${JSON.stringify((change as { type: unknown }).type)}`);
    }
  }
  return result;
}

/** Own and defined: `{ a: undefined }` carries no `a`, and `constructor` is not a property name on every object. */
function isPresent(record: object, name: string): boolean {
  return Object.hasOwn(record, name) && (record as Record<string, unknown>)[name] !== undefined;
}

/** Inserts the row or updates only what the change carries: absent properties keep their values. */
function upsertRow(table: ManagedTable, links: Links, change: UpsertChange, seq: number, now: string): void {
  const where = `Database "${table.name}", row "${change.key}"`;
  const properties: Record<string, PropertyValue> = change.properties ?? {};
  const unknown = Object.keys(properties).find((name) => properties[name] !== undefined && !table.column(name));
  if (unknown !== undefined) throw new Error(`${where}: property "${unknown}" is not defined in the database`);

  const withIcon = isPresent(change, 'icon');
  const withContent = isPresent(change, 'pageContentMarkdown');
  const present = table.columns.filter((column) => isPresent(properties, column.property.name));
  const values: SqlValue[] = [change.key, seq, now];
  if (withIcon) values.push(checkedText(change.icon, `${where}: icon`));
  if (withContent) values.push(checkedText(change.pageContentMarkdown, `${where}: pageContentMarkdown`));
  for (const column of present) values.push(encode(column, properties[column.property.name], where));

  // One statement per set of columns carried; a sync's changes usually all carry the same set.
  const shape = `upsert:${Number(withIcon)}${Number(withContent)}:${present.map((column) => column.position).join(',')}`;
  table.statement(shape, () => upsertSql(table, withIcon, withContent, present)).run(values);

  for (const column of present) {
    if (column.linksTo !== null) links.replace(table, column, change.key, properties[column.property.name] as string[] | null);
  }
}

function upsertSql(table: ManagedTable, withIcon: boolean, withContent: boolean, present: readonly ManagedColumn[]): string {
  const columns = [
    '_key',
    '_seq',
    '_updated_at',
    ...(withIcon ? ['_icon'] : []),
    ...(withContent ? ['_content'] : []),
    ...present.map((column) => column.quoted),
  ];
  const updates = columns.slice(1).map((column) => `${column} = excluded.${column}`);
  return (
    `INSERT INTO ${table.quoted} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (_key) DO UPDATE SET ${updates.join(', ')}`
  );
}

function encode(column: ManagedColumn, value: unknown, where: string): SqlValue {
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
  if (value === null || typeof value === 'string') return value;
  throw new Error(`${what} expects a string or null, got ${describeValue(value)}`);
}

/** Returns 1 when the row existed. */
function deleteRow(table: ManagedTable, links: Links, key: string): number {
  links.deleteRow(table, key);
  return table.statement('delete', () => `DELETE FROM ${table.quoted} WHERE _key = ?`).run(key).changes;
}

/** Mark-and-sweep: deletes the rows nobody wrote after `startSeq`. Runs inside the caller's transaction. */
export function sweepRows(table: ManagedTable, links: Links, startSeq: number): number {
  links.deleteUnwrittenSince(table, startSeq);
  return table.statement('sweep', () => `DELETE FROM ${table.quoted} WHERE _seq <= ?`).run(startSeq).changes;
}

function checkPaging(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new Error(`readRows: ${what} must be a non-negative integer, got ${String(value)}`);
  }
}

/** A page of rows by property name (plus `_key` and back-links), ordered by key. */
export function readRows(
  db: Connection,
  table: ManagedTable,
  links: Links,
  options: { limit?: number; offset?: number } = {},
): RowsPage {
  checkPaging(options.limit, 'limit');
  checkPaging(options.offset, 'offset');
  return readTransaction(db, () => {
    const backLinks = links.into(table.name);
    const { total } = table.statement('count', () => `SELECT count(*) AS total FROM ${table.quoted}`).get() as { total: number };
    const select = table.statement(`read:${JSON.stringify(backLinks)}`, () => {
      const columns = ['row._key', ...table.columns.map((column) => `row.${column.quoted}`), ...backLinks.map(() => Links.selectExpression('row'))];
      return `SELECT ${columns.join(', ')} FROM ${table.quoted} AS row ORDER BY row._key LIMIT ? OFFSET ?`;
    });
    const parameters = [...backLinks.flatMap((link) => [table.name, link.sourceDb, link.property]), options.limit ?? -1, options.offset ?? 0];
    const raw = select.raw(true).all(parameters) as SqlValue[][];
    const rows = raw.map((values) => {
      const row: Record<string, unknown> = { _key: values[0] };
      table.columns.forEach((column, index) => {
        row[column.property.name] = column.codec.decode(values[index + 1]);
      });
      backLinks.forEach((link, index) => {
        row[link.name] = JSON.parse(values[table.columns.length + 1 + index] as string) as string[];
      });
      return row;
    });
    return { total, rows };
  });
}
