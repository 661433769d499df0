/**
 * GraphQL Relay connection over contacts: `{ edges { cursor node } pageInfo { endCursor hasNextPage } }`,
 * variables `first`, `after`, and optional `updatedSince`/`updatedBefore` (ISO) for the window.
 * No GraphQL parser: the sandbox only checks the query names `contacts`. Errors use GraphQL's own
 * envelope with HTTP 200, because that is what clients must learn to detect.
 */
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { HttpError, json, type Reply } from '../http.js';
import { DEFAULT_LIMIT, decodeKey, encodeToken, intValue, isoValue, keyOf, keysetPage, MAX_LIMIT } from '../paging.js';
import { contactsWindow } from './common.js';

function graphqlError(message: string, code: string): Reply {
  return json({ data: null, errors: [{ message, extensions: { code } }] });
}

function contacts(ctx: SandboxCtx): Reply {
  const body = (ctx.body ?? {}) as { query?: unknown; variables?: Record<string, unknown> | null };
  if (typeof body.query !== 'string') return graphqlError('Must provide a query string.', 'BAD_REQUEST');
  if (!/\bcontacts\b/.test(body.query)) return graphqlError('Only the `contacts` field can be queried on type Query.', 'GRAPHQL_VALIDATION_FAILED');
  const vars = body.variables ?? {};
  try {
    const first = vars.first == null ? DEFAULT_LIMIT : intValue(vars.first, '$first', 1, MAX_LIMIT);
    const after = typeof vars.after === 'string' ? decodeKey(vars.after, '$after') : undefined;
    const since = typeof vars.updatedSince === 'string' ? isoValue(vars.updatedSince, '$updatedSince') : undefined;
    const before = typeof vars.updatedBefore === 'string' ? isoValue(vars.updatedBefore, '$updatedBefore') : undefined;
    const { page, hasMore } = keysetPage(contactsWindow(ctx, { since, before }), after, first);
    const edges = page.map((node) => ({ cursor: encodeToken(keyOf(node)), node }));
    const pageInfo = { endCursor: edges.length ? edges[edges.length - 1].cursor : null, hasNextPage: hasMore };
    return json({ data: { contacts: { edges, pageInfo } } });
  } catch (err) {
    if (err instanceof HttpError) return graphqlError(`Variable error: ${err.message}`, 'BAD_USER_INPUT');
    throw err;
  }
}

export const graphqlRoutes: SandboxRoute[] = [{ method: 'POST', path: '/graphql', auth: 'bearer', handle: contacts }];
