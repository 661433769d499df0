/** Per-(sync, partition) state, written in the same transaction as the rows it follows. */
import type { Statement } from 'better-sqlite3';
import type { Checkpoint } from '../store.js';
import type { Connection } from './connection.js';
import { jsonText } from './json-text.js';

interface CheckpointRow {
  sync: string;
  partition: string;
  state: string | null;
  cycle: number;
  done_in_cycle: number | null;
  updated_at: string;
}

const fromRow = (row: CheckpointRow): Checkpoint => ({
  sync: row.sync,
  partition: row.partition,
  // NULL stands for a sync that returned no state (undefined); JSON null stays null.
  state: row.state === null ? undefined : JSON.parse(row.state),
  doneInCycle: row.done_in_cycle,
  cycle: row.cycle,
  updatedAt: row.updated_at,
});

function stateJson(checkpoint: Checkpoint): string | null {
  if (checkpoint.state === undefined) return null;
  return jsonText(checkpoint.state, `Sync "${checkpoint.sync}", partition "${checkpoint.partition}": the next state`);
}

export class Checkpoints {
  private readonly getOne: Statement;
  private readonly listAll: Statement;
  private readonly listOfSync: Statement;
  private readonly upsert: Statement;
  private readonly dropAll: Statement;
  private readonly dropOfSync: Statement;
  private readonly dropOne: Statement;
  private readonly unfinished: Statement;

  constructor(db: Connection) {
    this.getOne = db.prepare('SELECT * FROM _checkpoints WHERE sync = ? AND partition = ?');
    this.listAll = db.prepare('SELECT * FROM _checkpoints ORDER BY sync, partition');
    this.listOfSync = db.prepare('SELECT * FROM _checkpoints WHERE sync = ? ORDER BY partition');
    this.upsert = db.prepare(
      `INSERT INTO _checkpoints (sync, partition, state, cycle, done_in_cycle, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sync, partition) DO UPDATE SET state = excluded.state, cycle = excluded.cycle,
         done_in_cycle = excluded.done_in_cycle, updated_at = excluded.updated_at`,
    );
    this.dropAll = db.prepare('DELETE FROM _checkpoints');
    this.dropOfSync = db.prepare('DELETE FROM _checkpoints WHERE sync = ?');
    this.dropOne = db.prepare('DELETE FROM _checkpoints WHERE sync = ? AND partition = ?');
    this.unfinished = db.prepare(
      'SELECT partition FROM _checkpoints WHERE sync = ? AND (done_in_cycle IS NULL OR done_in_cycle <> ?) ORDER BY partition',
    );
  }

  get(sync: string, partition: string): Checkpoint | undefined {
    const row = this.getOne.get(sync, partition) as CheckpointRow | undefined;
    return row && fromRow(row);
  }

  list(sync?: string): Checkpoint[] {
    const rows = (sync === undefined ? this.listAll.all() : this.listOfSync.all(sync)) as CheckpointRow[];
    return rows.map(fromRow);
  }

  put(checkpoint: Checkpoint): void {
    const { sync, partition, cycle, doneInCycle, updatedAt } = checkpoint;
    this.upsert.run(sync, partition, stateJson(checkpoint), cycle, doneInCycle, updatedAt);
  }

  drop(sync?: string): void {
    if (sync === undefined) this.dropAll.run();
    else this.dropOfSync.run(sync);
  }

  dropPartitions(sync: string, partitions: readonly string[]): void {
    for (const partition of partitions) this.dropOne.run(sync, partition);
  }

  /** Partitions of `sync` that have not finished cycle `cycle`. */
  unfinishedIn(sync: string, cycle: number): string[] {
    return (this.unfinished.all(sync, cycle) as { partition: string }[]).map((row) => row.partition);
  }
}
