import { describe, expect, it } from 'vitest';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();

describe('runs', () => {
  it('adds each commit’s counters and failures to its run, and finishes it', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    expect(await store.getRun(runId)).toMatchObject({
      id: runId, sync: 'crm.sync', status: 'running', endedAt: null, upserted: 0, deleted: 0, failed: 0, requests: 0, retries: 0, error: null,
    });
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' }), upsert('b', { Name: 'B' })], {
      requests: 3, retries: 1, failed: [{ key: 'x', reason: 'Age: not a number' }],
    }));
    await store.commit(batch(runId, cycle, contacts, [{ type: 'delete', key: 'a' }], {
      requests: 1, failed: [{ key: null, reason: 'record without id' }], partitionDone: true,
    }));
    const swept = await store.closeCycle(cycle, contacts);
    await store.finishRun(runId, { status: 'completed', deleted: swept });

    const run = await store.getRun(runId);
    expect(run).toMatchObject({ status: 'completed', upserted: 2, deleted: 1, failed: 2, requests: 4, retries: 1, error: null });
    expect(run!.endedAt! >= run!.startedAt).toBe(true);
    expect(await store.listFailures(runId)).toEqual([
      { key: 'x', reason: 'Age: not a number' },
      { key: null, reason: 'record without id' },
    ]);
  });

  it('records a failed run’s error and the rows its sweep deleted', async () => {
    const store = stores.open();
    const runId = await store.startRun('crm.sync');
    await store.finishRun(runId, { status: 'failed', error: 'GET https://api.example.com/contacts?token=*** answered 500', deleted: 3 });
    expect(await store.getRun(runId)).toMatchObject({ status: 'failed', deleted: 3, error: 'GET https://api.example.com/contacts?token=*** answered 500' });
  });

  it('lists runs newest first, by sync, with a limit', async () => {
    const store = stores.open();
    const ids = [];
    for (const sync of ['a.one', 'a.two', 'a.one', 'a.one']) ids.push(await store.startRun(sync));
    expect((await store.listRuns()).map((run) => run.id)).toEqual([...ids].reverse());
    expect((await store.listRuns({ sync: 'a.one', limit: 2 })).map((run) => run.id)).toEqual([ids[3], ids[2]]);
    expect(await store.listRuns({ sync: 'a.none' })).toEqual([]);
    expect(await store.getRun(999)).toBeUndefined();
  });

  it.each([
    [{ status: 'running' as const }, 'Run 1: cannot finish with status "running"; use one of completed, failed, cancelled'],
    [{ status: 'completed' as const, deleted: -1 }, 'Run 1: deleted must be a non-negative integer, got -1'],
  ])('refuses to finish with %j', async (outcome, message) => {
    const store = stores.open();
    const runId = await store.startRun('crm.sync');
    await expect(store.finishRun(runId, outcome)).rejects.toThrow(message);
    expect(await store.getRun(runId)).toMatchObject({ status: 'running' });
  });

  it('refuses to finish an unknown run', async () => {
    await expect(stores.open().finishRun(7, { status: 'cancelled' })).rejects.toThrow('Run 7 does not exist');
  });

  it('refuses a commit whose run belongs to another sync', async () => {
    const store = stores.open();
    const runId = await store.startRun('crm.other');
    const cycle = await store.openCycle('crm.sync', 'replace');
    await expect(store.commit(batch(runId, cycle, contacts, []))).rejects.toThrow(`Run ${runId} belongs to sync "crm.other", not "crm.sync"`);
  });
});
