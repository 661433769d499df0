/**
 * The lock a run holds on its sync, so that two processes on one database never run the same sync
 * at once. Held from before the cycle opens until after the run is recorded; renewed by every
 * commit and, while a run waits between commits (a slow page, a long Retry-After), by a timer.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LOCK_TIMEOUT_MS, type LockOwner, type Store } from '../store/store.js';

export type TakenLock =
  | { acquired: true; owner: LockOwner; release(): Promise<void> }
  | { acquired: false; message: string };

const HEARTBEAT_MS = LOCK_TIMEOUT_MS / 4;

/**
 * The lock a running service (`syncspec start`) holds while it runs, so `trigger` can tell whether
 * anyone will pick its run up. No sync is named so: sync names start with a letter or `_`.
 */
export const SERVICE_LOCK = '@service';

/** Whether a live service holds SERVICE_LOCK on this database (the probe takes and frees it otherwise). */
export async function serviceRunning(store: Store): Promise<boolean> {
  const probe = await takeLock(store, SERVICE_LOCK);
  if (!probe.acquired) return true;
  await probe.release();
  return false;
}

export async function takeLock(store: Store, sync: string): Promise<TakenLock> {
  const owner: LockOwner = { id: randomUUID(), pid: process.pid, host: hostname() };
  const result = await store.acquireLock(sync, owner);
  if (!result.acquired) {
    const { pid, host, since } = result.holder;
    return { acquired: false, message: `${sync} is already running (pid ${pid} on host ${host} since ${since})` };
  }
  // A failed renewal is not fatal here: a lock lost to a takeover is reported by the next commit,
  // which refuses to write; a busy database is retried on the next beat.
  const heartbeat = setInterval(() => void store.refreshLock(sync, owner).catch(() => undefined), HEARTBEAT_MS);
  heartbeat.unref();
  return {
    acquired: true,
    owner,
    release: async () => {
      clearInterval(heartbeat);
      // The run is already recorded; a lock that cannot be released now (a busy database) is
      // recovered like a dead holder's: once this process has exited, or its heartbeat is stale.
      await store.releaseLock(sync, owner).catch(() => undefined);
    },
  };
}
