import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Change, DatabaseDefinition } from '../../../engine/core/types.js';
import type { CommitResult } from '../../../engine/store/store.js';
import { batch, begin, contacts, useStores } from './fixture.js';

const stores = useStores();

/** Versioned (`v` given) or unversioned changes of key 'a' unless told. */
const up = (name: string, v?: number, key = 'a'): Change => ({ type: 'upsert', key, properties: { Name: name }, ...(v === undefined ? {} : { version: v }) });
const del = (v?: number, key = 'a'): Change => ({ type: 'delete', key, ...(v === undefined ? {} : { version: v }) });

function raw(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      rows: db.prepare('SELECT _key, "Name", _version, _seq FROM "crm.contacts" ORDER BY _key').all() as { _key: string; Name: string; _version: number | null; _seq: number }[],
      tombstones: db.prepare('SELECT database, key, version FROM _tombstones ORDER BY database, key').all(),
    };
  } finally {
    db.close();
  }
}

/** Commits each inner list as one batch of an incremental cycle; returns each commit's result. */
async function commitAll(store: ReturnType<typeof stores.open>, commits: Change[][]) {
  const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
  const results: CommitResult[] = [];
  for (const changes of commits) results.push(await store.commit(batch(runId, cycle, contacts, changes)));
  return { runId, results };
}

const counts = (upserted: number, deleted: number, stale: number): CommitResult => ({ upserted, deleted, stale });
type Row = [name: string, version: number | null];

// [what, commits, result of each commit, row 'a' at the end (or absent), tombstone version of 'a']
const cases: [string, Change[][], CommitResult[], Row | null, number | null][] = [
  ['an older upsert after a newer one is stale', [[up('two', 2)], [up('one', 1)]], [counts(1, 0, 0), counts(0, 0, 1)], ['two', 2], null],
  ['a newer upsert applies', [[up('one', 1)], [up('two', 2)]], [counts(1, 0, 0), counts(1, 0, 0)], ['two', 2], null],
  ['at an equal version the later delivery wins', [[up('x', 2)], [up('y', 2)]], [counts(1, 0, 0), counts(1, 0, 0)], ['y', 2], null],
  [
    'a deleted record stays deleted for older upserts and is re-created by a newer one',
    [[up('one', 1)], [del(3)], [up('two', 2)], [up('four', 4)]],
    [counts(1, 0, 0), counts(0, 1, 0), counts(0, 0, 1), counts(1, 0, 0)],
    ['four', 4],
    3,
  ],
  [
    'a delete that arrives before its record leaves a tombstone',
    [[del(5)], [up('four', 4)], [up('six', 6)]],
    [counts(0, 0, 0), counts(0, 0, 1), counts(1, 0, 0)],
    ['six', 6],
    5,
  ],
  ['an older delete is stale and leaves no tombstone', [[up('five', 5)], [del(4)]], [counts(1, 0, 0), counts(0, 0, 1)], ['five', 5], null],
  ['a delete at an equal version applies', [[up('five', 5)], [del(5)]], [counts(1, 0, 0), counts(0, 1, 0)], null, 5],
  ['a tombstone keeps the newest version', [[del(5)], [del(3)], [up('four', 4)]], [counts(0, 0, 0), counts(0, 0, 1), counts(0, 0, 1)], null, 5],
  [
    'an unversioned upsert applies and keeps the known version: older versioned ones stay stale',
    [[up('five', 5)], [up('plain')], [up('four', 4)], [up('six', 6)]],
    [counts(1, 0, 0), counts(1, 0, 0), counts(0, 0, 1), counts(1, 0, 0)],
    ['six', 6],
    null,
  ],
  [
    'an unversioned upsert of a new row leaves it unversioned: any versioned upsert applies',
    [[up('plain')], [up('one', 1)]],
    [counts(1, 0, 0), counts(1, 0, 0)],
    ['one', 1],
    null,
  ],
  [
    'an unversioned upsert even re-creates a deleted record, keeping its tombstone',
    [[up('one', 1)], [del(5)], [up('plain')], [up('four', 4)], [del(4)]],
    [counts(1, 0, 0), counts(0, 1, 0), counts(1, 0, 0), counts(0, 0, 1), counts(0, 0, 1)],
    ['plain', null],
    5,
  ],
  [
    'an unversioned delete deletes whatever the version, and records no tombstone',
    [[up('five', 5)], [del()], [up('four', 4)]],
    [counts(1, 0, 0), counts(0, 1, 0), counts(1, 0, 0)],
    ['four', 4],
    null,
  ],
  [
    'changes of one batch apply in order',
    [[up('two', 2), up('one', 1), del(3), up('two again', 2), up('four', 4), del()]],
    [counts(2, 2, 2)],
    null,
    3,
  ],
];

