import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DatabaseDefinition, PropertyDefinition } from '../../../engine/core/types.js';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();

const everyKind: DatabaseDefinition = {
  name: 'demo.every kind',
  title: 'Every kind',
  primaryKeyProperty: 'Title',
  properties: [
    { name: 'Title', type: 'title' },
    { name: 'Text', type: 'richText' },
    { name: 'Link', type: 'url' },
    { name: 'Mail', type: 'email' },
    { name: 'Phone', type: 'phoneNumber' },
    { name: 'Done', type: 'checkbox' },
    { name: 'Attachment', type: 'file' },
    { name: 'Amount', type: 'number', format: 'dollar' },
    { name: 'Day', type: 'date', dateFormat: 'date' },
    { name: 'When', type: 'date', dateFormat: 'dateTime' },
    { name: 'Span', type: 'date', dateFormat: 'dateRange' },
    { name: 'Stage', type: 'select', options: ['Lead', 'Won'] },
    { name: 'Tags', type: 'multiSelect', options: ['a', 'b'] },
    { name: 'State', type: 'status', options: ['Open'], groups: { Open: 'To-do' } },
    { name: 'Owners', type: 'people' },
    { name: 'Office', type: 'place' },
    { name: 'Company', type: 'relation', relation: { database: 'demo.companies', twoWay: false, relatedPropertyName: null } },
  ],
};

const fullRow = {
  Title: 'Ada',
  Text: 'Line one\nline two ✓',
  Link: 'https://example.com/a?b=c',
  Mail: 'ada@example.com',
  Phone: '+44 20 7946 0000',
  Done: true,
  Attachment: { url: 'https://example.com/f.pdf', name: 'f.pdf' },
  Amount: 12.5,
  Day: '2024-03-01',
  When: '2024-03-01T10:00:00.000Z',
  Span: { start: '2024-03-01', end: null },
  Stage: 'Won',
  Tags: ['a', 'b'],
  State: 'Open',
  Owners: ['ada@example.com', 'bob@example.com'],
  Office: { latitude: 51.5, longitude: -0.12, name: 'HQ', address: null },
  Company: ['c1', 'c2'],
};

async function writeRows(database: DatabaseDefinition, rows: Record<string, Record<string, unknown>>) {
  const store = stores.open();
  const { runId, cycle } = await begin(store, 'demo.sync');
  const changes = Object.entries(rows).map(([key, properties]) => upsert(key, properties));
  await store.commit(batch(runId, cycle, database, changes));
  return store;
}

