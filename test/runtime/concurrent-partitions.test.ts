/**
 * partitionConcurrency in the runtime loop, with hand-written syncs whose pages finish when the
 * test says so: how many partitions overlap, that each keeps its own checkpoint and request count,
 * and what a failure leaves behind while others are mid-page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defineDatabase, defineSync, openStore, runCycle, type Store } from '../../engine/index.js';
import type { ExecuteContext, SyncDefinition } from '../../engine/core/types.js';
import { tempDir } from '../support/project.js';

const database = defineDatabase('items', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } });
const stores: Store[] = [];

async function store(): Promise<Store> {
  const opened = await openStore({ type: 'sqlite', path: join(tempDir(), 'partitions.db') });
  stores.push(opened);
  return opened;
}

afterEach(async () => {
  for (const opened of stores.splice(0)) await opened.close();
});

const upsert = (key: string) => ({ type: 'upsert' as const, key, properties: { Name: `Item ${key}`, ID: key } });
const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

interface Page {
  partition: string;
  page: number;
}

/**
 * An incremental sync over partitions with `pages` pages of 2 items each. Each page counts one
 * request and takes a few ms; `onPage` may hold it longer or throw. Its state is the partition's
 * own: { partition, page } — a checkpoint holding another partition's name would be a mix-up.
 */
function partitioned(keys: string[], pages: number, concurrency: number | undefined, onPage: (page: Page) => Promise<void> = tick) {
  const calls: (Page & { state: unknown })[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sync: SyncDefinition<{ partition: string; page: number }> = defineSync<{ partition: string; page: number }>({
    name: 'items', database, mode: 'incremental',
    partitions: async () => keys.map((key) => ({ key, value: key })),
    execute: async (state, ctx: ExecuteContext) => {
      const partition = ctx.partition.key;
      const page = state?.page ?? 1;
      calls.push({ partition, page, state });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        ctx.metrics.requests++;
        await onPage({ partition, page });
      } finally {
        inFlight--;
      }
      const changes = [upsert(`${partition}-${page}a`), upsert(`${partition}-${page}b`)];
      return { changes, hasMore: page < pages, nextState: { partition, page: page + 1 } };
    },
  });
  if (concurrency !== undefined) sync.partitionConcurrency = concurrency;
  return { sync, calls, maxInFlight: () => maxInFlight };
}

async function checkpointsOf(db: Store) {
  const checkpoints = await db.listCheckpoints('items');
  return Object.fromEntries(checkpoints.map((c) => [c.partition, { state: c.state, done: c.doneInCycle !== null }]));
}

describe('partitionConcurrency', () => {
  it('runs up to N partitions at once, each from and to its own checkpoint', async () => {
    const db = await store();
    const run = partitioned(['p1', 'p2', 'p3', 'p4', 'p5'], 3, 3);
    const summary = await runCycle(run.sync, { store: db });
    expect(summary).toMatchObject({ status: 'completed', upserted: 30, requests: 15 });
    expect(run.maxInFlight()).toBe(3);
    expect(await checkpointsOf(db)).toEqual(Object.fromEntries(['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => [p, { state: { partition: p, page: 4 }, done: true }])));
    // Every call got its own partition's state back.
    expect(run.calls.filter((call) => call.state !== undefined && (call.state as Page).partition !== call.partition)).toEqual([]);
    expect(await db.getRun(summary.runId!)).toMatchObject({ status: 'completed', upserted: 30, requests: 15 });
  });

  it('fails a run whose partitionConcurrency is not a whole number of at least 1', async () => {
    const db = await store();
    const run = partitioned(['p1'], 1, 0);
    expect(await runCycle(run.sync, { store: db })).toMatchObject({
      status: 'failed', error: 'items: partitionConcurrency must be a whole number of at least 1, got 0',
    });
    expect(run.calls).toEqual([]);
  });

  it('one at a time by default', async () => {
    const db = await store();
    const run = partitioned(['p1', 'p2', 'p3'], 2, undefined);
    expect(await runCycle(run.sync, { store: db })).toMatchObject({ status: 'completed', upserted: 12 });
    expect(run.maxInFlight()).toBe(1);
    expect(run.calls.map((call) => `${call.partition}/${call.page}`)).toEqual(['p1/1', 'p1/2', 'p2/1', 'p2/2', 'p3/1', 'p3/2']);
  });

  it('a failure starts no more partitions; the running ones commit their page and stop; the cycle resumes', async () => {
    const db = await store();
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    let failing = true;
    const run = partitioned(['p1', 'p2', 'p3', 'p4'], 3, 2, async ({ partition, page }) => {
      await tick();
      if (!failing) return;
      if (partition === 'p2' && page === 2) {
        failed();
        throw new Error('p2: GET /items?page=2 answered 404 Not Found');
      }
      // p1 is in the middle of its second page when p2 fails; it finishes and commits that page.
      if (partition === 'p1' && page === 2) await failure;
    });
    const summary = await runCycle(run.sync, { store: db });
    expect(summary).toMatchObject({ status: 'failed', error: 'p2: GET /items?page=2 answered 404 Not Found', swept: 0, upserted: 6, requests: 4 });
    expect(run.calls.map((call) => `${call.partition}/${call.page}`).sort()).toEqual(['p1/1', 'p1/2', 'p2/1', 'p2/2']);
    expect(await checkpointsOf(db)).toEqual({
      p1: { state: { partition: 'p1', page: 3 }, done: false },
      p2: { state: { partition: 'p2', page: 2 }, done: false },
    });
    expect((await db.readRows(database)).rows.map((row) => row._key)).toEqual(['p1-1a', 'p1-1b', 'p1-2a', 'p1-2b', 'p2-1a', 'p2-1b']);

    failing = false;
    run.calls.length = 0;
    expect(await runCycle(run.sync, { store: db })).toMatchObject({ status: 'completed', upserted: 18 });
    // Each partition resumed at its own checkpoint: nothing committed was executed again.
    const firstCalls = Object.fromEntries(['p1', 'p2', 'p3', 'p4'].map((p) => [p, run.calls.find((call) => call.partition === p)!.page]));
    expect(firstCalls).toEqual({ p1: 3, p2: 2, p3: 1, p4: 1 });
    expect((await db.readRows(database)).total).toBe(24);
  });
});
