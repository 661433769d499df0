/**
 * Names a database cannot hold are refused by `validate` where they are written, instead of failing
 * the first run without a location: property names that collide as SQL columns (SQLite ignores ASCII
 * letter case), system column names, a NUL or a lone surrogate, back-links that take a property's
 * name, database keys that differ only in case. Names that look odd but work (`constructor`,
 * `toString`) go end to end.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { MINIMAL_SPEC } from './harness.js';
import { validateCli } from '../support/validate-cli.js';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const withProperties = (lines: string) => MINIMAL_SPEC.replace('      ID: richText', `      ID: richText\n${lines}`);

describe('names that collide as SQL columns', () => {
  test('ID and id, and the system columns _key and _SEQ', async () => {
    const run = await validateCli({ spec: withProperties('      id: richText\n      _key: richText\n      _SEQ: number') });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:11:7  databases.contacts.properties.id: property 'id' collides with property 'ID' of database 'contacts' (column names ignore ASCII letter case)",
      "crm.yaml:12:7  databases.contacts.properties._key: property '_key' collides with system column \"_key\" of database 'contacts' (column names ignore ASCII letter case)",
      "crm.yaml:13:7  databases.contacts.properties._SEQ: property '_SEQ' collides with system column \"_seq\" of database 'contacts' (column names ignore ASCII letter case)",
    ]);
  });

  test('a NUL or a lone surrogate in a name (YAML escapes can write both)', async () => {
    const run = await validateCli({ spec: withProperties('      "Bad\\0Name": richText\n      "Half\\uD800": richText') });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      'crm.yaml:11:7  databases.contacts.properties: property name "Bad\\u0000Name" contains a NUL character, which SQLite cannot store in a name',
      'crm.yaml:12:7  databases.contacts.properties: property name "Half\\ud800" contains an unpaired UTF-16 surrogate',
    ]);
  });

  test('a two-way relation whose default back-link takes a property name of its target', async () => {
    const spec = MINIMAL_SPEC
      .replace('      ID: richText', '      ID: richText\n      Company: { type: relation, database: companies, twoWay: true }')
      .replace('syncs:', 'syncs:\n  companies:\n    database: companies\n    request: { path: /companies }\n    map: { Name: $.name, ID: $.id }')
      .replace('databases:', 'databases:\n  companies:\n    primaryKeyProperty: ID\n    properties: { Name: title, ID: richText, "related to contacts (company)": richText }');
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "crm.yaml:14:7  databases.contacts.properties.Company: the back-link 'Related to contacts (Company)' of relation 'Company' in database 'contacts' collides with property 'related to contacts (company)' of database 'companies' (column names ignore ASCII letter case)",
    ]);
  });

  test('database keys that differ only in letter case', async () => {
    const spec = MINIMAL_SPEC.replace('databases:', 'databases:\n  Contacts:\n    primaryKeyProperty: ID\n    properties: { Name: title, ID: richText }');
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["crm.yaml:9:3  databases: database 'contacts' and database 'Contacts' differ only in letter case; their tables would be one (SQLite ignores ASCII letter case)"]);
  });
});

describe('names that look like JavaScript but are plain names', () => {
  test('properties named constructor and toString validate, run and store their values', async () => {
    const api = await serve((_req, res) => sendJson(res, 200, { data: [{ id: 'a', name: 'A', ctor: 'built', str: 'text' }] }));
    const spec = itemsSpec({}, { map: { Name: '$.name', ID: '$.id', constructor: '$.ctor', toString: '$.str' } });
    (spec.databases as { items: { properties: Record<string, string> } }).items.properties = { Name: 'title', ID: 'richText', constructor: 'richText', toString: 'richText' };
    const project = apiProject(api.url, spec);
    const run = await project.cli('run', project.config, '--json');
    expect(run.code, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout)[0]).toMatchObject({ upserted: 1, failed: 0 });
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${project.dir}/data/sync.db`, { readonly: true });
    expect(db.prepare('SELECT "constructor", "toString" FROM "api.items"').get()).toEqual({ constructor: 'built', toString: 'text' });
    db.close();
  });
});