describe('managed tables', () => {
  it('round-trips every property kind through commit and readRows', async () => {
    const empty = Object.fromEntries(everyKind.properties.map((property) => [property.name, null]));
    const store = await writeRows(everyKind, { full: fullRow, empty });
    const page = await store.readRows(everyKind);
    expect(page.total).toBe(2);
    // An unset checkbox reads as unchecked.
    expect(page.rows).toEqual([
      { _key: 'empty', ...empty, Done: false },
      { _key: 'full', ...fullRow },
    ]);
  });

  it('stores each kind in the column type of its storage format', async () => {
    await writeRows(everyKind, { full: fullRow });
    const db = new Database(stores.path(), { readonly: true });
    const columns = db.prepare('SELECT name, type FROM pragma_table_info(?)').all(everyKind.name);
    const raw = db.prepare(`SELECT "Done", "Amount", "Tags", "Span", "Day" FROM "demo.every kind"`).get();
    db.close();
    expect(columns.slice(0, 5)).toEqual([
      { name: '_key', type: 'TEXT' },
      { name: '_seq', type: 'INTEGER' },
      { name: '_icon', type: 'TEXT' },
      { name: '_content', type: 'TEXT' },
      { name: '_updated_at', type: 'TEXT' },
    ]);
    expect(Object.fromEntries(columns.slice(5).map((column: any) => [column.name, column.type]))).toMatchObject({
      Title: 'TEXT', Done: 'INTEGER', Amount: 'REAL', Day: 'TEXT', Span: 'TEXT', Tags: 'TEXT', Office: 'TEXT',
    });
    expect(raw).toEqual({ Done: 1, Amount: 12.5, Tags: '["a","b"]', Span: '{"start":"2024-03-01","end":null}', Day: '2024-03-01' });
  });

  it('accepts names with spaces, quotes, keywords, dots and unicode', async () => {
    const odd: DatabaseDefinition = {
      name: 'we"ird.select from',
      title: 'Odd',
      primaryKeyProperty: 'select',
      properties: [
        { name: 'select', type: 'title' },
        { name: '"quoted"', type: 'richText' },
        { name: 'Name with spaces', type: 'number' },
        { name: '日本語', type: 'multiSelect' },
        { name: 'a.b', type: 'checkbox' },
        { name: "it's; DROP TABLE _runs; --", type: 'url' },
      ],
    };
    const values = { select: 'x', '"quoted"': 'q', 'Name with spaces': 3, 日本語: ['東京'], 'a.b': true, "it's; DROP TABLE _runs; --": 'u' };
    const store = await writeRows(odd, { 'key "1"': values });
    expect((await store.readRows(odd)).rows).toEqual([{ _key: 'key "1"', ...values }]);
    expect(await store.listRuns()).toHaveLength(1);
  });

  it.each<[string, string]>([
    ['bad\0name', 'Database name "bad\\u0000name" contains a NUL character, which SQLite cannot store in a name'],
    ['', 'Database name must be a non-empty string, got ""'],
    ['sqlite_things', 'Database name "sqlite_things" starts with "sqlite_", which SQLite reserves'],
    ['_RUNS', 'Database name "_RUNS" is already used by the SQLite table "_runs"'],
  ])('rejects the database name %j', async (name, message) => {
    await expect(stores.open().ensureDatabase({ ...contacts, name })).rejects.toThrow(message);
  });

  it.each<[PropertyDefinition[], string]>([
    [[{ name: 'a\0', type: 'title' }], 'Database "crm.contacts": property name "a\\u0000" contains a NUL character, which SQLite cannot store in a name'],
    [[{ name: '_KEY', type: 'title' }], 'Database "crm.contacts": property "_KEY" collides with system column "_key" (SQLite column names ignore ASCII letter case)'],
    [
      [{ name: 'Name', type: 'title' }, { name: 'name', type: 'richText' }],
      'Database "crm.contacts": property "name" collides with property "Name" (SQLite column names ignore ASCII letter case)',
    ],
  ])('rejects property names %#', async (properties, message) => {
    await expect(stores.open().ensureDatabase({ ...contacts, properties })).rejects.toThrow(message);
  });

  it('keeps "É" and "é" apart, as SQLite does', async () => {
    const accents = { ...contacts, properties: [{ name: 'É', type: 'title' }, { name: 'é', type: 'richText' }] } satisfies DatabaseDefinition;
    const store = await writeRows(accents, { k: { É: 'upper', é: 'lower' } });
    expect((await store.readRows(accents)).rows).toEqual([{ _key: 'k', É: 'upper', é: 'lower' }]);
  });

  it('refuses a database that differs from an existing one only in letter case', async () => {
    const store = stores.open();
    await store.ensureDatabase(contacts);
    await expect(store.ensureDatabase({ ...contacts, name: 'CRM.contacts' })).rejects.toThrow(
      'Database "CRM.contacts" differs from the existing database "crm.contacts" only in letter case, and SQLite table names ignore ASCII letter case',
    );
  });

  it('adds a column when the schema grows and keeps the existing data', async () => {
    const store = await writeRows(contacts, { c1: { Name: 'Ada', Age: 36, VIP: true } });
    const grown: DatabaseDefinition = { ...contacts, properties: [...contacts.properties, { name: 'Email', type: 'email' }] };
    await store.ensureDatabase(grown);
    expect((await store.readRows(grown)).rows).toEqual([{ _key: 'c1', Name: 'Ada', Age: 36, VIP: true, Email: null }]);

    // A second process with the grown definition writes the new column; the old row's values stay.
    const other = stores.open();
    const { runId, cycle } = await begin(other, 'crm.other', 'incremental');
    await other.commit(batch(runId, cycle, grown, [upsert('c1', { Email: 'ada@example.com' })]));
    expect((await store.readRows(grown)).rows).toEqual([{ _key: 'c1', Name: 'Ada', Age: 36, VIP: true, Email: 'ada@example.com' }]);
  });

  it('never drops a column: a property removed and added back still has its data', async () => {
    const store = await writeRows(contacts, { c1: { Name: 'Ada', Age: 36 } });
    const shrunk = { ...contacts, properties: contacts.properties.filter((property) => property.name !== 'Age') };
    await store.ensureDatabase(shrunk);
    expect((await store.readRows(shrunk)).rows).toEqual([{ _key: 'c1', Name: 'Ada', VIP: false }]);
    await store.ensureDatabase(contacts);
    expect((await store.readRows(contacts)).rows).toEqual([{ _key: 'c1', Name: 'Ada', Age: 36, VIP: false }]);
  });

  it('allows a type change within one storage format', async () => {
    const store = await writeRows(contacts, { c1: { Name: 'Ada' } });
    const retyped: DatabaseDefinition = {
      ...contacts,
      properties: [{ name: 'Name', type: 'richText' }, ...contacts.properties.slice(1)],
    };
    await store.ensureDatabase(retyped);
    expect((await store.readRows(retyped)).rows).toEqual([{ _key: 'c1', Name: 'Ada', Age: null, VIP: false }]);
  });

  it.each<[PropertyDefinition, PropertyDefinition, string]>([
    [{ name: 'Age', type: 'number' }, { name: 'Age', type: 'richText' }, 'from number to richText'],
    [{ name: 'Age', type: 'number' }, { name: 'age', type: 'checkbox' }, 'from number to checkbox'],
    [{ name: 'Due', type: 'date', dateFormat: 'date' }, { name: 'Due', type: 'date', dateFormat: 'dateRange' }, 'from date (date) to date (dateRange)'],
  ])('refuses an incompatible type change %#', async (before, after, change) => {
    const store = stores.open();
    await store.ensureDatabase({ ...contacts, properties: [before] });
    await expect(store.ensureDatabase({ ...contacts, properties: [after] })).rejects.toThrow(
      `Database "crm.contacts": property "${after.name}" changed type ${change}, which its existing column cannot hold; ` +
        'give the property a new name or remove the table to start over',
    );
  });

  it('detects an incompatible change made by another process', async () => {
    await stores.open().ensureDatabase(contacts);
    const retyped = { ...contacts, properties: [{ name: 'VIP', type: 'number' }] } satisfies DatabaseDefinition;
    await expect(stores.open().readRows(retyped)).rejects.toThrow('property "VIP" changed type from checkbox to number');
  });
});
