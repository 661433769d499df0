/**
 * Stripe's event list (`GET /v1/events`), as Stripe documents it, over the contact feed: newest first;
 * `created` in whole seconds, so a create, an update and a delete of one customer often share one;
 * event ids that are not ordered (`evt_` and random-looking characters); `created[gte|gt|lte|lt]`
 * filters in epoch seconds; `starting_after` (the next, older page) and `ending_before` by event id;
 * `limit` 1–100; `has_more`. Event types are Stripe's (`customer.created`, `customer.updated`,
 * `customer.deleted`); the object is the contact.
 */
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { badRequest, json, type Reply } from '../http.js';
import { limitParam } from '../paging.js';
import type { SandboxEvent } from '../view.js';
import { visible } from './common.js';

interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: SandboxEvent['data'];
}

/** A deterministic id that does not sort like the feed (Stripe's ids are not ordered). */
export function stripeEventId(sandboxId: string): string {
  const n = Number(sandboxId.replace(/\D/g, ''));
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ (h >>> 16);
  return `evt_${(h >>> 0).toString(36).padStart(7, '0')}${n.toString(36)}`;
}

function toStripe(event: SandboxEvent): StripeEvent {
  return {
    id: stripeEventId(event.id),
    object: 'event',
    type: event.type.replace(/^contact\./, 'customer.'),
    created: Math.floor(Date.parse(event.created_at) / 1000),
    data: event.data,
  };
}

const BOUNDS = { gte: (c: number, v: number) => c >= v, gt: (c: number, v: number) => c > v, lte: (c: number, v: number) => c <= v, lt: (c: number, v: number) => c < v };

function createdFilter(query: URLSearchParams): (created: number) => boolean {
  const tests: ((created: number) => boolean)[] = [];
  for (const [op, holds] of Object.entries(BOUNDS)) {
    const raw = query.get(`created[${op}]`);
    if (raw === null || raw === '') continue;
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid integer: created[${op}]=${raw}`, 'parameter_invalid_integer');
    tests.push((created) => holds(created, Number(raw)));
  }
  return (created) => tests.every((test) => test(created));
}

function listEvents(ctx: SandboxCtx): Reply {
  const inWindow = createdFilter(ctx.query);
  // Newest first: by creation second, and within a second by the feed's own order.
  const events = visible(ctx).events.map(toStripe).filter((event) => inWindow(event.created)).reverse();
  const startingAfter = ctx.query.get('starting_after');
  const endingBefore = ctx.query.get('ending_before');
  const limit = limitParam(ctx.query);
  const at = (id: string, param: string) => {
    const index = events.findIndex((event) => event.id === id);
    if (index < 0) throw badRequest(`No such event: '${id}' (${param})`, 'resource_missing');
    return index;
  };
  if (endingBefore) {
    const end = at(endingBefore, 'ending_before');
    const start = Math.max(0, end - limit);
    return json({ object: 'list', url: '/v1/events', data: events.slice(start, end), has_more: start > 0 });
  }
  const start = startingAfter ? at(startingAfter, 'starting_after') + 1 : 0;
  return json({ object: 'list', url: '/v1/events', data: events.slice(start, start + limit), has_more: start + limit < events.length });
}

export const stripeRoutes: SandboxRoute[] = [{ method: 'GET', path: '/v1/stripe/events', auth: 'bearer', handle: listEvents }];
