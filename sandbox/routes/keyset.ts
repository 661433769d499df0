/**
 * Keyset on (updated_at, id), the one order that pages a mutable, timestamp-sorted set without gaps
 * when timestamps tie: `updated_at > since OR (updated_at = since AND id > since_id)`.
 */
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { json, type Reply } from '../http.js';
import { isoParam, keysetPage, limitParam } from '../paging.js';
import { contactsWindow } from './common.js';

/**
 * `since` without `since_id` keeps every record at `since` (an empty id sorts before all ids), so the
 * first call of an incremental sync is inclusive, like `updated_since`.
 */
function keyset(ctx: SandboxCtx): Reply {
  const since = isoParam(ctx.query, 'since');
  const after = since === undefined ? undefined : { updated_at: since, id: ctx.query.get('since_id') ?? '' };
  const { page, hasMore } = keysetPage(contactsWindow(ctx), after, limitParam(ctx.query));
  return json({ data: page, has_more: hasMore });
}

export const keysetRoutes: SandboxRoute[] = [{ method: 'GET', path: '/v1/keyset/contacts', auth: 'bearer', handle: keyset }];
