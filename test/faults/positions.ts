/**
 * What a sync's committed state says it has read of the sandbox's contacts. Page rows, checkpoint
 * and run counters commit in one transaction, so the records a checkpoint has passed are exactly
 * the ones whose changes were applied — which makes the passed set the expected side of every
 * check: each passed record stored, each delivery counted once.
 *
 * The pagination positions are the engine's checkpoint format, read as a test reads any API:
 * `page.position.at` (the token paginator's last id, the keyset paginator's last position),
 * `page.skip` (records of that page already committed when a page is split over commits).
 */
import type { SourceRecord } from '../../sandbox/server.js';
// The sandbox's own orders, by id and by (updated_at, id): code units, as `<` and `>` compare below.
import { compareIds, compareKeyed } from '../../sandbox/order.js';

/** A keyset position: a record's (updated_at, id), or a time alone (id null). */
export interface KeysetPosition {
  value: string;
  id: string | null;
}

interface PageState {
  position?: { at?: unknown };
  skip: number;
}

interface SyncState {
  phase?: 'delta' | 'deletes';
  cursor?: KeysetPosition;
  page?: PageState;
}

/**
 * Whether the keyset endpoint still returns `record` after `position`: `updated_at > since OR
 * (updated_at = since AND id > since_id)`, where a position without an id keeps every record at
 * its time (the sandbox's since_id defaults to '').
 */
export const isAfter = (record: SourceRecord, position: KeysetPosition) =>
  record.updated_at > position.value || (record.updated_at === position.value && record.id > (position.id ?? ''));

/** What a state has passed, in the sync's order; `splitPage`: the ids of a split page's committed part. */
export interface Passed {
  records: SourceRecord[];
  splitPage: string[];
}

/** Everything before where the page starts, then the first `skip` records of the page. */
function passedAt(ordered: SourceRecord[], from: number, page: PageState | undefined): Passed {
  const splitPage = ordered.slice(from, from + (page?.skip ?? 0));
  return { records: [...ordered.slice(0, from), ...splitPage], splitPage: splitPage.map((record) => record.id) };
}

/**
 * The replace backfill (token pagination over ids, `starting_after`): every id up to the page's
 * start, then the committed part of the page. `closed`: the cycle finished, so it read everything.
 */
export function passedByBackfill(live: SourceRecord[], state: unknown, closed: boolean): Passed {
  const ordered = [...live].sort(compareIds);
  if (closed) return { records: ordered, splitPage: [] };
  const page = (state as SyncState | undefined)?.page;
  if (!page) return { records: [], splitPage: [] };
  const at = page.position?.at;
  const from = typeof at === 'string' ? ordered.filter((record) => record.id <= at).length : 0;
  return passedAt(ordered, from, page);
}

/**
 * A page-number backfill over the (updated_at, id) order with `pageSize` records a page: the pages
 * before the one it is at, then the committed part of that page. (The source must not change within
 * the cycle: page numbers are positions in today's order.)
 */
export function passedByPageNumber(pageSize: number): (live: SourceRecord[], state: unknown, closed: boolean) => Passed {
  return (live, state, closed) => {
    const ordered = [...live].sort(compareKeyed);
    if (closed) return { records: ordered, splitPage: [] };
    const page = (state as SyncState | undefined)?.page;
    if (!page) return { records: [], splitPage: [] };
    const at = page.position?.at;
    return passedAt(ordered, typeof at === 'number' ? (at - 1) * pageSize : 0, page);
  };
}

/**
 * The keyset delta (own phase of a flip-flop state): everything up to its cursor, or to the page
 * position within a cycle, then the committed part of a split page. During the delete stream's
 * phase the top-level page, if any, is not the delta's.
 */
export function passedByKeysetDelta(live: SourceRecord[], state: unknown): Passed {
  const sync = state as SyncState | undefined;
  if (!sync?.cursor) return { records: [], splitPage: [] };
  const page = sync.phase === 'deletes' ? undefined : sync.page;
  const base = (page?.position?.at as KeysetPosition | null | undefined) ?? sync.cursor;
  const ordered = [...live].sort(compareKeyed);
  return passedAt(ordered, ordered.filter((record) => !isAfter(record, base)).length, page);
}
