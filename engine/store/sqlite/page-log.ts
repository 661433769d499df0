/** The page log of each (sync, partition): see ExecuteResult.pageLog. Written inside the caller's transaction. */
import type { Statement } from 'better-sqlite3';
import type { PageLogUpdate } from '../../core/types.js';
import type { Connection } from './connection.js';

export class PageLog {
  private readonly list: Statement;
  private readonly last: Statement;
  private readonly insert: Statement;
  private readonly dropOne: Statement;
  private readonly dropOfSync: Statement;
  private readonly dropAll: Statement;

  constructor(db: Connection) {
    this.list = db.prepare('SELECT item FROM _page_log WHERE sync = ? AND partition = ? ORDER BY seq').pluck();
    this.last = db.prepare('SELECT coalesce(max(seq), 0) FROM _page_log WHERE sync = ? AND partition = ?').pluck();
    this.insert = db.prepare('INSERT INTO _page_log (sync, partition, seq, item) VALUES (?, ?, ?, ?)');
    this.dropOne = db.prepare('DELETE FROM _page_log WHERE sync = ? AND partition = ?');
    this.dropOfSync = db.prepare('DELETE FROM _page_log WHERE sync = ?');
    this.dropAll = db.prepare('DELETE FROM _page_log');
  }

  read(sync: string, partition: string): string[] {
    return this.list.all(sync, partition) as string[];
  }

  apply(sync: string, partition: string, update: PageLogUpdate): void {
    if (update.reset) this.dropOne.run(sync, partition);
    let seq = update.add.length > 0 ? (this.last.get(sync, partition) as number) : 0;
    for (const item of update.add) this.insert.run(sync, partition, ++seq, item);
  }

  drop(sync?: string): void {
    if (sync === undefined) this.dropAll.run();
    else this.dropOfSync.run(sync);
  }

  dropPartitions(sync: string, partitions: readonly string[]): void {
    for (const partition of partitions) this.dropOne.run(sync, partition);
  }
}
