/**
 * Sync locks: one row per running sync in `_locks`, so that two processes on one file never run
 * the same sync at once. A holder that died without releasing (SIGKILL, a crash, a power loss) is
 * recognized and its lock taken over: by its heartbeat, which stops, and — on its own host — at
 * once, by its process being gone.
 */
import type { Statement } from 'better-sqlite3';
import type { LockHolder, LockOwner } from '../store.js';
import type { Connection } from './connection.js';
import { StoreError } from '../errors.js';

interface LockRow {
  owner_id: string;
  pid: number;
  host: string;
  since: string;
  heartbeat_at: string;
}

const holderOf = (row: LockRow): LockHolder => ({ pid: row.pid, host: row.host, since: row.since, heartbeatAt: row.heartbeat_at });

/**
 * Owners holding a lock in this process. A lock recorded under this process's pid but not held
 * here was left by an earlier process that had the same pid — common in containers, where the
 * runner is often pid 1 after every restart — and is as dead as any other.
 */
const heldHere = new Set<string>();

export type Acquired = { acquired: true; previous?: LockHolder } | { acquired: false; holder: LockHolder };

export class Locks {
  private readonly getOne: Statement;
  private readonly upsert: Statement;
  private readonly renew: Statement;
  private readonly remove: Statement;
  private readonly heartbeatOf: Statement;

  constructor(db: Connection, private readonly timeoutMs: number) {
    this.getOne = db.prepare('SELECT * FROM _locks WHERE sync = ?');
    this.upsert = db.prepare(
      `INSERT INTO _locks (sync, owner_id, pid, host, since, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sync) DO UPDATE SET owner_id = excluded.owner_id, pid = excluded.pid, host = excluded.host,
         since = excluded.since, heartbeat_at = excluded.heartbeat_at`,
    );
    this.renew = db.prepare('UPDATE _locks SET heartbeat_at = ? WHERE sync = ? AND owner_id = ?');
    this.remove = db.prepare('DELETE FROM _locks WHERE sync = ? AND owner_id = ?');
    this.heartbeatOf = db.prepare('SELECT heartbeat_at FROM _locks WHERE sync = ? AND owner_id = ?');
  }

  /** Run inside a write transaction: the check and the take are one step. `previous`: a dead holder taken over. */
  acquire(sync: string, owner: LockOwner, now: string): Acquired {
    const row = this.getOne.get(sync) as LockRow | undefined;
    if (row && row.owner_id !== owner.id && this.alive(row, owner, now)) return { acquired: false, holder: holderOf(row) };
    this.upsert.run(sync, owner.id, owner.pid, owner.host, now, now);
    heldHere.add(owner.id);
    return row && row.owner_id !== owner.id ? { acquired: true, previous: holderOf(row) } : { acquired: true };
  }

  /**
   * Inside a commit: false when `owner` no longer holds the lock. The heartbeat is renewed only once
   * it is a quarter of the timeout old: the holder's timer renews it between commits, and a write
   * per commit would add a page of the file to every page a sync commits.
   */
  confirm(sync: string, owner: LockOwner, now: string): boolean {
    const row = this.heartbeatOf.get(sync, owner.id) as { heartbeat_at: string } | undefined;
    if (row === undefined) return false;
    if (Date.parse(now) - Date.parse(row.heartbeat_at) >= this.timeoutMs / 4) this.renew.run(now, sync, owner.id);
    return true;
  }

  /** Renews the heartbeat; false when `owner` does not hold the lock. */
  refresh(sync: string, owner: LockOwner, now: string): boolean {
    return this.renew.run(now, sync, owner.id).changes === 1;
  }

  /** The holder of a lock `owner` does not hold, for a message; undefined when the lock is free. */
  holder(sync: string): LockHolder | undefined {
    const row = this.getOne.get(sync) as LockRow | undefined;
    return row && holderOf(row);
  }

  release(sync: string, owner: LockOwner): void {
    this.remove.run(sync, owner.id);
    heldHere.delete(owner.id);
  }

  private alive(row: LockRow, owner: LockOwner, now: string): boolean {
    if (Date.parse(now) - Date.parse(row.heartbeat_at) > this.timeoutMs) return false;
    // Only a process on our own host can be checked directly; elsewhere the heartbeat decides.
    if (row.host !== owner.host) return true;
    if (row.pid === process.pid) return heldHere.has(row.owner_id);
    return processExists(row.pid);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Why a commit was refused: the run no longer holds its sync's lock (another process took it over). */
export function lockLost(sync: string, holder: LockHolder | undefined): StoreError {
  const taken = holder ? `its lock was taken over by pid ${holder.pid} on host ${holder.host} at ${holder.since}` : 'this run no longer holds its lock';
  return new StoreError('store-lock-lost', `Sync "${sync}": ${taken}; this page was not written`);
}
