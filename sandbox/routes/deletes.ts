/**
 * The ways APIs reveal deletions: markers in the delta feed (`deleted: true`), an `archived=true`
 * listing (HubSpot), an audit log of deleted ids, and a sync response carrying `deleted_ids`.
 * All are built from the view's tombstones, so every style tells the same story.
 */
import type { SourceRecord } from '../data.js';
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { json, type Reply } from '../http.js';
import { compareKeyed, lowerBound, mergeSorted, type Keyed } from '../order.js';
import { decodeKey, encodeToken, isoParam, keyOf, keysetPage, limitParam, sliceWindow, windowParams } from '../paging.js';
import type { Tombstone } from '../view.js';
import { linkTo, visible } from './common.js';

export interface Marker extends Keyed {
  deleted: true;
}
type Row = SourceRecord | Marker;

const isMarker = (r: Row): r is Marker => (r as Marker).deleted === true;

export function markerOf(t: Tombstone): Marker {
  return { id: t.id, deleted: true, updated_at: t.deleted_at };
}

/** Live contacts and `{ id, deleted: true, updated_at: deleted_at }` markers in one (updated_at, id) order. */
function markedRows(ctx: SandboxCtx): Row[] {
  const view = visible(ctx);
  // Both inputs are already in (updated_at, id) order (a tombstone's key is its deleted_at).
  return view.memo<Row>('contacts', 'marked', () => mergeSorted<Row>(view.byUpdated('contacts'), view.tombstones('contacts').map(markerOf), compareKeyed));
}

function marked(ctx: SandboxCtx): Reply {
  const rows = sliceWindow(markedRows(ctx), windowParams(ctx.query));
  const { page, hasMore } = keysetPage(rows, decodeKey(ctx.query.get('cursor'), 'cursor'), limitParam(ctx.query));
  return json(hasMore ? { data: page, next_cursor: encodeToken(keyOf(page[page.length - 1])) } : { data: page });
}

/** HubSpot: `archived=true` lists only removed records (last state, archived_at = updated_at = removal). */
function archived(ctx: SandboxCtx): Reply {
  const view = visible(ctx);
  const onlyArchived = ctx.query.get('archived') === 'true';
  const all: readonly SourceRecord[] = onlyArchived
    ? view.memo('contacts', 'archived', () =>
        view.tombstones('contacts').map((t) => ({ ...t.last, archived: true, archived_at: t.deleted_at, updated_at: t.deleted_at })),
      )
    : view.byUpdated('contacts');
  const { page, hasMore } = keysetPage(sliceWindow(all, windowParams(ctx.query)), decodeKey(ctx.query.get('after'), 'after'), limitParam(ctx.query));
  const results = onlyArchived ? page : page.map((r) => ({ ...r, archived: false }));
  if (!hasMore) return json({ results });
  const after = encodeToken(keyOf(page[page.length - 1]));
  return json({ results, paging: { next: { after, link: linkTo(ctx, { after }) } } });
}

/** Audit log, ordered by (deleted_at, id); `since` is inclusive. */
function auditLog(ctx: SandboxCtx): Reply {
  const view = visible(ctx);
  const rows = view.memo<Keyed>('contacts', 'audit', () => view.tombstones('contacts').map((t) => ({ id: t.id, updated_at: t.deleted_at })));
  const since = isoParam(ctx.query, 'since');
  const from = since === undefined ? rows : rows.slice(lowerBound(rows, (r) => r.updated_at < since));
  const { page, hasMore } = keysetPage(from, decodeKey(ctx.query.get('cursor'), 'cursor'), limitParam(ctx.query));
  const data = page.map((r) => ({ id: r.id, deleted_at: r.updated_at }));
  return json(hasMore ? { data, next_cursor: encodeToken(keyOf(page[page.length - 1])) } : { data });
}

/**
 * Changes and deletions since a timestamp, with `next_since` to pass back. A page never splits a group
 * of equal timestamps (it grows past `limit` instead), so `next_since` = last timestamp + 1 ms loses
 * nothing and repeats nothing. An empty page hands `since` back unchanged.
 */
function syncFeed(ctx: SandboxCtx): Reply {
  const since = isoParam(ctx.query, 'since');
  const rows = sliceWindow(markedRows(ctx), { since });
  const limit = limitParam(ctx.query);
  let end = Math.min(limit, rows.length);
  while (end > 0 && end < rows.length && rows[end].updated_at === rows[end - 1].updated_at) end++;
  const page = rows.slice(0, end);
  const nextSince = page.length ? new Date(Date.parse(page[page.length - 1].updated_at) + 1).toISOString() : (since ?? new Date(0).toISOString());
  return json({
    items: page.filter((r): r is SourceRecord => !isMarker(r)),
    deleted_ids: page.filter(isMarker).map((r) => r.id),
    next_since: nextSince,
    has_more: end < rows.length,
  });
}

export const deleteRoutes: SandboxRoute[] = [
  { method: 'GET', path: '/v1/marked/contacts', auth: 'bearer', handle: marked },
  { method: 'GET', path: '/v1/archived/contacts', auth: 'bearer', handle: archived },
  { method: 'GET', path: '/v1/contacts/deleted', auth: 'bearer', handle: auditLog },
  { method: 'GET', path: '/v1/sync/contacts', auth: 'bearer', handle: syncFeed },
];
