/**
 * `syncspec init <name> [--dir DIR]`: scaffolds a connector spec (`connectors/<name>.yaml`: the
 * schema line for editors, one database, a backfill + delta pair to fill in) and a config that
 * loads it (`config.yaml`), so that a newcomer starts from files that validate and run. Nothing is
 * overwritten: an existing file is an error (exit 2) naming it.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import connectorSchema from '../../../schemas/connector.schema.json' with { type: 'json' };
import { displayPath } from '../../config/display.js';
import { reportInvalid } from '../open.js';

/** The spec language's names (the schema's `identifier`): the connector name must be one. */
const IDENTIFIER = new RegExp(connectorSchema.$defs.identifier.pattern, 'u');

/** The schemas beside the code, wherever the package is installed (dist/schemas once built). */
const SCHEMAS = fileURLToPath(new URL('../../../schemas/', import.meta.url));

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a connector spec (connectors/NAME.yaml) and a config that loads it (config.yaml)')
    .argument('<name>', 'the connector name: letters, digits, _ and -, starting with a letter or _')
    .option('--dir <dir>', 'where to write them', '.')
    .action((name: string, options: { dir: string }) => {
      const written = scaffold(name, resolve(options.dir));
      if (typeof written === 'string') return reportInvalid(written);
      const [spec, config] = written.map((path) => displayPath(path, process.cwd()));
      process.stdout.write(
        [
          `wrote ${spec} and ${config}`,
          `next: fill in the API's base URL, auth, list endpoint and field map in ${spec}, then`,
          `  syncspec validate ${spec}`,
          `  syncspec check ${config}`,
          `  syncspec preview ${config} --sync ${name}.itemsBackfill`,
          `  syncspec test ${config} --fixtures ${join(dirname(config), 'fixtures')} --record   (then without --record: offline)`,
          `  syncspec run ${config}`,
          '',
        ].join('\n'),
      );
    });
}

/** Writes the two files; the reason it would not (a bad name, a file already there) otherwise. */
export function scaffold(name: string, dir: string): [spec: string, config: string] | string {
  if (!IDENTIFIER.test(name)) return `connector name ${JSON.stringify(name)} is not a name: use letters, digits, _ and -, starting with a letter or _`;
  const specPath = join(dir, 'connectors', `${name}.yaml`);
  const configPath = join(dir, 'config.yaml');
  const existing = [specPath, configPath].find((path) => existsSync(path));
  if (existing) return `${displayPath(existing, process.cwd())} already exists; syncspec init never overwrites a file (use another --dir)`;
  mkdirSync(dirname(specPath), { recursive: true });
  writeFileSync(specPath, specText(name, schemaLine(specPath, 'connector')), { flag: 'wx' });
  writeFileSync(configPath, configText(name, schemaLine(configPath, 'config')), { flag: 'wx' });
  return [specPath, configPath];
}

function schemaLine(file: string, schema: 'connector' | 'config'): string {
  const path = relative(dirname(file), join(SCHEMAS, `${schema}.schema.json`)).split('\\').join('/');
  return `# yaml-language-server: $schema=${path}`;
}

function envName(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOKEN`;
}

function specText(name: string, schema: string): string {
  return `${schema}
#
# ${name}: a backfill and a delta of one list endpoint, to fill in from the API's documentation.
# Every key is described in the README's spec language reference.
syncspec: 1
name: ${name}
vars:
  baseUrl: { default: "https://api.example.com" }
secrets:
  apiToken: { description: "The API's token, sent as a bearer token" }
api:
  baseUrl: "{{vars.baseUrl}}"
  auth: { type: bearer, token: { secret: apiToken } }
databases:
  items:
    primaryKeyProperty: ID
    properties:
      Name: title
      ID: richText
      Updated: { type: date, format: dateTime }
syncs:
  # Every record, page by page; rows a completed cycle did not see are deleted (the sweep).
  itemsBackfill:
    database: items
    mode: replace
    request: { path: /items }
    records: $.data[*]
    paginate: &pages
      type: token
      token: { path: $.next_cursor }
      param: cursor
      pageSize: { value: 100, param: limit }
    version: $.updated_at
    # The delta starts where this backfill started, not from the beginning.
    anchor: { delta: itemsDelta }
    map: &map { Name: $.name, ID: $.id, Updated: $.updated_at }

  # What changed since the cursor, which persists between runs; 30 s of consistency buffer.
  itemsDelta:
    database: items
    mode: incremental
    schedule: 5m
    request:
      path: /items
      query: { updated_since: "{{cursor.value}}" }
    records: $.data[*]
    paginate: *pages
    cursor: { field: $.updated_at, bufferSeconds: 30 }
    version: $.updated_at
    map: *map
`;
}

function configText(name: string, schema: string): string {
  return `${schema}
syncspec: 1
database: { type: sqlite, path: ./data/${name}.db }
connectors:
  ${name}:
    spec: connectors/${name}.yaml
    vars:
      baseUrl: "https://api.example.com"
    secrets:
      # From the environment or a .env file beside this config, never from this file.
      apiToken: { env: ${envName(name)} }
`;
}
