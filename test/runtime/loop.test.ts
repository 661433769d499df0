/**
 * The runtime loop's own guarantees, driven through the library entry with hand-written syncs:
 * each result commits with its state, guards stop runaway syncs, failures leave state at the last
 * committed page, and a cancelled run stops between pages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ResyncRequired, defineDatabase, defineSync, openStore, runCycle, type Store } from '../../engine/index.js';
import type { ExecuteResult } from '../../engine/core/types.js';
import { tempDir } from '../support/project.js';

const database = defineDatabase('items', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } });
const stores: Store[] = [];

async function store(): Promise<Store> {
  const opened = await openStore({ type: 'sqlite', path: join(tempDir(), 'loop.db') });
  stores.push(opened);
  return opened;
}

afterEach(async () => {
  for (const opened of stores.splice(0)) await opened.close();
});

const upsert = (key: string) => ({ type: 'upsert' as const, key, properties: { Name: `Item ${key}`, ID: key } });

/** A sync over `pages` pages of `size` items, stateful only through its state. */
function paged(pages: number, size: number, extra: Partial<Parameters<typeof defineSync<{ page: number }>>[0]> = {}) {
  return defineSync<{ page: number }>({
    name: 'items', database,
    execute: async (state) => {
      const page = state?.page ?? 1;
      const changes = Array.from({ length: size }, (_, i) => upsert(`${page}-${i}`));
      return { changes, hasMore: page < pages, nextState: page < pages ? { page: page + 1 } : undefined };
    },
    ...extra,
  });
}

describe('runCycle', () => {
  it('runs a hand-written sync to the end and records the run', async () => {
    const db = await store();
    const summary = await runCycle(paged(3, 4), { store: db });
    expect(summary).toMatchObject({ status: 'completed', upserted: 12, deleted: 0, failed: 0, error: null });
    expect((await db.readRows(database)).total).toBe(12);
    expect(await db.getRun(summary.runId)).toMatchObject({ status: 'completed', upserted: 12 });
    expect(await db.listCheckpoints('items')).toEqual([]);
  });

  it('sweeps in replace mode what the cycle did not write', async () => {
    const db = await store();
    await runCycle(paged(3, 4), { store: db });
    const summary = await runCycle(paged(2, 4), { store: db });
    expect(summary).toMatchObject({ status: 'completed', upserted: 8, swept: 4, deleted: 4 });
    expect((await db.readRows(database)).rows.map((row) => row._key)).not.toContain('3-0');
  });

  it('fails a sync whose state does not advance, keeping what it committed', async () => {
    const db = await store();
    let calls = 0;
    const stuck = defineSync<{ token: string }>({
      name: 'items', database,
      execute: async () => {
        calls += 1;
        return { changes: [upsert(`k${calls}`)], hasMore: true, nextState: { token: 'same' } };
      },
    });
    const summary = await runCycle(stuck, { store: db });
    expect(summary.status).toBe('failed');
    expect(summary.error).toBe('items: hasMore is true but nextState did not change ({"token":"same"}); the sync would loop forever');
    expect(calls).toBe(2);
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['k1']);
    expect(await db.getCheckpoint('items', '')).toMatchObject({ state: { token: 'same' }, doneInCycle: null });
  });

  it('rejects a result larger than maxChangesPerCommit', async () => {
    const db = await store();
    const summary = await runCycle(paged(1, 5, { maxChangesPerCommit: 4 }), { store: db });
    expect(summary.error).toBe('items: execute returned 5 changes; at most 4 per call (maxChangesPerCommit)');
    expect((await db.readRows(database)).total).toBe(0);
  });

  it('rejects changes without a key', async () => {
    const db = await store();
    const keyless = defineSync({
      name: 'items', database,
      execute: async (): Promise<ExecuteResult> => ({ changes: [{ type: 'upsert', key: '', properties: {} }], hasMore: false, nextState: undefined }),
    });
    expect((await runCycle(keyless, { store: db })).error).toBe('items: a upsert change has no key');
  });

  it('never sweeps after a failed cycle, and resumes it at the last committed page', async () => {
    const db = await store();
    await runCycle(paged(3, 2), { store: db });
    let failOnPage: number | undefined = 2;
    const pagesSeen: number[] = [];
    const flaky = defineSync<{ page: number }>({
      name: 'items', database,
      execute: async (state) => {
        const page = state?.page ?? 1;
        pagesSeen.push(page);
        if (page === failOnPage) throw new Error('source went away');
        return { changes: [upsert(`new-${page}`)], hasMore: page < 3, nextState: page < 3 ? { page: page + 1 } : undefined };
      },
    });
    const failed = await runCycle(flaky, { store: db });
    expect(failed).toMatchObject({ status: 'failed', error: 'source went away', swept: 0 });
    expect((await db.readRows(database)).total).toBe(7);

    failOnPage = undefined;
    const resumed = await runCycle(flaky, { store: db });
    expect(pagesSeen).toEqual([1, 2, 2, 3]);
    expect(resumed).toMatchObject({ status: 'completed', upserted: 2, swept: 6 });
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['new-1', 'new-2', 'new-3']);
  });

  it('stops between pages when cancelled and records the run as cancelled', async () => {
    const db = await store();
    const controller = new AbortController();
    const sync = defineSync<{ page: number }>({
      name: 'items', database,
      execute: async (state) => {
        const page = state?.page ?? 1;
        if (page === 2) controller.abort();
        return { changes: [upsert(`p${page}`)], hasMore: true, nextState: { page: page + 1 } };
      },
    });
    const summary = await runCycle(sync, { store: db, signal: controller.signal });
    expect(summary.status).toBe('cancelled');
    // The page in flight when the signal came was committed; nothing after it ran.
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['p1', 'p2']);
    expect(await db.getRun(summary.runId)).toMatchObject({ status: 'cancelled' });
  });

  it('runs every partition with its own checkpoint and skips finished ones on resume', async () => {
    const db = await store();
    const calls: string[] = [];
    let failing = 'b';
    const sync = defineSync<{ page: number }>({
      name: 'items', database,
      partitions: async () => ['a', 'b', 'c'].map((key) => ({ key, value: key })),
      execute: async (state, ctx) => {
        const page = state?.page ?? 1;
        calls.push(`${ctx.partition.key}${page}`);
        if (ctx.partition.key === failing && page === 2) throw new Error('boom');
        return { changes: [upsert(`${ctx.partition.key}${page}`)], hasMore: page < 2, nextState: page < 2 ? { page: 2 } : undefined };
      },
    });
    expect((await runCycle(sync, { store: db })).status).toBe('failed');
    failing = '';
    expect((await runCycle(sync, { store: db })).status).toBe('completed');
    expect(calls).toEqual(['a1', 'a2', 'b1', 'b2', 'b2', 'c1', 'c2']);
    expect((await db.readRows(database)).total).toBe(6);
  });
});

