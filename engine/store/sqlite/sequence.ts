/**
 * The write sequence: one counter per file. Each commit takes the next value and stamps the rows it
 * writes with it; a cycle remembers the value at its start, so at its end the rows stamped at or
 * below it are exactly the ones nobody wrote since (see Cycle.startSeq).
 */
import type { Statement } from 'better-sqlite3';
import type { Connection } from './connection.js';

export class WriteSequence {
  private readonly read: Statement;
  private readonly bump: Statement;

  constructor(db: Connection) {
    this.read = db.prepare('SELECT value FROM _sequence WHERE id = 1');
    this.bump = db.prepare('UPDATE _sequence SET value = value + 1 WHERE id = 1 RETURNING value');
  }

  current(): number {
    return (this.read.get() as { value: number }).value;
  }

  /** Call inside the write transaction that uses the value. */
  next(): number {
    return (this.bump.get() as { value: number }).value;
  }
}
