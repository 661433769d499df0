/**
 * Bounds on one stream's walk through a cycle, so that no input runs unbounded:
 *
 * - a position already fetched in this cycle (a token that cycles A → B → A) fails the run naming the
 *   request — the paginator's own guard only compares a position with the one before it;
 * - `maxPagesPerCycle` and `maxRecordsPerCycle` fail the run when a cycle would go past them (an API
 *   whose token or page number always advances, a `total` of 1e15).
 *
 * The counts live in the stream's page state, so they hold across resumed runs; the positions seen are
 * kept in memory (as digests), per partition, for the cycle the process is walking — a process started
 * mid-cycle remembers the positions from where it resumed.
 */
import { createHash } from 'node:crypto';
import { SyncError } from '../core/errors.js';

export interface WalkLimits {
  pages: number;
  records: number;
}

/** How far the cycle's walk is, as kept in the page state. */
export interface WalkCount {
  pages: number;
  records: number;
}

export class WalkGuard {
  /** Digests of the positions fetched this cycle, by partition. */
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(private readonly limits: WalkLimits) {}

  /** A cycle starts from its first page, or ends: forget what it fetched. */
  forget(partition: string): void {
    this.seen.delete(partition);
  }

  /**
   * Before a new page is fetched (page `count.pages + 1` of the cycle, at `position`): refuses to go
   * past the page limit, or to fetch a position already fetched in this cycle.
   */
  beforePage(partition: string, position: unknown, count: WalkCount, request: () => string): void {
    if (count.pages >= this.limits.pages) {
      throw new SyncError(
        'page-limit',
        `${request()}: the cycle has fetched ${count.pages} pages, the most maxPagesPerCycle allows (${this.limits.pages}); ` +
          "the API's pagination may never end — raise maxPagesPerCycle on the sync if the source is really this large",
      );
    }
    let seen = this.seen.get(partition);
    if (!seen) this.seen.set(partition, (seen = new Map()));
    const digest = createHash('sha1').update(JSON.stringify(position) ?? 'undefined').digest('base64');
    const number = count.pages + 1;
    const before = seen.get(digest);
    // The same page number is the same page fetched again (a resumed or retried page), not a loop.
    if (before !== undefined && before !== number) {
      throw new SyncError(
        'pagination-loop',
        `${request()}: page ${number} of this cycle is at ${show(position)}, where page ${before} already was; the API's pagination loops`,
      );
    }
    seen.set(digest, number);
  }

  /** After a page is fetched: refuses a page that takes the cycle past the record limit. */
  afterPage(count: WalkCount, records: number, request: () => string): void {
    if (count.records + records <= this.limits.records) return;
    throw new SyncError(
      'record-limit',
      `${request()}: this page takes the cycle to ${count.records + records} records, more than maxRecordsPerCycle allows (${this.limits.records}); ` +
        'raise maxRecordsPerCycle on the sync if the source is really this large',
    );
  }
}

function show(position: unknown): string {
  const text = typeof position === 'string' ? `'${position}'` : (JSON.stringify(position) ?? String(position));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
