import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { LOCK_TIMEOUT_MS, type LockOwner } from '../../../engine/store/store.js';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();
const host = hostname();
const owner = (id: string, extra: Partial<LockOwner> = {}): LockOwner => ({ id, pid: process.pid, host, ...extra });

/** The pid of a process that has exited: its lock is a dead holder's. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined || child.status !== 0) throw new Error('could not run a child process');
  return child.pid;
}

describe('sync locks', () => {
  it('one holder at a time across two connections to one file, as two processes would have', async () => {
    const first = stores.open();
    const second = stores.open();
    expect(await first.acquireLock('crm.sync', owner('a'))).toEqual({ acquired: true });
    const refused = await second.acquireLock('crm.sync', owner('b'));
    expect(refused).toEqual({
      acquired: false, holder: { pid: process.pid, host, since: expect.any(String), heartbeatAt: expect.any(String) },
    });
    // Another sync is not locked.
    expect(await second.acquireLock('crm.other', owner('b'))).toEqual({ acquired: true });

    // Only the holder renews or releases.
    expect(await second.refreshLock('crm.sync', owner('b'))).toBe(false);
    await second.releaseLock('crm.sync', owner('b'));
    expect((await second.acquireLock('crm.sync', owner('c'))).acquired).toBe(false);
    expect(await first.refreshLock('crm.sync', owner('a'))).toBe(true);

    await first.releaseLock('crm.sync', owner('a'));
    expect(await second.acquireLock('crm.sync', owner('b'))).toEqual({ acquired: true });
  });

  it('takes over the lock of a dead process on this host and marks its run failed', async () => {
    const pid = deadPid();
    const dead = owner('dead', { pid });
    const crashed = stores.open();
    expect(await crashed.acquireLock('crm.sync', dead)).toEqual({ acquired: true });
    const { runId, cycle } = await begin(crashed, 'crm.sync');
    await crashed.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { lock: dead }));
    const other = await begin(crashed, 'crm.other');

    const next = stores.open();
    expect(await next.acquireLock('crm.sync', owner('next'))).toEqual({ acquired: true });
    expect(await next.getRun(runId)).toMatchObject({
      status: 'failed', error: `process died (pid ${pid} on host ${host}) before the run finished`, upserted: 1, endedAt: expect.any(String),
    });
    // Another sync's run is not this lock's business.
    expect(await next.getRun(other.runId)).toMatchObject({ status: 'running' });

    // The dead holder can no longer write: its commit is refused whole.
    await expect(crashed.commit(batch(runId, cycle, contacts, [upsert('b', { Name: 'B' })], { lock: dead }))).rejects.toThrow(
      new RegExp(`^Sync "crm\\.sync": its lock was taken over by pid ${process.pid} on host ${host.replace(/[.]/g, '\\.')} at .+; this page was not written$`),
    );
    expect((await next.readRows(contacts)).rows.map((row) => row._key)).toEqual(['a']);
  });

  it('takes over a lock another process with this pid left behind (a restarted container)', async () => {
    const store = stores.open();
    const db = new Database(stores.path());
    const at = new Date().toISOString();
    db.prepare('INSERT INTO _locks (sync, owner_id, pid, host, since, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)').run('crm.sync', 'before-restart', process.pid, host, at, at);
    db.close();
    expect(await store.acquireLock('crm.sync', owner('after-restart'))).toEqual({ acquired: true });
  });

  it('a lock held on another host is taken over once its heartbeat is older than the timeout', async () => {
    const remote = owner('remote', { pid: deadPid(), host: 'elsewhere' });
    const store = stores.open();
    const clock = useClock();
    expect(await store.acquireLock('crm.sync', remote)).toEqual({ acquired: true });
    await begin(store, 'crm.sync');
    // A pid on another machine cannot be checked (this one is dead here): only the heartbeat tells.
    clock.advance(LOCK_TIMEOUT_MS - 1000);
    expect(await store.acquireLock('crm.sync', owner('local'))).toMatchObject({ acquired: false, holder: { host: 'elsewhere' } });
    expect(await store.refreshLock('crm.sync', remote)).toBe(true);
    clock.advance(LOCK_TIMEOUT_MS);
    expect((await store.acquireLock('crm.sync', owner('local'))).acquired).toBe(false);
    clock.advance(1001);
    expect(await store.acquireLock('crm.sync', owner('local'))).toEqual({ acquired: true });
    const [run] = await store.listRuns({ sync: 'crm.sync' });
    expect(run).toMatchObject({ status: 'failed', error: `process died (pid ${remote.pid} on host elsewhere) before the run finished` });
  });

  it('a free lock also fails the runs left running: only a lock holder runs a sync', async () => {
    const store = stores.open();
    const { runId } = await begin(store, 'crm.sync');
    expect(await store.acquireLock('crm.sync', owner('a'))).toEqual({ acquired: true });
    expect(await store.getRun(runId)).toMatchObject({ status: 'failed', error: 'process died before the run finished' });
  });

  it('a commit under a lock renews its heartbeat', async () => {
    const store = stores.open();
    const clock = useClock();
    const holder = owner('holder', { host: 'elsewhere' });
    await store.acquireLock('crm.sync', holder);
    const { runId, cycle } = await begin(store, 'crm.sync');
    for (let i = 0; i < 3; i++) {
      clock.advance(LOCK_TIMEOUT_MS / 2);
      await store.commit(batch(runId, cycle, contacts, [upsert(`k${i}`, { Name: `K${i}` })], { lock: holder }));
    }
    // Taken 1.5 timeouts ago, the lock is alive: each commit renewed it.
    expect((await store.acquireLock('crm.sync', owner('other'))).acquired).toBe(false);
  });
});

/** Date under the test's control (timers stay real: SQLite's busy wait and vitest need them). */
function useClock() {
  let at = Date.now();
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  onTestFinished(() => void vi.useRealTimers());
  return {
    advance(ms: number) {
      at += ms;
      vi.setSystemTime(at);
    },
  };
}
