/**
 * `syncspec catalog`: each database with the JSON Schema of its rows and the syncs that write it.
 * The schemas are checked against what a real run stored: every row of every database of the
 * sandbox CRM (every property type) validates against its database's schema.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { removeScratchDirs, runCli, scratchDir } from '../support/cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11 });
});
afterAll(async () => {
  await sandbox.close();
  removeScratchDirs();
});

interface Entry {
  database: string;
  primaryKey: string;
  schema: { properties: Record<string, { 'x-syncspec-type': string }> };
  syncs: { name: string; mode: string }[];
}

describe('syncspec catalog', () => {
  test('every database, the syncs that write it, and row schemas that every stored row meets', async () => {
    const dir = scratchDir('syncspec-catalog-');
    const configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    const env = sandboxEnv(sandbox);
    const catalog = await runCli(['catalog', configPath, '--json'], { env, cwd: dir });
    expect(catalog.code).toBe(0);
    const entries = JSON.parse(catalog.stdout) as Entry[];
    expect(entries.map((entry) => [entry.database, entry.primaryKey, entry.syncs.map((sync) => `${sync.name} (${sync.mode})`)])).toEqual([
      ['crm.companies', 'ID', ['crm.companies (replace)']],
      ['crm.contacts', 'ID', ['crm.contactsBackfill (replace)', 'crm.contactsDelta (incremental)']],
      ['crm.repos', 'ID', ['crm.repos (replace)']],
      ['crm.issues', 'ID', ['crm.issues (replace)']],
    ]);
    const types = new Set(entries.flatMap((entry) => Object.values(entry.schema.properties).map((property) => property['x-syncspec-type'])));
    expect(types.size).toBeGreaterThanOrEqual(12);

    expect((await runCli(['run', configPath], { env, cwd: dir })).code).toBe(0);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const entry of entries) {
      const validate = ajv.compile(entry.schema);
      const rows = await runCli(['rows', configPath, entry.database, '--json', '--limit', '1000'], { env, cwd: dir });
      const page = JSON.parse(rows.stdout) as { total: number; rows: Record<string, unknown>[] };
      expect(page.total).toBeGreaterThan(0);
      for (const { _key, ...row } of page.rows) {
        expect(validate(row) ? [] : validate.errors, `${entry.database} row ${String(_key)}`).toEqual([]);
      }
    }
  });

  test('a table for people: database, property, type, written by', async () => {
    const dir = scratchDir('syncspec-catalog-');
    const configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    const result = await runCli(['catalog', configPath], { env: sandboxEnv(sandbox), cwd: dir });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').map((line) => line.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual(['database', 'property', 'type', 'written by']);
    expect(lines).toContainEqual(['crm.contacts', 'Email', 'email (string, email)', 'crm.contactsBackfill, crm.contactsDelta']);
    expect(lines).toContainEqual(['crm.contacts', 'ID (key)', 'richText (string)', 'crm.contactsBackfill, crm.contactsDelta']);
  });
});
