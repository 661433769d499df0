/**
 * Next-URL pagination: Salesforce (`nextRecordsUrl`, relative, with `done`) and Microsoft Graph
 * (`@odata.nextLink`, absolute). The client follows the URL verbatim, so the token must carry the
 * whole query (window, page size), not just the position.
 */
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { badRequest, json, type Reply } from '../http.js';
import { decodeKey, decodeToken, encodeToken, intParam, isKeyTuple, keyed, keyOf, keysetPage, limitParam, MAX_LIMIT, DEFAULT_LIMIT, type KeyTuple, type Window, windowParams } from '../paging.js';
import { contactsWindow, linkTo } from './common.js';

/** A Salesforce query locator: position, page size, window and the query's totalSize. */
interface Locator {
  k: KeyTuple;
  l: number;
  w: Window;
  n: number;
}

function isLocator(v: unknown): v is Locator {
  const o = v as Locator;
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  return (
    !!o && typeof o === 'object' && isKeyTuple(o.k) && Number.isInteger(o.l) && Number.isInteger(o.n) &&
    !!o.w && typeof o.w === 'object' && optionalString(o.w.since) && optionalString(o.w.before)
  );
}

function salesforcePage(ctx: SandboxCtx, window: Window, limit: number, after: KeyTuple | undefined, totalSize?: number): Reply {
  const rows = contactsWindow(ctx, window);
  const { page, hasMore } = keysetPage(rows, after && keyed(after), limit);
  const n = totalSize ?? rows.length;
  const body: Record<string, unknown> = { totalSize: n, done: !hasMore, records: page };
  if (hasMore) body.nextRecordsUrl = `/v1/sf/contacts/next/${encodeToken({ k: keyOf(page[page.length - 1]), l: limit, w: window, n } satisfies Locator)}`;
  return json(body);
}

function salesforceFirst(ctx: SandboxCtx): Reply {
  return salesforcePage(ctx, windowParams(ctx.query), limitParam(ctx.query), undefined);
}

function salesforceNext(ctx: SandboxCtx): Reply {
  const loc = decodeToken(ctx.params.token, 'query locator', isLocator);
  if (loc.l < 1 || loc.l > MAX_LIMIT) throw badRequest('query locator has an invalid page size');
  return salesforcePage(ctx, loc.w, loc.l, loc.k, loc.n);
}

function graphList(ctx: SandboxCtx): Reply {
  const top = intParam(ctx.query, '$top', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const { page, hasMore } = keysetPage(contactsWindow(ctx), decodeKey(ctx.query.get('$skiptoken'), '$skiptoken'), top);
  const body: Record<string, unknown> = { '@odata.context': `${ctx.baseUrl}/v1/graph/$metadata#contacts`, value: page };
  if (hasMore) body['@odata.nextLink'] = linkTo(ctx, { $top: top, $skiptoken: encodeToken(keyOf(page[page.length - 1])) });
  return json(body);
}

export const nextUrlRoutes: SandboxRoute[] = [
  { method: 'GET', path: '/v1/sf/contacts', auth: 'bearer', handle: salesforceFirst },
  { method: 'GET', path: '/v1/sf/contacts/next/:token', auth: 'bearer', handle: salesforceNext },
  { method: 'GET', path: '/v1/graph/contacts', auth: 'bearer', handle: graphList },
];
