import { describe, expect, it } from 'vitest';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();

const keys = async (store: ReturnType<typeof stores.open>) => (await store.readRows(contacts)).rows.map((row) => row._key);

/** An incremental sync that has run one ordinary cycle: rows a, b, c and a cursor. */
async function deltaWithCursor(store: ReturnType<typeof stores.open>) {
  const { runId, cycle } = await begin(store, 'crm.delta', 'incremental');
  await store.commit(batch(runId, cycle, contacts, ['a', 'b', 'c'].map((key) => upsert(key, { Name: key })), { nextState: { cursor: 1 }, partitionDone: true }));
  await store.closeCycle(cycle, contacts);
  return cycle;
}

describe('full cycles', () => {
  it.each([
    ['replace', 'replace', {}, true],
    ['replace, even asked not to be full', 'replace', { full: false }, true],
    ['incremental', 'incremental', {}, false],
    ['incremental with full', 'incremental', { full: true }, true],
    ['incremental with fresh only', 'incremental', { fresh: true }, false],
  ] as const)('a new %s cycle is full: %s', async (_, mode, options, full) => {
    const cycle = await stores.open().openCycle('crm.sync', mode, options);
    expect(cycle).toMatchObject({ mode, full, resumed: false });
  });

  it('flags a resumed cycle, which keeps being what it was whatever `full` asks', async () => {
    const store = stores.open();
    const started = await store.openCycle('crm.sync', 'incremental', { full: true });
    expect(await store.openCycle('crm.sync', 'incremental')).toEqual({ ...started, resumed: true });
    expect(await stores.open().openCycle('crm.sync', 'incremental', { full: false })).toEqual({ ...started, resumed: true });

    const plain = await store.openCycle('crm.other', 'incremental');
    expect(await store.openCycle('crm.other', 'incremental', { full: true })).toEqual({ ...plain, resumed: true });
  });

  it('starts a full incremental cycle without checkpoints, sweeps what it did not see, and keeps its final cursor', async () => {
    const store = stores.open();
    await deltaWithCursor(store);
    const full = await store.openCycle('crm.delta', 'incremental', { full: true });
    expect(full).toMatchObject({ full: true, startSeq: 1 });
    expect(await store.listCheckpoints('crm.delta')).toEqual([]);

    const runId = await store.startRun('crm.delta');
    await store.commit(batch(runId, full, contacts, [upsert('a', { Name: 'a' })], { nextState: { cursor: 0, page: 2 } }));
    await store.commit(batch(runId, full, contacts, [upsert('c', { Name: 'c' })], { nextState: { cursor: 7 }, partitionDone: true }));
    expect(await store.closeCycle(full, contacts)).toBe(1);
    expect(await keys(store)).toEqual(['a', 'c']);
    expect(await store.listCheckpoints('crm.delta')).toMatchObject([{ state: { cursor: 7 }, doneInCycle: full.id }]);

    // The delta continues from there, and its ordinary cycles sweep nothing.
    const next = await store.openCycle('crm.delta', 'incremental');
    expect(next).toMatchObject({ full: false, resumed: false });
    expect(await store.getCheckpoint('crm.delta', '')).toMatchObject({ state: { cursor: 7 } });
    expect(await store.closeCycle(next, contacts)).toBe(0);
    expect(await keys(store)).toEqual(['a', 'c']);
  });

  it('refuses to close a full incremental cycle while a listed partition is unfinished, and drops an unlisted one', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.delta', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [upsert('gone-1', { Name: 'G' })], { partition: 'gone', partitionDone: true }));
    await store.closeCycle(cycle, contacts);

    const full = await store.openCycle('crm.delta', 'incremental', { full: true });
    await store.commit(batch(runId, full, contacts, [upsert('a', { Name: 'A' })], { partition: 'kept', nextState: { cursor: 3 }, partitionDone: true }));
    await store.commit(batch(runId, full, contacts, [], { partition: 'gone', nextState: { cursor: 0, page: 2 } }));
    await expect(store.closeCycle(full, contacts)).rejects.toThrow(
      `Sync "crm.delta": cannot close full cycle ${full.id} while partition(s) "gone" have not finished; sweeping now would delete their rows`,
    );
    expect(await store.closeCycle(full, contacts, ['kept'])).toBe(1);
    expect(await keys(store)).toEqual(['a']);
    expect(await store.listCheckpoints('crm.delta')).toMatchObject([{ partition: 'kept', state: { cursor: 3 } }]);
  });

  it('does not sweep when a full cycle is abandoned by fresh', async () => {
    const store = stores.open();
    await deltaWithCursor(store);
    const full = await store.openCycle('crm.delta', 'incremental', { full: true });
    const again = await store.openCycle('crm.delta', 'incremental', { fresh: true, full: true });
    expect(again.id).toBeGreaterThan(full.id);
    expect(await store.closeCycle(full, contacts)).toBe(0);
    expect(await keys(store)).toEqual(['a', 'b', 'c']);
  });
});

describe('lastFullCycleAt', () => {
  it('is undefined for a sync that never ran', async () => {
    expect(await stores.open().lastFullCycleAt('crm.delta')).toBeUndefined();
  });

  it('is the start of the first cycle while the sync never closed a full one', async () => {
    const store = stores.open();
    const first = await deltaWithCursor(store);
    const second = await begin(store, 'crm.delta', 'incremental');
    await store.closeCycle(second.cycle, contacts);
    // A full cycle that is still open, or was abandoned, does not count.
    const abandoned = await store.openCycle('crm.delta', 'incremental', { full: true });
    await store.openCycle('crm.delta', 'incremental', { fresh: true, full: true });
    await store.resetState('crm.delta');
    expect(await store.lastFullCycleAt('crm.delta')).toBe(first.startedAt);
    expect(abandoned.full).toBe(true);
  });

  it('is when the last full cycle closed, for incremental and replace syncs alike', async () => {
    const store = stores.open();
    await deltaWithCursor(store);
    for (const [sync, mode, options] of [['crm.delta', 'incremental', { full: true }], ['crm.backfill', 'replace', {}]] as const) {
      const runId = await store.startRun(sync);
      const cycle = await store.openCycle(sync, mode, options);
      await store.commit(batch(runId, cycle, contacts, [], { partitionDone: true }));
      const before = new Date().toISOString();
      await store.closeCycle(cycle, contacts);
      const closedAt = await store.lastFullCycleAt(sync);
      expect(closedAt! >= before && closedAt! <= new Date().toISOString()).toBe(true);

      // Later ordinary or abandoned cycles do not move it.
      if (mode === 'incremental') {
        const plain = await store.openCycle(sync, mode);
        await store.closeCycle(plain, contacts);
      }
      await store.openCycle(sync, mode, { ...options, fresh: true });
      await store.resetState(sync);
      expect(await store.lastFullCycleAt(sync)).toBe(closedAt);
    }
  });
});