describe('full cycles, resyncs and anchors', () => {
  /** An incremental sync over a mutable source: state { cursor } = how many items it has seen. */
  function delta(source: Map<string, number>, seen: { state: unknown; full: boolean }[], extra: Partial<Parameters<typeof defineSync<{ cursor: number }>>[0]> = {}) {
    return defineSync<{ cursor: number }>({
      name: 'delta', database, mode: 'incremental',
      execute: async (state, ctx) => {
        seen.push({ state, full: ctx.full });
        const cursor = state?.cursor ?? 0;
        const changes = [...source].filter(([, at]) => at > cursor).map(([key]) => upsert(key));
        return { changes, hasMore: false, nextState: { cursor: Math.max(cursor, ...source.values()) } };
      },
      ...extra,
    });
  }

  it('runs a full cycle when the last one is older than fullSyncEveryMs, sweeping what the source lost', async () => {
    const db = await store();
    const source = new Map([['a', 1], ['b', 2]]);
    const seen: { state: unknown; full: boolean }[] = [];
    const sync = delta(source, seen, { fullSyncEveryMs: 3_600_000 });
    // The test's clock: `at(ms)` sets it `ms` after the last full cycle the store recorded.
    let now = Date.now();
    const clock = { now: () => now };
    const at = async (ms: number) => {
      now = Date.parse((await db.lastFullCycleAt('delta'))!) + ms;
    };
    expect(await runCycle(sync, { store: db, clock })).toMatchObject({ status: 'completed', full: false, upserted: 2 });
    source.delete('a'); // a delta cannot see this deletion
    await at(3_599_999);
    expect(await runCycle(sync, { store: db, clock })).toMatchObject({ full: false, upserted: 0, swept: 0 });
    await at(3_600_000);
    expect(await runCycle(sync, { store: db, clock })).toMatchObject({ status: 'completed', full: true, upserted: 1, swept: 1 });
    // The full cycle started from scratch; the delta after it continues from where the full cycle ended.
    await at(0);
    expect(await runCycle(sync, { store: db, clock })).toMatchObject({ full: false, upserted: 0 });
    expect(seen).toEqual([
      { state: undefined, full: false },
      { state: { cursor: 2 }, full: false },
      { state: undefined, full: true },
      { state: { cursor: 2 }, full: false },
    ]);
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['b']);
  });

  it('never runs a periodic full cycle with fullSyncEveryMs null', async () => {
    const db = await store();
    const seen: { state: unknown; full: boolean }[] = [];
    const sync = delta(new Map([['a', 1]]), seen);
    await runCycle(sync, { store: db });
    await runCycle(sync, { store: db });
    expect(seen.map((call) => call.full)).toEqual([false, false]);
  });

  it('abandons the cycle and resyncs in full when the delta position expired', async () => {
    const db = await store();
    const source = new Map([['a', 1], ['b', 2]]);
    const seen: { state: unknown; full: boolean }[] = [];
    let expired = false;
    const inner = delta(source, seen);
    const sync = defineSync<{ cursor: number }>({
      name: 'delta', database, mode: 'incremental',
      execute: async (state, ctx) => {
        if (expired && state) throw new ResyncRequired('GET /changes?token=t1: 410 Gone');
        return inner.execute(state, ctx);
      },
    });
    await runCycle(sync, { store: db });
    source.delete('a');
    source.set('c', 3);
    expired = true;
    const summary = await runCycle(sync, { store: db });
    expect(summary).toMatchObject({ status: 'completed', full: true, resynced: true, upserted: 2, swept: 1 });
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['b', 'c']);
    expect(await db.getCheckpoint('delta', '')).toMatchObject({ state: { cursor: 3 } });
  });

  it('fails when a full cycle itself hits an expired position', async () => {
    const db = await store();
    const sync = defineSync({
      name: 'delta', database, mode: 'incremental',
      execute: async () => { throw new ResyncRequired('GET /changes: 410 Gone'); },
    });
    expect(await runCycle(sync, { store: db, full: true })).toMatchObject({ status: 'failed', error: 'GET /changes: 410 Gone', resynced: false });
  });

  it('starts a delta with no position from the anchor its backfill snapshotted', async () => {
    const db = await store();
    const seen: { state: unknown; full: boolean }[] = [];
    let snapshots = 0;
    const backfill = defineSync({
      name: 'backfill', database, mode: 'replace',
      anchor: { sync: 'delta', snapshot: async () => ({ cursor: 40 + ++snapshots }) },
      execute: async () => ({ changes: [upsert('a')], hasMore: false, nextState: undefined }),
    });
    const sync = delta(new Map([['a', 1], ['late', 50]]), seen);
    await runCycle(backfill, { store: db });
    expect(await runCycle(sync, { store: db })).toMatchObject({ upserted: 1 });
    // A second backfill leaves a delta that has its own position alone.
    await runCycle(backfill, { store: db });
    await runCycle(sync, { store: db });
    expect(snapshots).toBe(1);
    expect(seen).toEqual([{ state: { cursor: 41 }, full: false }, { state: { cursor: 50 }, full: false }]);
  });
});

