/**
 * The loop's side of sync locks: a sync running elsewhere is skipped (no run recorded), the lock
 * is released however the run ends, a dead holder's lock and run are recovered, and a run waiting
 * longer than the lock timeout between commits keeps its lock.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineDatabase, defineSync, runCycle } from '../../engine/index.js';
import { SqliteStore } from '../../engine/store/sqlite/index.js';
import { LOCK_TIMEOUT_MS } from '../../engine/store/store.js';
import { tempDir } from '../support/project.js';

const database = defineDatabase('items', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } });
const opened: SqliteStore[] = [];

/** Two connections to one file, as two processes would have. */
function twoStores(): [SqliteStore, SqliteStore] {
  const path = join(tempDir(), 'lock.db');
  const stores: [SqliteStore, SqliteStore] = [new SqliteStore(path), new SqliteStore(path)];
  opened.push(...stores);
  return stores;
}

afterEach(async () => {
  vi.useRealTimers();
  for (const store of opened.splice(0)) await store.close();
});

/** A one-page sync whose page completes when `open()` is called. */
function gated() {
  let open!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const started = new Promise<void>((resolve) => (entered = resolve));
  let calls = 0;
  const sync = defineSync({
    name: 'items', database,
    execute: async () => {
      calls++;
      entered();
      await gate;
      return { changes: [{ type: 'upsert' as const, key: 'a', properties: { Name: 'A', ID: 'a' } }], hasMore: false, nextState: undefined };
    },
  });
  return { sync, open, started, calls: () => calls };
}

describe('sync locks in the loop', () => {
  it('skips a sync another process is running: nothing runs, nothing is recorded', async () => {
    const [mine, theirs] = twoStores();
    const running = gated();
    const first = runCycle(running.sync, { store: mine });
    await running.started;

    const second = gated();
    const skipped = await runCycle(second.sync, { store: theirs });
    expect(skipped).toMatchObject({ sync: 'items', runId: null, status: 'skipped', upserted: 0, requests: 0, failures: [] });
    expect(skipped.error).toMatch(new RegExp(`^items is already running \\(pid ${process.pid} on host ${escape(hostname())} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`));
    expect(second.calls()).toBe(0);
    expect((await theirs.listRuns()).map((run) => run.status)).toEqual(['running']);

    running.open();
    expect(await first).toMatchObject({ status: 'completed' });
    // Released: the other process runs it now.
    second.open();
    expect(await runCycle(second.sync, { store: theirs })).toMatchObject({ status: 'completed' });
    expect((await theirs.listRuns()).map((run) => run.status)).toEqual(['completed', 'completed']);
  });

  it('releases the lock when a run fails', async () => {
    const [mine, theirs] = twoStores();
    const broken = defineSync({ name: 'items', database, execute: async () => { throw new Error('source went away'); } });
    expect(await runCycle(broken, { store: mine })).toMatchObject({ status: 'failed', error: 'source went away' });
    const next = gated();
    next.open();
    expect(await runCycle(next.sync, { store: theirs })).toMatchObject({ status: 'completed' });
  });

  it('takes over from a holder that died mid-run, whose run is then recorded as failed', async () => {
    const [crashed, next] = twoStores();
    const child = spawnSync(process.execPath, ['-e', '']);
    const pid = child.pid!;
    // What a SIGKILLed `syncspec run` leaves: its lock, a running run, an open cycle.
    await crashed.acquireLock('items', { id: 'killed', pid, host: hostname() });
    const runId = await crashed.startRun('items');
    await crashed.openCycle('items', 'replace');

    const resumed = gated();
    resumed.open();
    expect(await runCycle(resumed.sync, { store: next })).toMatchObject({ status: 'completed', upserted: 1 });
    expect(await next.getRun(runId)).toMatchObject({ status: 'failed', error: `process died (pid ${pid} on host ${hostname()}) before the run finished` });
  });

  it('keeps its lock while waiting longer than the lock timeout between commits', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const [mine, theirs] = twoStores();
    const slow = gated();
    const first = runCycle(slow.sync, { store: mine });
    await slow.started;
    // A long Retry-After: three timeouts pass with no commit; the heartbeat renews the lock.
    vi.advanceTimersByTime(3 * LOCK_TIMEOUT_MS);
    const other = gated();
    other.open();
    expect(await runCycle(other.sync, { store: theirs })).toMatchObject({ status: 'skipped' });
    slow.open();
    expect(await first).toMatchObject({ status: 'completed' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
