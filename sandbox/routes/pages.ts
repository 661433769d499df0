/**
 * Page-number and offset pagination. Positions are recomputed per request, so a record updated while
 * a client pages moves and can be skipped or seen twice: the hazard these styles really have.
 */
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { json, type Reply } from '../http.js';
import { DEFAULT_LIMIT, intParam, MAX_LIMIT } from '../paging.js';
import { contactsWindow } from './common.js';

function paged(ctx: SandboxCtx): Reply {
  const page = intParam(ctx.query, 'page', 1, 1);
  const perPage = intParam(ctx.query, 'per_page', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const rows = contactsWindow(ctx);
  const items = rows.slice((page - 1) * perPage, page * perPage);
  return json({ items, page, per_page: perPage, total_pages: Math.ceil(rows.length / perPage) });
}

/** Jira: `startAt`/`maxResults`/`total`; `isLast` as Jira's agile endpoints add it. */
function jira(ctx: SandboxCtx): Reply {
  const startAt = intParam(ctx.query, 'startAt', 0, 0);
  const maxResults = intParam(ctx.query, 'maxResults', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const rows = contactsWindow(ctx);
  const values = rows.slice(startAt, startAt + maxResults);
  return json({ startAt, maxResults, total: rows.length, isLast: startAt + maxResults >= rows.length, values });
}

export const pageRoutes: SandboxRoute[] = [
  { method: 'GET', path: '/v1/paged/contacts', auth: 'bearer', handle: paged },
  { method: 'GET', path: '/v1/jira/contacts', auth: 'bearer', handle: jira },
];
