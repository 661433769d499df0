/**
 * What a run reports as it goes: events for logs and progress bars, log lines in its history,
 * its trigger, progress where a total is known, and the claim of a run queued by `syncspec trigger`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defineDatabase, defineSync, openStore, runCycle, type Store } from '../../engine/index.js';
import type { ExecuteResult, FailedRecord } from '../../engine/core/types.js';
import type { RunEvent } from '../../engine/runtime/loop.js';
import type { RunLogEntry } from '../../engine/store/store.js';
import { tempDir } from '../support/project.js';

const database = defineDatabase('items', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } });
const stores: Store[] = [];

async function store(): Promise<Store> {
  const opened = await openStore({ type: 'sqlite', path: join(tempDir(), 'events.db') });
  stores.push(opened);
  return opened;
}

afterEach(async () => {
  for (const opened of stores.splice(0)) await opened.close();
});

const upsert = (key: string) => ({ type: 'upsert' as const, key, properties: { Name: `Item ${key}`, ID: key } });

interface PagedOptions {
  /** Failed records of a page, by page number. */
  failed?: Record<number, FailedRecord[]>;
  /** The result's progress on a page, by page number; none by default. */
  progress?: (page: number) => ExecuteResult['progress'];
  /** Throws on this page. */
  failOn?: { page: number; message: string };
  partitions?: string[];
  /** Runs before each page is read. */
  beforePage?: () => Promise<void>;
}

/** `pages` pages of 2 items, each one request; the state is { page }. */
function paged(pages: number, options: PagedOptions = {}) {
  return defineSync<{ page: number }>({
    name: 'items', database,
    partitions: options.partitions && (async () => options.partitions!.map((key) => ({ key, value: key }))),
    execute: async (state, ctx) => {
      const page = state?.page ?? 1;
      await options.beforePage?.();
      ctx.metrics.requests++;
      if (options.failOn?.page === page) throw new Error(options.failOn.message);
      const result: ExecuteResult<{ page: number }> = {
        changes: [upsert(`${ctx.partition.key}${page}a`), upsert(`${ctx.partition.key}${page}b`)],
        failed: options.failed?.[page] ?? [],
        hasMore: page < pages, nextState: page < pages ? { page: page + 1 } : undefined,
      };
      const progress = options.progress?.(page);
      if (progress) result.progress = progress;
      return result;
    },
  });
}

const withoutTime = (entries: RunLogEntry[]): Omit<RunLogEntry, 'at'>[] => entries.map(({ at, ...rest }) => {
  expect(Number.isNaN(Date.parse(at))).toBe(false);
  return rest;
});

describe('run events', () => {
  it('start, one commit per page with the run’s requests so far, and finish with the summary', async () => {
    const db = await store();
    const events: RunEvent[] = [];
    const summary = await runCycle(paged(3, { progress: (page) => ({ done: page * 2, total: 6 }) }), { store: db, onEvent: (event) => events.push(event) });
    const runId = summary.runId!;
    expect(events).toEqual([
      { type: 'start', sync: 'items', runId, full: true, resumed: false },
      { type: 'commit', runId, sync: 'items', partition: '', upserted: 2, deleted: 0, failed: 0, requests: 1, progress: { done: 2, total: 6 } },
      { type: 'commit', runId, sync: 'items', partition: '', upserted: 2, deleted: 0, failed: 0, requests: 2, progress: { done: 4, total: 6 } },
      { type: 'commit', runId, sync: 'items', partition: '', upserted: 2, deleted: 0, failed: 0, requests: 3, progress: { done: 6, total: 6 } },
      { type: 'finish', summary },
    ]);
  });

  it('a skipped run only finishes: nothing started', async () => {
    const db = await store();
    await db.acquireLock('items', { id: 'other', pid: process.pid, host: 'elsewhere' });
    const events: RunEvent[] = [];
    const summary = await runCycle(paged(1), { store: db, onEvent: (event) => events.push(event) });
    expect(summary.status).toBe('skipped');
    expect(events).toEqual([{ type: 'finish', summary }]);
  });
});

describe('run logs', () => {
  it('the start, every commit, failed records (redacted, the first five named) and the end', async () => {
    const db = await store();
    const failed = Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, reason: `Age: "s3cr3t-${i}" is not a number` }));
    const redact = (text: string) => text.replace(/s3cr3t-\d/g, '***');
    const summary = await runCycle(paged(2, { failed: { 2: failed } }), { store: db, redact });
    const logs = withoutTime(await db.listRunLogs(summary.runId!));
    const cycle = (await db.listRuns())[0];
    expect(cycle.status).toBe('completed');
    expect(logs[0]).toEqual({ level: 'info', message: 'cycle 1 started (full)', fields: { cycle: 1, full: true, resumed: false, trigger: 'manual' } });
    expect(logs[1]).toEqual({
      level: 'info', message: 'page committed: 2 upserted, 0 deleted, 0 failed',
      fields: { partition: '', upserted: 2, deleted: 0, failed: 0, requests: 1, retries: 0 },
    });
    expect(logs[2]).toEqual({
      level: 'info', message: 'page committed: 2 upserted, 0 deleted, 7 failed',
      fields: { partition: '', upserted: 2, deleted: 0, failed: 7, requests: 1, retries: 0 },
    });
    expect(logs[3]).toEqual({
      level: 'warn',
      message: '7 record(s) failed: "k0": Age: "***" is not a number; "k1": Age: "***" is not a number; "k2": Age: "***" is not a number; ' +
        '"k3": Age: "***" is not a number; "k4": Age: "***" is not a number; and 2 more',
      fields: { partition: '', failed: failed.slice(0, 5).map((failure) => ({ key: failure.key, reason: 'Age: "***" is not a number' })) },
    });
    expect(logs[4]).toMatchObject({
      level: 'info', fields: { upserted: 4, deleted: 0, swept: 0, failed: 7, requests: 2, retries: 0, durationMs: summary.durationMs },
    });
    // One duration format everywhere (engine/core/duration.ts): a fast run reads `12ms`.
    expect(logs[4].message).toMatch(/^completed in (\d+ms|\d+\.\ds): 4 upserted, 0 deleted, 7 failed, 2 requests, 0 retries$/);
    expect(logs).toHaveLength(5);
  });

  it('a failed run ends with its redacted error; the resumed run says so', async () => {
    const db = await store();
    const redact = (text: string) => text.replaceAll('tok_123', '***');
    const failedRun = await runCycle(paged(3, { failOn: { page: 2, message: 'GET /items?token=tok_123: 500' } }), { store: db, redact });
    const logs = withoutTime(await db.listRunLogs(failedRun.runId!));
    expect(logs.map((log) => [log.level, log.message])).toEqual([
      ['info', 'cycle 1 started (full)'],
      ['info', 'page committed: 2 upserted, 0 deleted, 0 failed'],
      ['error', 'failed: GET /items?token=***: 500'],
    ]);
    const resumed = await runCycle(paged(3), { store: db });
    expect(withoutTime(await db.listRunLogs(resumed.runId!))[0]).toEqual({
      level: 'info', message: 'cycle 1 resumed (full)', fields: { cycle: 1, full: true, resumed: true, trigger: 'manual' },
    });
  });
});

