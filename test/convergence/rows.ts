/** The contacts database as the test compares it to the source: key and a few mapped fields. */
import type { SourceRecord } from '../../sandbox/server.js';
import type { OpenedProject } from '../../engine/project.js';
import { rowsByKey } from '../support/project.js';

/** The managed database every spec under specs/ writes (connector `c`). */
export const DATABASE = 'c.contacts';

export interface ContactRow {
  key: string;
  Name: unknown;
  Email: unknown;
  Stage: unknown;
  Updated: unknown;
}

export interface RowDiff {
  missing: string[];
  extra: string[];
  different: Array<{ key: string; database: ContactRow; source: ContactRow }>;
}

export const NO_DIFF: RowDiff = { missing: [], extra: [], different: [] };

const byKey = (a: ContactRow, b: ContactRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Source records as the specs map them. */
export function sourceRows(records: SourceRecord[]): ContactRow[] {
  return records.map((record) => ({ key: record.id, Name: record.name, Email: record.email, Stage: record.stage, Updated: record.updated_at })).sort(byKey);
}

export async function databaseRows(opened: OpenedProject): Promise<ContactRow[]> {
  const rows = await rowsByKey(opened, DATABASE);
  return [...rows.entries()].map(([key, row]) => ({ key, Name: row.Name, Email: row.Email, Stage: row.Stage, Updated: row.Updated })).sort(byKey);
}

export function sameRows(a: ContactRow[], b: ContactRow[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffRows(database: ContactRow[], source: ContactRow[]): RowDiff {
  const inDatabase = new Map(database.map((row) => [row.key, row]));
  const inSource = new Map(source.map((row) => [row.key, row]));
  return {
    missing: source.filter((row) => !inDatabase.has(row.key)).map((row) => row.key),
    extra: database.filter((row) => !inSource.has(row.key)).map((row) => row.key),
    different: source
      .filter((row) => inDatabase.has(row.key) && !sameRows([inDatabase.get(row.key)!], [row]))
      .map((row) => ({ key: row.key, database: inDatabase.get(row.key)!, source: row })),
  };
}
