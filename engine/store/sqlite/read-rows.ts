/** Reading the rows of a managed table, by property name, with the back-links that point at them. */
import type { RowsPage } from '../store.js';
import type { SqlValue } from './codec.js';
import { readTransaction, type Connection } from './connection.js';
import { Links } from './links.js';
import type { ManagedTable } from './managed-table.js';
import { StoreError } from '../errors.js';

function checkPaging(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new StoreError('store-invalid-argument', `readRows: ${what} must be a non-negative integer, got ${String(value)}`);
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
