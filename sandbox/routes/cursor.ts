/**
 * Opaque-token pagination: Stripe (`starting_after` = last id, `has_more`), HubSpot lists (`after`
 * token in `paging.next`, absent on the last page) and a cursor returned in a response header.
 */
import type { ResourceName } from '../data.js';
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { json, type AuthKind, type Reply } from '../http.js';
import { lowerBound } from '../order.js';
import { decodeKey, encodeToken, inWindow, keyOf, keysetPage, limitParam, windowParams } from '../paging.js';
import { contactsWindow, linkTo, visible } from './common.js';

/**
 * Stripe style, sorted by id. `starting_after` is compared, not looked up, so paging goes on even if
 * that record was deleted in between (Stripe answers 404 there; a sandbox that did would only test
 * the happy path less).
 */
function stripeList(resource: ResourceName) {
  return (ctx: SandboxCtx): Reply => {
    const limit = limitParam(ctx.query);
    const window = windowParams(ctx.query);
    const view = visible(ctx);
    const byId = view.byId(resource);
    const rows = window.since || window.before ? view.memo(resource, `id-window:${window.since}:${window.before}`, () => byId.filter((r) => inWindow(r.updated_at, window))) : byId;
    const after = ctx.query.get('starting_after');
    const start = after ? lowerBound(rows, (r) => r.id <= after) : 0;
    const data = rows.slice(start, start + limit);
    return json({ object: 'list', url: ctx.url.pathname, data, has_more: start + limit < rows.length });
  };
}

export function stripeRoute(path: string, resource: ResourceName, auth: AuthKind = 'bearer'): SandboxRoute {
  return { method: 'GET', path, auth, handle: stripeList(resource) };
}

function hubspotList(ctx: SandboxCtx): Reply {
  const limit = limitParam(ctx.query);
  const { page, hasMore } = keysetPage(contactsWindow(ctx), decodeKey(ctx.query.get('after'), 'after'), limit);
  if (!hasMore) return json({ results: page });
  const after = encodeToken(keyOf(page[page.length - 1]));
  return json({ results: page, paging: { next: { after, link: linkTo(ctx, { after }) } } });
}

function headerCursorList(ctx: SandboxCtx): Reply {
  const limit = limitParam(ctx.query);
  const { page, hasMore } = keysetPage(contactsWindow(ctx), decodeKey(ctx.query.get('cursor'), 'cursor'), limit);
  const headers: Record<string, string> = hasMore ? { 'x-next-cursor': encodeToken(keyOf(page[page.length - 1])) } : {};
  return json(page, headers);
}

export const cursorRoutes: SandboxRoute[] = [
  stripeRoute('/v1/contacts', 'contacts'),
  stripeRoute('/v1/companies', 'companies'),
  { method: 'GET', path: '/v1/crm/contacts', auth: 'bearer', handle: hubspotList },
  { method: 'GET', path: '/v1/header/contacts', auth: 'bearer', handle: headerCursorList },
];
