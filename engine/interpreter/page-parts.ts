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
import type { Change, ExecuteContext, PageLogUpdate } from '../core/types.js';
import type { FetchedPage } from './stream.js';

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

/** The last fetched page of a partition, taken apart for its commits when it is split. */
export interface CachedPage {
  key: string;
  page: FetchedPage;
  parts?: PageParts;
}

/** Where the cycle stands on the page it reads (the page state's `skip`, and `done` as saved before the page log). */
export interface PagePosition {
  skip: number;
  done?: string[];
}

export interface Part {
  listed: Change[];
  records: unknown[];
  /** The page state after this part, when more of the page remains, and how many of its records are committed with this part. */
  rest?: { skip: number; recordsDone: number };
  /** What this part adds to the page log. */
  pageLog?: PageLogUpdate;
  /** Empties the page log when the page ends early (a feed waiting at a young record). */
  clears?: PageLogUpdate;
}

/**
 * The next part of the page: all of it when it fits one commit and nothing is committed yet (the
 * common case, no keys read); otherwise the next maxChanges items the page log does not hold.
 */
export async function nextPart(
  cached: CachedPage, page: PagePosition, listed: Change[], records: unknown[], maxChanges: number,
  keyOf: (record: unknown) => string | null, ctx: ExecuteContext,
): Promise<Part> {
  if (page.skip === 0 && !page.done && listed.length + records.length <= maxChanges) return { listed, records };
  // The cached parts match the committed state only when they took exactly what was committed: after
  // a failed commit (or in a new process) they are rebuilt from the page log.
  if (!cached.parts || cached.parts.doneCount !== page.skip) {
    const done = page.skip === 0 ? [] : (page.done ?? (await ctx.pageLog?.()) ?? []);
    cached.parts = new PageParts(listed, records, keyOf, done);
  }
  const parts = cached.parts;
  const fromState = page.done !== undefined;
  const before = page.skip;
  const part = parts.take(maxChanges);
  const clears: PageLogUpdate | undefined = before > 0 ? { reset: true, add: [] } : undefined;
  if (parts.finished) {
    // The page is done: its log is emptied with its last part.
    return { listed: part.listed, records: part.records, pageLog: before > 0 ? { reset: true, add: [] } : undefined, clears };
  }
  // A state saved before the page log kept its identities itself: they move into the log at once.
  const pageLog: PageLogUpdate = before === 0 || fromState ? { reset: true, add: [...(page.done ?? []), ...part.ids] } : { reset: false, add: part.ids };
  return { listed: part.listed, records: part.records, rest: { skip: parts.doneCount, recordsDone: parts.recordsDone }, pageLog, clears };
}

