/**
 * Pacer budgets in the file, shared by every process that opens it (Store.takePacerSlot): the
 * sliding window of the in-process Pacer (http/pacer.ts), kept as rows so that two `syncspec run`s
 * back to back, or a service and a manual run, never put more than the budget into one window.
 */
import type { Statement } from 'better-sqlite3';
import type { PacerBudget, PacerSlotGrant } from '../store.js';
import type { Connection } from './connection.js';

/**
 * With every slot of the window in flight, no row says when one ends: ask again this soon. Short
 * against any interval a pacer is written for; one read of a small table each time.
 */
export const PACER_POLL_MS = 50;

export class PacerSlots {
  private readonly expire: Statement;
  private readonly window: Statement;
  private readonly insert: Statement;
  private readonly end: Statement;
  private readonly giveBack: Statement;
  private readonly pausedUntil: Statement;
  private readonly pause: Statement;

  constructor(db: Connection) {
    this.expire = db.prepare('DELETE FROM _pacer_slots WHERE pacer = ? AND COALESCE(ended_at, expires_at) <= ?');
    this.window = db.prepare(
      `SELECT COUNT(*) AS used, COUNT(*) - COUNT(ended_at) AS inFlight, MIN(COALESCE(ended_at, expires_at)) AS oldest
       FROM _pacer_slots WHERE pacer = ?`,
    );
    this.insert = db.prepare('INSERT INTO _pacer_slots (pacer, holder, started_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id');
    this.end = db.prepare('UPDATE _pacer_slots SET ended_at = ? WHERE id = ? AND ended_at IS NULL');
    this.giveBack = db.prepare('DELETE FROM _pacer_slots WHERE id = ?');
    this.pausedUntil = db.prepare('SELECT until FROM _pacer_pauses WHERE pacer = ? AND until > ?');
    this.pause = db.prepare(
      'INSERT INTO _pacer_pauses (pacer, until) VALUES (?, ?) ON CONFLICT (pacer) DO UPDATE SET until = MAX(until, excluded.until)',
    );
  }

  /** Run inside a write transaction: the count and the take are one step for every process. */
  take(budget: PacerBudget, holder: string, nowMs: number, inFlightMs: number): PacerSlotGrant {
    const paused = this.pausedUntil.get(budget.pacer, nowMs) as { until: number } | undefined;
    if (paused) return { retryAt: paused.until };
    this.expire.run(budget.pacer, nowMs - budget.intervalMs);
    const { used, inFlight, oldest } = this.window.get(budget.pacer) as { used: number; inFlight: number; oldest: number | null };
    if (used < budget.allowedRequests) {
      return { slot: (this.insert.get(budget.pacer, holder, nowMs, nowMs + inFlightMs) as { id: number }).id };
    }
    // The oldest window to pass frees a slot; a request in flight may come back sooner and start one.
    const opens = (oldest ?? nowMs) + budget.intervalMs;
    return { retryAt: inFlight > 0 ? Math.min(opens, nowMs + PACER_POLL_MS) : opens };
  }

  /**
   * `used`: the window runs from `nowMs`, rounded up a millisecond — epoch ms are whole, and a
   * window must not start before the answer that ends it came back. Else the slot is given back.
   */
  release(slot: number, nowMs: number, used: boolean): void {
    if (used) this.end.run(Math.floor(nowMs) + 1, slot);
    else this.giveBack.run(slot);
  }

  /** Rounded up, like a release: the pause must not end before the time the API named. */
  pauseUntil(pacer: string, untilMs: number): void {
    this.pause.run(pacer, Math.ceil(untilMs));
  }
}
