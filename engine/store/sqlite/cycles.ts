/** Cycles: one open per sync at a time; an interrupted cycle stays open and resumes. */
import type { Statement } from 'better-sqlite3';
import type { SyncMode } from '../../core/types.js';
import type { Cycle } from '../store.js';
import type { Connection } from './connection.js';

interface CycleRow {
  id: number;
  sync: string;
  mode: SyncMode;
  started_at: string;
  start_seq: number;
  closed_at: string | null;
}

const fromRow = (row: CycleRow): Cycle => ({
  id: row.id,
  sync: row.sync,
  mode: row.mode,
  startedAt: row.started_at,
  startSeq: row.start_seq,
});

export class Cycles {
  private readonly byId: Statement;
  private readonly openOfSync: Statement;
  private readonly lastOfSync: Statement;
  private readonly insert: Statement;
  private readonly close: Statement;
  private readonly abandonAll: Statement;
  private readonly abandonOfSync: Statement;

  constructor(db: Connection) {
    this.byId = db.prepare('SELECT * FROM _cycles WHERE id = ?');
    this.openOfSync = db.prepare('SELECT * FROM _cycles WHERE sync = ? AND closed_at IS NULL');
    this.lastOfSync = db.prepare('SELECT * FROM _cycles WHERE sync = ? ORDER BY id DESC LIMIT 1');
    this.insert = db.prepare('INSERT INTO _cycles (sync, mode, started_at, start_seq) VALUES (?, ?, ?, ?) RETURNING *');
    this.close = db.prepare('UPDATE _cycles SET closed_at = ?, swept = ? WHERE id = ?');
    this.abandonAll = db.prepare('UPDATE _cycles SET closed_at = ? WHERE closed_at IS NULL');
    this.abandonOfSync = db.prepare('UPDATE _cycles SET closed_at = ? WHERE sync = ? AND closed_at IS NULL');
  }

  openOf(sync: string): Cycle | undefined {
    const row = this.openOfSync.get(sync) as CycleRow | undefined;
    return row && fromRow(row);
  }

  /** The mode of the sync's most recent cycle, open or closed. */
  lastModeOf(sync: string): SyncMode | undefined {
    return (this.lastOfSync.get(sync) as CycleRow | undefined)?.mode;
  }

  start(sync: string, mode: SyncMode, startSeq: number, now: string): Cycle {
    return fromRow(this.insert.get(sync, mode, now, startSeq) as CycleRow);
  }

  /** The cycle as stored, if it is still open; undefined once closed or abandoned. */
  stillOpen(cycle: Cycle): Cycle | undefined {
    const row = this.byId.get(cycle.id) as CycleRow | undefined;
    if (row === undefined || row.closed_at !== null) return undefined;
    if (row.sync !== cycle.sync) {
      throw new Error(`Cycle ${cycle.id} belongs to sync "${row.sync}", not "${cycle.sync}"`);
    }
    return fromRow(row);
  }

  /** Throws unless `cycle` is open: a commit into a closed cycle would resurrect forgotten state. */
  requireOpen(cycle: Cycle): void {
    if (this.stillOpen(cycle) === undefined) {
      throw new Error(`Sync "${cycle.sync}": cycle ${cycle.id} is no longer open (it was closed, or reset by --full or reset)`);
    }
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
