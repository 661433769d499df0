/**
 * The contact change feed. `/v1/events` is ascending with `after=<event id>` (the id is the cursor);
 * `/v1/events/recent` is newest first like Stripe's lists, so the high-water mark of a page is its
 * first element, not its last.
 */
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { json, type Reply } from '../http.js';
import { lowerBound } from '../order.js';
import { limitParam } from '../paging.js';
import { visible } from './common.js';

/** Event ids are zero-padded and assigned in order, so string order is feed order. */
function ascending(ctx: SandboxCtx): Reply {
  const events = visible(ctx).events;
  const after = ctx.query.get('after');
  const start = after ? lowerBound(events, (e) => e.id <= after) : 0;
  const limit = limitParam(ctx.query);
  return json({ object: 'list', data: events.slice(start, start + limit), has_more: start + limit < events.length });
}

function newestFirst(ctx: SandboxCtx): Reply {
  const events = visible(ctx).events;
  const startingAfter = ctx.query.get('starting_after');
  const end = startingAfter ? lowerBound(events, (e) => e.id < startingAfter) : events.length;
  const limit = limitParam(ctx.query);
  const start = Math.max(0, end - limit);
  return json({ object: 'list', data: events.slice(start, end).reverse(), has_more: start > 0 });
}

export const eventRoutes: SandboxRoute[] = [
  { method: 'GET', path: '/v1/events', auth: 'bearer', handle: ascending },
  { method: 'GET', path: '/v1/events/recent', auth: 'bearer', handle: newestFirst },
];
