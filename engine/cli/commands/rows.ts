/**
 * `syncspec rows <config> <database> [--limit N] [--offset N] [--json]`: the synced rows of one
 * database, by property, ordered by key — a look at the data without writing SQL (whose table
 * names, `"crm.contacts"`, need quotes). Never creates the database.
 */
import type { Command } from 'commander';
import type { DatabaseDefinition } from '../../core/types.js';
import { didYouMeanQualified, resolveQualified } from '../../core/qualified.js';
import { table, wholeNumber } from '../format.js';
import { openOrReport, reportInvalid } from '../open.js';

const DEFAULT_LIMIT = 20;
/** Wider cells are cut, so a table of long texts still fits a terminal. */
const CELL_WIDTH = 40;

export function registerRows(program: Command): void {
  program
    .command('rows')
    .description('show the synced rows of a database (CONNECTOR.DATABASE, or DATABASE when unambiguous)')
    .argument('<config>', 'config file')
    .argument('<database>', 'the database, e.g. crm.contacts or contacts')
    .option('-n, --limit <n>', `at most this many rows (default ${DEFAULT_LIMIT})`, wholeNumber('--limit', 1))
    .option('--offset <n>', 'skip this many rows first', wholeNumber('--offset', 0))
    .option('--json', 'print { database, total, rows } as JSON')
    .action(async (config: string, name: string, options: { limit?: number; offset?: number; json?: boolean }) => {
      const opened = await openOrReport(config, 'looking');
      if (!opened) return;
      try {
        const databases = [...new Map(opened.syncs.map((sync) => [sync.database.name, sync.database])).values()];
        const database = findDatabase(databases, name);
        if (typeof database === 'string') return reportInvalid(database, 'unknown-database');
        const limit = options.limit ?? DEFAULT_LIMIT;
        const offset = options.offset ?? 0;
        const page = await opened.store.readRows(database, { limit, offset });
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ database: database.name, total: page.total, rows: page.rows }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${describePage(database, page.rows, page.total, offset)}\n`);
      } finally {
        await opened.close();
      }
    });
}

function findDatabase(databases: DatabaseDefinition[], name: string): DatabaseDefinition | string {
  const names = databases.map((database) => database.name);
  const resolved = resolveQualified(name, names);
  if ('found' in resolved) return databases.find((database) => database.name === resolved.found)!;
  if ('ambiguous' in resolved) return `database '${name}' is ambiguous: ${resolved.ambiguous.join(', ')}`;
  return `unknown database '${name}' (${didYouMeanQualified(resolved)}databases: ${names.join(', ') || 'none'})`;
}

function describePage(database: DatabaseDefinition, rows: Record<string, unknown>[], total: number, offset: number): string {
  if (total === 0) return `${database.name}: no rows yet (a run of a sync that writes it fills it)`;
  if (rows.length === 0) return `${database.name}: ${total} rows, none from ${offset + 1} on`;
  const headers = database.properties.map((property) => property.name);
  const cells = rows.map((row) => headers.map((name) => cell(row[name])));
  const shown = `rows ${offset + 1}–${offset + rows.length} of ${total}`;
  const more = offset + rows.length < total ? `; --offset ${offset + rows.length} for more` : '';
  return `${table(headers, cells)}\n${database.name}: ${shown}${more}`;
}

/** A value as a cell: lists joined, objects as JSON, nothing as '-', long ones cut. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const line = text.replace(/\s+/g, ' ');
  return line.length > CELL_WIDTH ? `${line.slice(0, CELL_WIDTH - 1)}…` : line;
}
