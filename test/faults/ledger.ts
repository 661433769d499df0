/**
 * The deliveries a sync owes, derived from what its checkpoints passed, and the checks that hold
 * them to it. A replace cycle reads every record once (`perCycle`); an incremental sync reads each
 * version of a record once (`perVersion`). A page applied twice, or a page skipped, makes the run
 * counters disagree with this ledger, or a stored row disagree with the version passed.
 */
import type { SourceRecord } from '../../sandbox/server.js';

export type DeliveryRule = 'perCycle' | 'perVersion';

/** The fields compared between a stored row and its source record. */
export interface ContactFields {
  ID: unknown;
  Name: unknown;
  Email: unknown;
  Stage: unknown;
  Updated: unknown;
}

export const fromSource = (record: SourceRecord): ContactFields => ({
  ID: record.id, Name: record.name, Email: record.email, Stage: record.stage, Updated: record.updated_at,
});
export const fromRow = (row: Record<string, unknown>): ContactFields => ({
  ID: row._key, Name: row.Name, Email: row.Email, Stage: row.Stage, Updated: row.Updated,
});

export interface Deliveries {
  /** Records that map cleanly: the run must count them as upserted. */
  good: number;
  /** Deliberately bad records: the run must count them as failed. */
  bad: number;
}

export class DeliveryLedger {
  /** Every delivery so far. */
  readonly total: Deliveries = { good: 0, bad: 0 };
  /** The version of each good record last delivered: what its row must hold. */
  private readonly latest = new Map<string, ContactFields>();
  /** Delivery keys already owed: id (perCycle, cleared per cycle) or id@version (perVersion). */
  private readonly delivered = new Set<string>();
  private cycle: number | undefined;

  constructor(
    private readonly rule: DeliveryRule,
    private readonly isBad: (record: SourceRecord) => boolean,
  ) {}

  /** Records that cycle `cycle` has passed `passed`; returns what that adds to the deliveries. */
  observe(cycle: number, passed: SourceRecord[]): Deliveries {
    if (cycle !== this.cycle && this.rule === 'perCycle') this.delivered.clear();
    this.cycle = cycle;
    const added: Deliveries = { good: 0, bad: 0 };
    for (const record of passed) {
      const key = this.rule === 'perCycle' ? record.id : `${record.id}@${record.updated_at}`;
      if (this.delivered.has(key)) continue;
      this.delivered.add(key);
      if (this.isBad(record)) {
        added.bad++;
      } else {
        added.good++;
        this.latest.set(record.id, fromSource(record));
      }
    }
    this.total.good += added.good;
    this.total.bad += added.bad;
    return added;
  }

  /**
   * Problems with the stored rows: a row nobody delivered, a row that is not the version last
   * delivered (an older page applied again, or a newer one lost), a delivered live record missing.
   */
  check(rows: Map<string, ContactFields>, live: SourceRecord[]): string[] {
    const problems: string[] = [];
    for (const [key, row] of rows) {
      const expected = this.latest.get(key);
      if (!expected) problems.push(`row ${key} was never delivered`);
      else if (JSON.stringify(row) !== JSON.stringify(expected)) problems.push(`row ${key} is ${JSON.stringify(row)}; delivered ${JSON.stringify(expected)}`);
    }
    for (const record of live) {
      if (this.latest.has(record.id) && !rows.has(record.id)) problems.push(`row ${record.id} is missing although it was delivered`);
    }
    return problems;
  }
}
