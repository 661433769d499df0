import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../engine/core/types.js';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();

function rawRows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT _key, _seq, _icon, _content, "Name", "Age" FROM "crm.contacts" ORDER BY _key').all();
  } finally {
    db.close();
  }
}

describe('commit', () => {
  it('updates only the properties a change carries, and icon/content only when present', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.commit(
      batch(runId, cycle, contacts, [upsert('c1', { Name: 'Ada', Age: 36, VIP: true }, { icon: '🦊', pageContentMarkdown: '# Ada' })]),
    );
    await store.commit(batch(runId, cycle, contacts, [upsert('c1', { Age: 37 })]));
    expect((await store.readRows(contacts)).rows).toEqual([{ _key: 'c1', Name: 'Ada', Age: 37, VIP: true }]);
    expect(rawRows(stores.path())).toMatchObject([{ _icon: '🦊', _content: '# Ada' }]);

    await store.commit(batch(runId, cycle, contacts, [upsert('c1', { Name: 'Ada L.' }, { icon: null, pageContentMarkdown: undefined })]));
    expect(rawRows(stores.path())).toMatchObject([{ Name: 'Ada L.', _icon: null, _content: '# Ada' }]);
  });

  it('stamps every row of a commit with one new write sequence value', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' }), upsert('b', { Name: 'B' })]));
    await store.commit(batch(runId, cycle, contacts, [upsert('b', { Name: 'B2' }), upsert('c', { Name: 'C' })]));
    expect(rawRows(stores.path()).map((row: any) => [row._key, row._seq])).toEqual([['a', 1], ['b', 2], ['c', 2]]);
    // An empty commit (a page with no changes) still advances the sequence.
    await store.commit(batch(runId, cycle, contacts, []));
    const next = await store.openCycle('crm.other', 'replace');
    expect(next.startSeq).toBe(3);
  });

  it('deletes rows and counts only the ones that existed', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' }), upsert('b', { Name: 'B' })]));
    const deletes: Change[] = [{ type: 'delete', key: 'a' }, { type: 'delete', key: 'missing' }];
    expect(await store.commit(batch(runId, cycle, contacts, deletes))).toEqual({ upserted: 0, deleted: 1, stale: 0 });
    expect((await store.readRows(contacts)).rows.map((row) => row._key)).toEqual(['b']);
    expect(await store.getRun(runId)).toMatchObject({ upserted: 2, deleted: 1 });
  });

  it('writes the checkpoint with the rows', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { partition: 'eu', nextState: { cursor: 'x', n: null } }));
    expect(await store.getCheckpoint('crm.sync', 'eu')).toMatchObject({
      sync: 'crm.sync', partition: 'eu', state: { cursor: 'x', n: null }, cycle: cycle.id, doneInCycle: null,
    });
    await store.commit(batch(runId, cycle, contacts, [], { partition: 'eu', nextState: undefined, partitionDone: true }));
    const checkpoint = await store.getCheckpoint('crm.sync', 'eu');
    expect(checkpoint).toMatchObject({ state: undefined, cycle: cycle.id, doneInCycle: cycle.id });
    expect(Number.isNaN(Date.parse(checkpoint!.updatedAt))).toBe(false);
  });

  it('rejects a property the database does not define, naming it', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await expect(store.commit(batch(runId, cycle, contacts, [upsert('a', { Nmae: 'A' })]))).rejects.toThrow(
      'Database "crm.contacts", row "a": property "Nmae" is not defined in the database',
    );
  });

  describe('is atomic: a failure anywhere leaves rows, checkpoint, run counters and failures unchanged', () => {
    const failures: [string, (good: Change[]) => Change[], object, string][] = [
      [
        'a value of an impossible type mid-batch',
        (good) => [good[0], upsert('bad', { Name: 'B', Age: 'forty' }), good[1]],
        {},
        'Database "crm.contacts", row "bad": property "Age" (number) expects a finite number or null, got a string',
      ],
      ['a NaN number', (good) => [...good, upsert('bad', { Age: Number.NaN })], {}, 'property "Age" (number) expects a finite number or null, got NaN'],
      ['a state that is not JSON', (good) => good, { nextState: { big: 10n } }, 'Sync "crm.sync", partition "": the next state cannot be saved as JSON'],
      ['a malformed failed record', (good) => good, { failed: [{ key: 1, reason: 'x' }] }, 'Run 1: a failed record needs a string reason and a string or null key'],
      ['an unknown run', (good) => good, { runId: 99 }, 'Run 99 does not exist'],
    ];

    it.each(failures)('%s', async (_, changes, overrides, message) => {
      const store = stores.open();
      const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
      const first = [upsert('a', { Name: 'A', Age: 1 }), upsert('b', { Name: 'B', Age: 2 })];
      await store.commit(batch(runId, cycle, contacts, first, { nextState: { page: 1 }, requests: 1, failed: [{ key: 'x', reason: 'bad date' }] }));
      const before = {
        rows: rawRows(stores.path()),
        checkpoints: await store.listCheckpoints(),
        run: await store.getRun(runId),
        failures: await store.listFailures(runId),
      };

      const good = [upsert('a', { Name: 'A2', Age: 10 }), { type: 'delete', key: 'b' } as Change, upsert('c', { Name: 'C' })];
      await expect(
        store.commit(batch(runId, cycle, contacts, changes(good), { nextState: { page: 2 }, requests: 5, retries: 1, partitionDone: true, ...overrides })),
      ).rejects.toThrow(message);

      expect({
        rows: rawRows(stores.path()),
        checkpoints: await store.listCheckpoints(),
        run: await store.getRun(runId),
        failures: await store.listFailures(runId),
      }).toEqual(before);
      // The write sequence did not move either.
      expect((await store.openCycle('crm.next', 'replace')).startSeq).toBe(1);
    });
  });

  it('refuses to commit into a cycle that was closed', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.openCycle('crm.sync', 'replace', { fresh: true });
    await expect(store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })]))).rejects.toThrow(
      `Sync "crm.sync": cycle ${cycle.id} is no longer open (it was closed, or reset by --full or reset)`,
    );
    expect((await store.readRows(contacts)).total).toBe(0);
  });

  it('writes batches of 100 rows in well under a millisecond per row', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.ensureDatabase(contacts);
    const started = performance.now();
    for (let page = 0; page < 30; page++) {
      const changes = Array.from({ length: 100 }, (_, i) => upsert(`k${page * 100 + i}`, { Name: `N${i}`, Age: i, VIP: i % 2 === 0 }));
      await store.commit(batch(runId, cycle, contacts, changes, { nextState: { page } }));
    }
    const perRow = (performance.now() - started) / 3000;
    expect((await store.readRows(contacts, { limit: 1 })).total).toBe(3000);
    expect(perRow).toBeLessThan(0.25);
  });
});

describe('readRows', () => {
  it('pages by key with a total', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.commit(batch(runId, cycle, contacts, ['d', 'b', 'a', 'c'].map((key) => upsert(key, { Name: key }))));
    const page = await store.readRows(contacts, { limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(page.rows.map((row) => row._key)).toEqual(['b', 'c']);
  });

  it('rejects a negative limit', async () => {
    await expect(stores.open().readRows(contacts, { limit: -1 })).rejects.toThrow('readRows: limit must be a non-negative integer, got -1');
  });
});
