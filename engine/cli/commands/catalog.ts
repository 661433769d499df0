/**
 * `syncspec catalog <config> [--json]`: what a config produces, for another tool to learn it
 * (Airbyte's `discover`): each database with the JSON Schema of its rows — each property's from its
 * type's registry entry — its primary key, and the syncs that write it. Nothing is fetched or written.
 */
import type { Command } from 'commander';
import type { DatabaseDefinition, SyncDefinition } from '../../core/types.js';
import { propertyTypes } from '../../mapping/properties/registry.js';
import { table } from '../format.js';
import { openOrReport } from '../open.js';

export interface CatalogEntry {
  database: string;
  primaryKey: string;
  /** JSON Schema (2020-12) of one row, by property name. */
  schema: Record<string, unknown>;
  syncs: { name: string; mode: SyncDefinition['mode'] }[];
}

export function registerCatalog(program: Command): void {
  program
    .command('catalog')
    .description('list the databases a config fills, with the JSON Schema of their rows and the syncs that write them')
    .argument('<config>', 'config file')
    .option('--json', 'print the catalog as JSON')
    .action(async (config: string, options: { json?: boolean }) => {
      const opened = await openOrReport(config, 'looking');
      if (!opened) return;
      try {
        const entries = catalogOf(opened.syncs);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        const rows = entries.flatMap((entry) => Object.entries(entry.schema.properties as Record<string, { type?: unknown; enum?: unknown[]; format?: string }>)
          .map(([name, schema]) => [entry.database, name === entry.primaryKey ? `${name} (key)` : name, shownType(schema), entry.syncs.map((sync) => sync.name).join(', ')]));
        process.stdout.write(`${table(['database', 'property', 'type', 'written by'], rows)}\n`);
      } finally {
        await opened.close();
      }
    });
}

export function catalogOf(syncs: SyncDefinition[]): CatalogEntry[] {
  const databases = new Map<string, { database: DatabaseDefinition; syncs: CatalogEntry['syncs'] }>();
  for (const sync of syncs) {
    const entry = databases.get(sync.database.name) ?? { database: sync.database, syncs: [] };
    entry.syncs.push({ name: sync.name, mode: sync.mode });
    databases.set(sync.database.name, entry);
  }
  return [...databases.values()].map(({ database, syncs: writers }) => ({
    database: database.name,
    primaryKey: database.primaryKeyProperty,
    schema: rowSchema(database),
    syncs: writers,
  }));
}

function rowSchema(database: DatabaseDefinition): Record<string, unknown> {
  const properties = Object.fromEntries(database.properties.map((property) => {
    const schema = propertyTypes[property.type].valueSchema(property);
    return [property.name, { ...schema, 'x-syncspec-type': property.type }];
  }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: database.title,
    type: 'object',
    required: [database.primaryKeyProperty],
    properties,
  };
}

/** `string (email)`, `number`, `one of open, closed`: a property schema in a table. */
function shownType(schema: { type?: unknown; enum?: unknown[]; format?: string; 'x-syncspec-type'?: string }): string {
  const kind = schema['x-syncspec-type'];
  if (schema.enum) return `${kind}: ${schema.enum.filter((value) => value !== null).join(', ')}`;
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((type) => type !== 'null').join(' | ');
  return schema.format ? `${kind} (${types}, ${schema.format})` : `${kind} (${types})`;
}