describe('triggers and queued runs', () => {
  it('records the trigger of a new run', async () => {
    const db = await store();
    const summary = await runCycle(paged(1), { store: db, trigger: 'schedule' });
    expect(await db.getRun(summary.runId!)).toMatchObject({ status: 'completed', trigger: 'schedule' });
  });

  it('claims a queued run: the same run id completes, keeping its trigger', async () => {
    const db = await store();
    const queued = await db.queueRun('items', { full: true });
    const summary = await runCycle(paged(2), { store: db, runId: queued, full: true });
    expect(summary).toMatchObject({ runId: queued, status: 'completed', upserted: 4 });
    expect(await db.getRun(queued)).toMatchObject({ status: 'completed', trigger: 'trigger', upserted: 4 });
    expect(await db.pendingRuns()).toEqual([]);
    expect(await db.listRuns()).toHaveLength(1);
    await expect(runCycle(paged(2), { store: db, runId: queued })).rejects.toThrow(`Run ${queued} of sync "items" is completed, not pending`);
  });

  it('a queued run whose sync is locked elsewhere stays queued', async () => {
    const db = await store();
    const queued = await db.queueRun('items');
    await db.acquireLock('items', { id: 'other', pid: process.pid, host: 'elsewhere' });
    expect(await runCycle(paged(1), { store: db, runId: queued })).toMatchObject({ status: 'skipped', runId: null });
    expect(await db.pendingRuns()).toEqual([{ id: queued, sync: 'items', full: false, queuedAt: expect.any(String) }]);
  });
});

describe('progress', () => {
  it('stores the percent the results tell after each commit, 100 once done, and none when they tell nothing', async () => {
    const db = await store();
    const stored: (number | null)[] = [];
    // The first run of a fresh file is run 1.
    const beforePage = async () => void stored.push((await db.getRun(1))!.progress);
    const sync = paged(4, { beforePage, progress: (page) => (page < 4 ? { done: page, total: 8 } : undefined) });
    const summary = await runCycle(sync, { store: db });
    expect(summary.runId).toBe(1);
    expect(stored).toEqual([null, 12.5, 25, 37.5]);
    expect((await db.getRun(1))!.progress).toBe(100);
    const silent = await runCycle(paged(2), { store: db });
    expect((await db.getRun(silent.runId!))!.progress).toBeNull();
  });

  it('partitions count equally: finished ones in full, running ones by their fraction', async () => {
    const db = await store();
    const seen: number[] = [];
    const stored: (number | null)[] = [];
    const beforePage = async () => void stored.push((await db.getRun(1))!.progress);
    const sync = paged(2, { partitions: ['a', 'b'], beforePage, progress: (page) => ({ done: page, total: 4 }) });
    const summary = await runCycle(sync, {
      store: db,
      onEvent: (event) => {
        if (event.type === 'commit') seen.push(event.progress!.done);
      },
    });
    expect(seen).toEqual([1, 2, 1, 2]);
    // a at 1/4 counts 25% of its half; a done: 50; b at 1/4: 62.5; b done: 100.
    expect(stored).toEqual([null, 12.5, 50, 62.5]);
    expect((await db.getRun(summary.runId!))!.progress).toBe(100);
    const logs = await db.listRunLogs(summary.runId!);
    expect(logs.filter((log) => log.message.startsWith('page committed')).map((log) => log.message)).toEqual([
      'page committed [a]: 2 upserted, 0 deleted, 0 failed',
      'page committed [a]: 2 upserted, 0 deleted, 0 failed',
      'page committed [b]: 2 upserted, 0 deleted, 0 failed',
      'page committed [b]: 2 upserted, 0 deleted, 0 failed',
    ]);
  });

  it('fails a run whose result tells a progress that is not { done, total } numbers', async () => {
    const db = await store();
    const summary = await runCycle(paged(2, { progress: () => ({ done: 1, total: Number.NaN }) }), { store: db });
    expect(summary).toMatchObject({ status: 'failed', error: 'items: progress must be { done, total } with non-negative numbers, got {"done":1,"total":null}' });
  });
});
