/** What runs reported as they went (`syncspec runs logs <id>`), in the order they reported it. */
import type { Statement } from 'better-sqlite3';
import type { RunLogEntry } from '../store.js';
import { writeTransaction, type Connection } from './connection.js';
import { jsonText } from './json-text.js';
import { escapeLoneSurrogates } from '../../core/text.js';
import { StoreError } from '../errors.js';

interface LogRow {
  at: string;
  level: RunLogEntry['level'];
  message: string;
  fields: string | null;
}

const levels: readonly RunLogEntry['level'][] = ['debug', 'info', 'warn', 'error'];

export class RunLogs {
  private readonly insert: Statement;
  private readonly runExists: Statement;
  private readonly ofRun: Statement;

  constructor(private readonly db: Connection) {
    this.insert = db.prepare('INSERT INTO _run_logs (run_id, at, level, message, fields) VALUES (?, ?, ?, ?, ?)');
    this.runExists = db.prepare('SELECT 1 FROM _runs WHERE id = ?');
    this.ofRun = db.prepare('SELECT at, level, message, fields FROM _run_logs WHERE run_id = ? ORDER BY id');
  }

  /** All entries or none: one transaction, so a commit's lines never appear half-written. */
  append(runId: number, entries: RunLogEntry[]): void {
    if (entries.length === 0) return;
    const rows = entries.map((entry, index) => toRow(runId, entry, index));
    writeTransaction(this.db, () => {
      if (this.runExists.get(runId) === undefined) throw new StoreError('store-unknown-run', `Run ${runId} does not exist`);
      for (const row of rows) this.insert.run(runId, row.at, row.level, row.message, row.fields);
    });
  }

  list(runId: number): RunLogEntry[] {
    return (this.ofRun.all(runId) as LogRow[]).map((row) => {
      const entry: RunLogEntry = { at: row.at, level: row.level, message: row.message };
      if (row.fields !== null) entry.fields = JSON.parse(row.fields) as Record<string, unknown>;
      return entry;
    });
  }
}

function toRow(runId: number, entry: RunLogEntry, index: number): LogRow {
  const what = `Run ${runId}: log entry ${index + 1}`;
  if (!levels.includes(entry?.level)) throw new StoreError('store-invalid-argument', `${what} has level ${JSON.stringify(entry?.level)}; use one of ${levels.join(', ')}`);
  if (typeof entry.message !== 'string') throw new StoreError('store-invalid-argument', `${what} needs a string message`);
  if (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at))) throw new StoreError('store-invalid-argument', `${what} needs an ISO timestamp in "at", got ${JSON.stringify(entry.at)}`);
  const fields = entry.fields === undefined ? null : jsonText(entry.fields, `${what}: fields`);
  return { at: entry.at, level: entry.level, message: escapeLoneSurrogates(entry.message), fields };
}
