import { describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../engine/store/sqlite/index.js';
import { batch, begin, contacts, useStores } from './fixture.js';

const stores = useStores();

const snapshot = { after: 'evt_100', at: '2024-05-01T00:00:00Z' };

describe('anchors', () => {
  it('keeps the first snapshot of a delta: a later one is not stored', async () => {
    const store = stores.open();
    expect(await store.getAnchor('crm.events')).toBeUndefined();
    expect(await store.setAnchor('crm.events', snapshot)).toBe(true);
    expect(await store.setAnchor('crm.events', { after: 'evt_200' })).toBe(false);
    expect(await stores.open().getAnchor('crm.events')).toEqual(snapshot);
    // Another delta has its own, and JSON values other than objects survive too.
    expect(await store.setAnchor('crm.other', null)).toBe(true);
    expect(await store.getAnchor('crm.other')).toBeNull();
  });

  it('refuses a snapshot that cannot be saved as JSON, naming the sync', async () => {
    const store = stores.open();
    await expect(store.setAnchor('crm.events', undefined)).rejects.toThrow(
      'Sync "crm.events": the anchor state cannot be saved as JSON (it is undefined)',
    );
    await expect(store.setAnchor('crm.events', () => 1)).rejects.toThrow('Sync "crm.events": the anchor state cannot be saved as JSON (it is a function)');
    await expect(store.setAnchor('crm.events', { big: 10n })).rejects.toThrow(
      'Sync "crm.events": the anchor state cannot be saved as JSON: Do not know how to serialize a BigInt',
    );
    expect(await store.getAnchor('crm.events')).toBeUndefined();
  });

  const droppedBy: [string, (store: SqliteStore) => Promise<unknown>][] = [
    ['resetState of the sync', (store) => store.resetState('crm.events')],
    ['resetState of all syncs', (store) => store.resetState()],
    ['a fresh cycle', (store) => store.openCycle('crm.events', 'incremental', { fresh: true })],
    ['a new full cycle', (store) => store.openCycle('crm.events', 'incremental', { full: true })],
    [
      'the first checkpoint the delta commits',
      async (store) => {
        const { runId, cycle } = await begin(store, 'crm.events', 'incremental');
        await store.commit(batch(runId, cycle, contacts, [], { nextState: snapshot }));
      },
    ],
  ];

  it.each(droppedBy)('is dropped by %s', async (_, drop) => {
    const store = stores.open();
    await store.setAnchor('crm.events', snapshot);
    await store.setAnchor('crm.other', snapshot);
    await drop(store);
    expect(await store.getAnchor('crm.events')).toBeUndefined();
    expect(await store.setAnchor('crm.events', { after: 'evt_300' })).toBe(true);
  });

  it('outlives an ordinary cycle that commits nothing, and other syncs’ commits and cycles', async () => {
    const store = stores.open();
    await store.setAnchor('crm.events', snapshot);
    await store.openCycle('crm.events', 'incremental');
    const backfill = await begin(store, 'crm.backfill', 'replace');
    await store.commit(batch(backfill.runId, backfill.cycle, contacts, [], { partitionDone: true }));
    await store.closeCycle(backfill.cycle, contacts);
    await store.resetState('crm.backfill');
    expect(await store.getAnchor('crm.events')).toEqual(snapshot);
  });
});