describe('records that fail to map never cost their rows', () => {
  it('a failed record with a key counts as seen: a replace cycle does not sweep its row', async () => {
    const db = await store();
    await runCycle(paged(1, 3), { store: db });
    const failing = defineSync({
      name: 'items', database,
      execute: async () => ({
        changes: [upsert('1-0'), upsert('1-1')],
        failed: [{ key: '1-2', reason: 'Email: invalid email' }],
        hasMore: false, nextState: undefined,
      }),
    });
    expect(await runCycle(failing, { store: db })).toMatchObject({ status: 'completed', failed: 1, swept: 0, notSwept: null });
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['1-0', '1-1', '1-2']);
  });

  it('a full cycle with a record that failed without a key closes without sweeping', async () => {
    const db = await store();
    await runCycle(paged(1, 3), { store: db });
    const keyless = defineSync({
      name: 'items', database,
      execute: async () => ({ changes: [upsert('1-0')], failed: [{ key: null, reason: 'record is "x", not an object' }], hasMore: false, nextState: undefined }),
    });
    const summary = await runCycle(keyless, { store: db });
    expect(summary).toMatchObject({
      status: 'completed', swept: 0,
      notSwept: 'items: not swept — 1 record(s) failed without a key, so rows this cycle did not see may still exist at the source',
    });
    expect((await db.readRows(database)).total).toBe(3);
    // The next clean cycle sweeps as usual.
    expect(await runCycle(paged(1, 1), { store: db })).toMatchObject({ swept: 2, notSwept: null });
  });
});
