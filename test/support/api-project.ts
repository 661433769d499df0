/**
 * A one-connector project against a test's own loopback API: a spec object written as YAML, a config
 * that gives it `baseUrl` and its secrets from the environment, and the `syncspec` command run on it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli, scratchDir, type CliResult } from './cli.js';
import { writeLeakConfig } from './leaks.js';

export interface ApiProject {
  dir: string;
  config: string;
  env: NodeJS.ProcessEnv;
  cli(...args: string[]): Promise<CliResult>;
}

/**
 * `secrets`: name → value; each reaches the spec as secrets.NAME through an environment variable.
 * `database`: the config's `database:` value (YAML), by default ./data/sync.db beside the config.
 */
export function apiProject(url: string, spec: Record<string, unknown>, secrets: Record<string, string> = {}, database?: string): ApiProject {
  const dir = scratchDir('syncspec-api-');
  const specFile = join(dir, 'api.yaml');
  writeFileSync(specFile, stringify(spec));
  const names = Object.keys(secrets);
  const config = writeLeakConfig(dir, specFile, Object.fromEntries(names.map((name, i) => [name, `SECRET_${i}`])), undefined, database);
  const env: NodeJS.ProcessEnv = { ...process.env, API_URL: url, ...Object.fromEntries(names.map((name, i) => [`SECRET_${i}`, secrets[name]])) };
  return { dir, config, env, cli: (...args) => runCli(args, { env, cwd: dir }) };
}

/**
 * A spec with one `items` database (Name, ID) and one `items` sync reading `$.data[*]` from /items;
 * `api` and `sync` are merged over those defaults. Retries are off: a failure fails at once.
 */
export function itemsSpec(api: Record<string, unknown> = {}, sync: Record<string, unknown> = {}, secrets: string[] = []): Record<string, unknown> {
  return {
    syncspec: 1,
    name: 'api',
    vars: { baseUrl: {} },
    ...(secrets.length > 0 && { secrets: Object.fromEntries(secrets.map((name) => [name, {}])) }),
    api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, ...api },
    databases: { items: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: { items: { database: 'items', request: { path: '/items' }, records: '$.data[*]', map: { Name: '$.name', ID: '$.id' }, ...sync } },
  };
}

/** `{ data: [{ id, name: 'Item id' }…], ...extra }` */
export function itemsPage(ids: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { data: ids.map((id) => ({ id, name: `Item ${id}` })), ...extra };
}