describe('versioned writes', () => {
  it.each(cases)('%s', async (_, commits, results, row, tombstone) => {
    const store = stores.open();
    const { runId, results: got } = await commitAll(store, commits);
    expect(got).toEqual(results);
    const { rows, tombstones } = raw(stores.path());
    expect(rows.map((r) => [r.Name, r._version])).toEqual(row === null ? [] : [row]);
    expect(tombstones).toEqual(tombstone === null ? [] : [{ database: 'crm.contacts', key: 'a', version: tombstone }]);
    // Run history counts what was applied, never the stale changes.
    const total = results.reduce((sum, r) => ({ upserted: sum.upserted + r.upserted, deleted: sum.deleted + r.deleted }), { upserted: 0, deleted: 0 });
    expect(await store.getRun(runId)).toMatchObject(total);
  });

  it('keeps tombstones per database', async () => {
    const other: DatabaseDefinition = { ...contacts, name: 'crm.leads', title: 'Leads' };
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [del(5)]));
    expect(await store.commit(batch(runId, cycle, other, [up('four', 4)]))).toEqual(counts(1, 0, 0));
    expect(await store.commit(batch(runId, cycle, contacts, [up('four', 4)]))).toEqual(counts(0, 0, 1));
  });

  it('leaves a stale row’s properties, icon and links as they were', async () => {
    const companies: DatabaseDefinition = { name: 'crm.companies', title: 'Companies', primaryKeyProperty: 'Name', properties: [{ name: 'Name', type: 'title' }] };
    const deals: DatabaseDefinition = {
      name: 'crm.deals',
      title: 'Deals',
      primaryKeyProperty: 'Name',
      properties: [{ name: 'Name', type: 'title' }, { name: 'Company', type: 'relation', relation: { database: 'crm.companies', twoWay: true, relatedPropertyName: 'Deals' } }],
    };
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.ensureDatabase(companies);
    const deal = (name: string, company: string, version: number): Change => ({ type: 'upsert', key: 'd1', version, icon: name, properties: { Name: name, Company: [company] } });
    await store.commit(batch(runId, cycle, deals, [deal('new', 'c2', 2)]));
    await store.commit(batch(runId, cycle, companies, [{ type: 'upsert', key: 'c1', properties: { Name: 'Acme' } }, { type: 'upsert', key: 'c2', properties: { Name: 'Globex' } }]));
    expect(await store.commit(batch(runId, cycle, deals, [deal('old', 'c1', 1)]))).toEqual(counts(0, 0, 1));
    expect((await store.readRows(deals)).rows).toEqual([{ _key: 'd1', Name: 'new', Company: ['c2'] }]);
    expect((await store.readRows(companies)).rows).toEqual([{ _key: 'c1', Name: 'Acme', Deals: [] }, { _key: 'c2', Name: 'Globex', Deals: ['d1'] }]);
  });

  it.each([
    ['a string', '5', 'a string'],
    ['NaN', Number.NaN, 'NaN'],
    ['null', null, 'null'],
  ])('rejects a version that is %s, naming the row', async (_, version, described) => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    const change = { type: 'delete', key: 'k1', version } as unknown as Change;
    await expect(store.commit(batch(runId, cycle, contacts, [change]))).rejects.toThrow(
      `Database "crm.contacts", row "k1": version expects a finite number, got ${described}`,
    );
  });
});

describe('versioned writes and the sweep', () => {
  /** Rows a, b, c at version 10 (then `more`), written by a delta before the replace cycle begins. */
  async function seeded(more: Change[] = []) {
    const store = stores.open();
    const delta = await begin(store, 'crm.delta', 'incremental');
    await store.commit(batch(delta.runId, delta.cycle, contacts, [...['a', 'b', 'c'].map((key) => up(key, 10, key)), ...more]));
    const backfill = await begin(store, 'crm.backfill', 'replace');
    return { store, delta, backfill };
  }

  it('a stale upsert still marks its row as seen: a full cycle that read an older version does not sweep it', async () => {
    const { store, backfill } = await seeded();
    // The backfill reads a lagging copy of a (version 9): stale, but the record exists.
    expect(await store.commit(batch(backfill.runId, backfill.cycle, contacts, [up('a at 9', 9, 'a'), up('b at 11', 11, 'b')], { partitionDone: true }))).toEqual(
      counts(1, 0, 1),
    );
    expect(await store.closeCycle(backfill.cycle, contacts)).toBe(1);
    expect(raw(stores.path()).rows.map((row) => [row._key, row.Name, row._version])).toEqual([['a', 'a', 10], ['b', 'b at 11', 11]]);
  });

  it('does not sweep a row a concurrent delta wrote after the cycle began, though the cycle saw it older', async () => {
    const { store, delta, backfill } = await seeded();
    await store.commit(batch(delta.runId, delta.cycle, contacts, [up('c at 12', 12, 'c')]));
    expect(await store.commit(batch(backfill.runId, backfill.cycle, contacts, [up('c at 11', 11, 'c')], { partitionDone: true }))).toEqual(counts(0, 0, 1));
    expect(await store.closeCycle(backfill.cycle, contacts)).toBe(2);
    expect(raw(stores.path()).rows.map((row) => [row._key, row.Name])).toEqual([['c', 'c at 12']]);
  });

  it('a row whose newest known fact is its deletion is not marked seen by an older upsert', async () => {
    // Deleted at 15, then re-created by an unversioned write: the row exists, with tombstone 15.
    const { store, backfill } = await seeded([del(15, 'a'), up('plain', undefined, 'a')]);
    const before = raw(stores.path()).rows.find((row) => row._key === 'a')!;
    await store.commit(batch(backfill.runId, backfill.cycle, contacts, [up('a at 14', 14, 'a'), up('b', 10, 'b'), up('c', 10, 'c')], { partitionDone: true }));
    expect(raw(stores.path()).rows.find((row) => row._key === 'a')).toEqual(before);
    expect(await store.closeCycle(backfill.cycle, contacts)).toBe(1);
    expect(raw(stores.path()).rows.map((row) => row._key)).toEqual(['b', 'c']);
  });

  it('a sweep records no tombstone: an older versioned upsert may bring the row back', async () => {
    const { store, delta, backfill } = await seeded();
    await store.commit(batch(backfill.runId, backfill.cycle, contacts, [], { partitionDone: true }));
    expect(await store.closeCycle(backfill.cycle, contacts)).toBe(3);
    expect(raw(stores.path()).tombstones).toEqual([]);
    expect(await store.commit(batch(delta.runId, delta.cycle, contacts, [up('a at 1', 1, 'a')]))).toEqual(counts(1, 0, 0));
  });
});
