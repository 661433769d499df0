/** Cycles: one open per sync at a time; an interrupted cycle stays open and resumes. */
import type { Statement } from 'better-sqlite3';
import type { SyncMode } from '../../core/types.js';
import type { Cycle } from '../store.js';
import type { Connection } from './connection.js';
import { StoreError } from '../errors.js';

interface CycleRow {
  id: number;
  sync: string;
  mode: SyncMode;
  full: 0 | 1;
  started_at: string;
  start_seq: number;
  closed_at: string | null;
  unkeyed_failures: number;
}

const fromRow = (row: CycleRow, resumed: boolean): Cycle => ({
  id: row.id,
  sync: row.sync,
  mode: row.mode,
  startedAt: row.started_at,
  startSeq: row.start_seq,
  full: row.full === 1,
  resumed,
  unkeyedFailures: row.unkeyed_failures,
});

export class Cycles {
  private readonly byId: Statement;
  private readonly countUnkeyed: Statement;
  private readonly openOfSync: Statement;
  private readonly lastOfSync: Statement;
  private readonly firstOfSync: Statement;
  private readonly lastFullClosedOfSync: Statement;
  private readonly insert: Statement;
  private readonly close: Statement;
  private readonly abandonAll: Statement;
  private readonly abandonOfSync: Statement;

  constructor(db: Connection) {
    this.byId = db.prepare('SELECT * FROM _cycles WHERE id = ?');
    this.openOfSync = db.prepare('SELECT * FROM _cycles WHERE sync = ? AND closed_at IS NULL');
    this.lastOfSync = db.prepare('SELECT * FROM _cycles WHERE sync = ? ORDER BY id DESC LIMIT 1');
    this.firstOfSync = db.prepare('SELECT * FROM _cycles WHERE sync = ? ORDER BY id LIMIT 1');
    // swept is NULL for an abandoned cycle: it closed without sweeping, so it was not a full cycle.
    this.lastFullClosedOfSync = db.prepare(
      'SELECT * FROM _cycles WHERE sync = ? AND full = 1 AND swept IS NOT NULL ORDER BY id DESC LIMIT 1',
    );
    this.insert = db.prepare('INSERT INTO _cycles (sync, mode, full, started_at, start_seq) VALUES (?, ?, ?, ?, ?) RETURNING *');
    this.close = db.prepare('UPDATE _cycles SET closed_at = ?, swept = ? WHERE id = ?');
    this.countUnkeyed = db.prepare('UPDATE _cycles SET unkeyed_failures = unkeyed_failures + ? WHERE id = ?');
    this.abandonAll = db.prepare('UPDATE _cycles SET closed_at = ? WHERE closed_at IS NULL');
    this.abandonOfSync = db.prepare('UPDATE _cycles SET closed_at = ? WHERE sync = ? AND closed_at IS NULL');
  }

  /** The sync's open cycle, marked resumed: whoever gets it continues an earlier start. */
  openOf(sync: string): Cycle | undefined {
    const row = this.openOfSync.get(sync) as CycleRow | undefined;
    return row && fromRow(row, true);
  }

  /** The mode of the sync's most recent cycle, open or closed. */
  lastModeOf(sync: string): SyncMode | undefined {
    return (this.lastOfSync.get(sync) as CycleRow | undefined)?.mode;
  }

  /** See Store.lastFullCycleAt. */
  lastFullAt(sync: string): string | undefined {
    return this.lastFullClosedAt(sync) ?? (this.firstOfSync.get(sync) as CycleRow | undefined)?.started_at;
  }

  /** See Store.lastFullCycleClosedAt. */
  lastFullClosedAt(sync: string): string | undefined {
    return (this.lastFullClosedOfSync.get(sync) as CycleRow | undefined)?.closed_at ?? undefined;
  }

  start(sync: string, mode: SyncMode, full: boolean, startSeq: number, now: string): Cycle {
    return fromRow(this.insert.get(sync, mode, Number(full), now, startSeq) as CycleRow, false);
  }

  /** The cycle as stored, if it is still open; undefined once closed or abandoned. */
  stillOpen(cycle: Cycle): Cycle | undefined {
    const row = this.byId.get(cycle.id) as CycleRow | undefined;
    if (row === undefined || row.closed_at !== null) return undefined;
    if (row.sync !== cycle.sync) {
      throw new StoreError('store-unknown-cycle', `Cycle ${cycle.id} belongs to sync "${row.sync}", not "${cycle.sync}"`);
    }
    return fromRow(row, cycle.resumed);
  }

  /** Throws unless `cycle` is open: a commit into a closed cycle would resurrect forgotten state. */
  requireOpen(cycle: Cycle): void {
    if (this.stillOpen(cycle) === undefined) {
      throw new StoreError('store-cycle-closed', `Sync "${cycle.sync}": cycle ${cycle.id} is no longer open (it was closed, or reset by --full or reset)`);
    }
  }

  /** Counts records of the cycle that failed without a key. */
  addUnkeyedFailures(cycle: Cycle, count: number): void {
    if (count > 0) this.countUnkeyed.run(count, cycle.id);
  }

  markClosed(cycle: Cycle, swept: number | null, now: string): void {
    this.close.run(now, swept, cycle.id);
  }

  /** Closes open cycles without sweeping (all syncs, or one). */
  abandon(now: string, sync?: string): void {
    if (sync === undefined) this.abandonAll.run(now);
    else this.abandonOfSync.run(now, sync);
  }
}
