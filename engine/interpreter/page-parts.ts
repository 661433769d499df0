/**
 * A page larger than maxChangesPerCommit, committed in parts. Each part is its listed deletions
 * (`deletes.ids`) then its records, at most maxChanges of them, so no commit exceeds the limit
 * whichever kind they are.
 *
 * A split page remembers the identities (record keys) it committed, not just how many: fetched again
 * after a restart, the page may have shifted (a record removed or moved at the source), and resuming
 * by count would skip a record never written. The identities go to the store's page log, a part's
 * worth with each commit, so a page of N records costs O(N) in all — not a checkpoint rewriting every
 * key committed so far with every part, which made a 100k-record page quadratic. Records without a
 * key fall back to their place on the page.
 *
 * The page is taken apart once (its keys read once) and walked with a scan pointer; in memory, the
 * parts only ever move forward.
 */
import type { Change } from '../core/types.js';

interface PageItem {
  id: string;
  listed: Change | undefined;
  record: unknown;
}

export interface PagePart {
  listed: Change[];
  records: unknown[];
  /** Identities of this part's items, in order. */
  ids: string[];
}

export class PageParts {
  private readonly items: PageItem[];
  private readonly done: Set<string>;
  /** Every item before this index is done. */
  private scan = 0;
  private recordsTaken = 0;

  constructor(listed: Change[], records: unknown[], keyOf: (record: unknown) => string | null, done: Iterable<string>) {
    this.items = [
      ...listed.map((change) => ({ id: `deleted:${change.key}`, listed: change, record: undefined as unknown })),
      ...records.map((record, index) => ({ id: identity(keyOf(record), index), listed: undefined, record })),
    ];
    // A key can appear twice on a page (an update, then a delete event of the same object): count
    // occurrences so the second is not taken for the first.
    const seen = new Map<string, number>();
    for (const item of this.items) {
      const n = (seen.get(item.id) ?? 0) + 1;
      seen.set(item.id, n);
      if (n > 1) item.id = `${item.id}#${n}`;
    }
    this.done = new Set(done);
    for (const item of this.items) if (item.listed === undefined && this.done.has(item.id)) this.recordsTaken++;
  }

  /** How many items are committed (or taken, in memory): the checkpoint's `skip`. */
  get doneCount(): number {
    return this.done.size;
  }

  /** Records of the page taken so far, for progress. */
  get recordsDone(): number {
    return this.recordsTaken;
  }

  get finished(): boolean {
    this.advance();
    return this.scan >= this.items.length;
  }

  /** The next part of at most `max` items not yet done; they count as done from now on. */
  take(max: number): PagePart {
    const part: PagePart = { listed: [], records: [], ids: [] };
    this.advance();
    for (let at = this.scan; at < this.items.length && part.ids.length < max; at++) {
      const item = this.items[at];
      if (this.done.has(item.id)) continue;
      this.done.add(item.id);
      part.ids.push(item.id);
      if (item.listed) part.listed.push(item.listed);
      else {
        part.records.push(item.record);
        this.recordsTaken++;
      }
    }
    return part;
  }

  private advance(): void {
    while (this.scan < this.items.length && this.done.has(this.items[this.scan].id)) this.scan++;
  }
}

function identity(key: string | null, index: number): string {
  return key === null ? `#${index}` : `key:${key}`;
}
