/**
 * Event anchors: a snapshot of a delta's position, taken when its paired backfill starts. The delta
 * starts from it while it has no checkpoint of its own, so what changes during a long backfill is
 * not lost. Set once: a later backfill must not move the anchor past changes the delta has not read.
 */
import type { Statement } from 'better-sqlite3';
import type { Connection } from './connection.js';
import { jsonText } from './json-text.js';

export class Anchors {
  private readonly insert: Statement;
  private readonly getOne: Statement;
  private readonly dropAll: Statement;
  private readonly dropOfSync: Statement;

  constructor(db: Connection) {
    this.insert = db.prepare('INSERT INTO _anchors (sync, state, created_at) VALUES (?, ?, ?) ON CONFLICT (sync) DO NOTHING');
    this.getOne = db.prepare('SELECT state FROM _anchors WHERE sync = ?');
    this.dropAll = db.prepare('DELETE FROM _anchors');
    this.dropOfSync = db.prepare('DELETE FROM _anchors WHERE sync = ?');
  }

  /** Stores `state` unless `sync` already has an anchor; true when it stored. */
  set(sync: string, state: unknown, now: string): boolean {
    // An undefined snapshot would read back as "no anchor": refuse it rather than store nothing.
    return this.insert.run(sync, jsonText(state, `Sync "${sync}": the anchor state`), now).changes === 1;
  }

  get(sync: string): unknown | undefined {
    const row = this.getOne.get(sync) as { state: string } | undefined;
    return row && JSON.parse(row.state);
  }

  drop(sync?: string): void {
    if (sync === undefined) this.dropAll.run();
    else this.dropOfSync.run(sync);
  }
}
