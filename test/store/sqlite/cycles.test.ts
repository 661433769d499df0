import { describe, expect, it } from 'vitest';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();

const keys = async (store: ReturnType<typeof stores.open>) => (await store.readRows(contacts)).rows.map((row) => row._key);

describe('cycles', () => {
  it('resumes the open cycle of a sync', async () => {
    const store = stores.open();
    const cycle = await store.openCycle('crm.sync', 'replace');
    expect(cycle).toMatchObject({ sync: 'crm.sync', mode: 'replace', startSeq: 0, full: true, resumed: false });
    // An interrupted cycle resumes with its checkpoints; another process sees the same open cycle.
    const runId = await store.startRun('crm.sync');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { nextState: { page: 2 } }));
    const elsewhere = stores.open();
    expect(await elsewhere.openCycle('crm.sync', 'replace')).toEqual({ ...cycle, resumed: true });
    expect(await elsewhere.getCheckpoint('crm.sync', '')).toMatchObject({ state: { page: 2 }, cycle: cycle.id, doneInCycle: null });
  });

  it('starts over with fresh: the open cycle closes without sweeping and the checkpoints go', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { nextState: { cursor: 1 }, partitionDone: true }));
    const fresh = await store.openCycle('crm.sync', 'incremental', { fresh: true });
    expect(fresh.id).toBeGreaterThan(cycle.id);
    expect(fresh.startSeq).toBe(1);
    expect(await store.listCheckpoints('crm.sync')).toEqual([]);
    expect(await keys(store)).toEqual(['a']);
    expect(await store.closeCycle(cycle, contacts)).toBe(0);
  });

  it('sweeps in replace mode exactly the rows the cycle did not write, and drops its checkpoints', async () => {
    const store = stores.open();
    const first = await begin(store, 'crm.sync');
    await store.commit(batch(first.runId, first.cycle, contacts, ['a', 'b', 'c', 'd'].map((key) => upsert(key, { Name: key })), { partitionDone: true }));
    expect(await store.closeCycle(first.cycle, contacts)).toBe(0);

    const second = await begin(store, 'crm.sync');
    expect(second.cycle.startSeq).toBe(1);
    await store.commit(batch(second.runId, second.cycle, contacts, [upsert('b', { Name: 'b' })], { partition: 'p1', nextState: { page: 2 } }));
    await store.commit(batch(second.runId, second.cycle, contacts, [upsert('d', { Age: 4 }), upsert('e', { Name: 'e' })], { partition: 'p1', partitionDone: true }));
    await store.commit(batch(second.runId, second.cycle, contacts, [], { partition: 'p2', partitionDone: true }));
    expect(await store.closeCycle(second.cycle, contacts)).toBe(2);
    expect(await keys(store)).toEqual(['b', 'd', 'e']);
    expect(await store.listCheckpoints('crm.sync')).toEqual([]);
    // Closing again is a no-op.
    expect(await store.closeCycle(second.cycle, contacts)).toBe(0);
  });

  it('does not sweep a row another sync wrote after the cycle began', async () => {
    const store = stores.open();
    const seed = await begin(store, 'crm.full');
    await store.commit(batch(seed.runId, seed.cycle, contacts, ['a', 'b', 'c'].map((key) => upsert(key, { Name: key })), { partitionDone: true }));
    await store.closeCycle(seed.cycle, contacts);

    const full = await begin(store, 'crm.full');
    // A delta sync in another process writes to the same database while the full cycle runs.
    const other = stores.open();
    const delta = await begin(other, 'crm.delta', 'incremental');
    await other.commit(batch(delta.runId, delta.cycle, contacts, [upsert('c', { Age: 3 }), upsert('x', { Name: 'x' })], { partitionDone: true }));

    await store.commit(batch(full.runId, full.cycle, contacts, [upsert('a', { Name: 'a' })], { partitionDone: true }));
    expect(await store.closeCycle(full.cycle, contacts)).toBe(1);
    expect(await keys(store)).toEqual(['a', 'c', 'x']);
    // The delta's checkpoint is untouched by the full sync's close.
    expect(await store.listCheckpoints()).toMatchObject([{ sync: 'crm.delta', doneInCycle: delta.cycle.id }]);
  });

  it('keeps the checkpoints when closing an incremental cycle, and never sweeps', async () => {
    const store = stores.open();
    const seed = await begin(store, 'crm.seed');
    await store.commit(batch(seed.runId, seed.cycle, contacts, [upsert('old', { Name: 'old' })], { partitionDone: true }));

    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { nextState: { cursor: '2024-01-01' }, partitionDone: true }));
    expect(await store.closeCycle(cycle, contacts)).toBe(0);
    expect(await keys(store)).toEqual(['a', 'old']);
    expect(await store.listCheckpoints('crm.sync')).toMatchObject([{ state: { cursor: '2024-01-01' }, cycle: cycle.id, doneInCycle: cycle.id }]);

    // The next incremental cycle starts from that cursor.
    const next = await store.openCycle('crm.sync', 'incremental');
    expect(next.id).not.toBe(cycle.id);
    expect(await store.getCheckpoint('crm.sync', '')).toMatchObject({ state: { cursor: '2024-01-01' } });
  });

  it('refuses to sweep while a partition of a replace cycle has not finished', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { partition: 'done', partitionDone: true }));
    await store.commit(batch(runId, cycle, contacts, [], { partition: 'half', nextState: { page: 2 } }));
    await expect(store.closeCycle(cycle, contacts)).rejects.toThrow(
      `Sync "crm.sync": cannot close replace cycle ${cycle.id} while partition(s) "half" have not finished; sweeping now would delete their rows`,
    );
    expect(await store.openCycle('crm.sync', 'replace')).toEqual({ ...cycle, resumed: true });
  });

  it('drops an unfinished partition that the cycle no longer lists, and sweeps its rows', async () => {
    const store = stores.open();
    const seed = await begin(store, 'crm.sync');
    await store.commit(batch(seed.runId, seed.cycle, contacts, [upsert('gone-1', { Name: 'G' })], { partition: 'gone', partitionDone: true }));
    await store.closeCycle(seed.cycle, contacts);
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { partition: 'kept', partitionDone: true }));
    await store.commit(batch(runId, cycle, contacts, [], { partition: 'gone', nextState: { page: 2 } }));
    // The parent record behind partition 'gone' was deleted before the cycle resumed.
    expect(await store.closeCycle(cycle, contacts, ['kept'])).toBe(1);
    expect(await keys(store)).toEqual(['a']);
    expect(await store.listCheckpoints('crm.sync')).toEqual([]);
  });

  it('starts without checkpoints when the mode changes', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync', 'incremental');
    await store.commit(batch(runId, cycle, contacts, [], { nextState: { cursor: 5 } }));
    const replace = await store.openCycle('crm.sync', 'replace');
    expect(replace.id).not.toBe(cycle.id);
    expect(await store.listCheckpoints()).toEqual([]);
  });

  it('resetState forgets checkpoints and open cycles of one sync or all, and keeps rows', async () => {
    const store = stores.open();
    const one = await begin(store, 'crm.one', 'incremental');
    const two = await begin(store, 'crm.two', 'incremental');
    await store.commit(batch(one.runId, one.cycle, contacts, [upsert('a', { Name: 'A' })], { nextState: 1 }));
    await store.commit(batch(two.runId, two.cycle, contacts, [], { nextState: 2 }));

    await store.resetState('crm.one');
    expect((await store.listCheckpoints()).map((checkpoint) => checkpoint.sync)).toEqual(['crm.two']);
    expect((await store.openCycle('crm.one', 'incremental')).id).not.toBe(one.cycle.id);
    expect(await store.openCycle('crm.two', 'incremental')).toEqual({ ...two.cycle, resumed: true });

    await store.resetState();
    expect(await store.listCheckpoints()).toEqual([]);
    expect((await store.openCycle('crm.two', 'incremental')).id).not.toBe(two.cycle.id);
    expect(await keys(store)).toEqual(['a']);
  });
});
