/**
 * `/_admin/*`: the `SandboxSource` over HTTP (JSON in, JSON out), for tests that drive the sandbox as
 * a child process. No auth, never faulted, never rate limited and not logged in stats — observing or
 * steering the source must not disturb what the engine under test sees.
 */
import { iso } from './clock.js';
import type { Counts } from './data.js';
import type { FaultOptions } from './faults.js';
import { badRequest, HttpError, json, type Ctx, type Reply, type Route } from './http.js';
import type { SandboxConfig, SandboxSource } from './source.js';
import type { StatsFilter } from './stats.js';
import { asResource, SandboxError } from './store.js';

export interface AdminEnv {
  source: SandboxSource;
  /** The sandbox's base URL, for `/_admin/info`. */
  url: string;
}
type AdminCtx = Ctx<AdminEnv>;

function bodyOf(ctx: AdminCtx): Record<string, unknown> {
  const body = ctx.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('expected a JSON object body');
  return body as Record<string, unknown>;
}

function str(body: Record<string, unknown>, key: string): string {
  if (typeof body[key] !== 'string') throw badRequest(`${key} (string) is required`);
  return body[key] as string;
}

function obj(body: Record<string, unknown>, key: string, optional = false): Record<string, unknown> {
  const v = body[key];
  if (optional && v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${key} (object) is required`);
  return v as Record<string, unknown>;
}

function date(body: Record<string, unknown>, key: string): Date | undefined {
  if (body[key] === undefined || body[key] === null) return undefined;
  const d = new Date(String(body[key]));
  if (Number.isNaN(d.getTime())) throw badRequest(`${key} must be an ISO-8601 timestamp`);
  return d;
}

function numParam(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(n)) throw badRequest(`${key} must be epoch ms or an ISO timestamp`);
  return n;
}

function info({ env }: AdminCtx): Reply {
  const { source, url } = env;
  return json({ url, seed: source.seed, counts: source.counts, badContactIds: source.badContactIds, now: iso(source.clock.now()), config: source.config() });
}

const routes: Route<AdminEnv>[] = [
  { method: 'GET', path: '/_admin/info', auth: 'none', handle: info },
  {
    method: 'POST', path: '/_admin/create', auth: 'none',
    handle: (ctx) => {
      const b = bodyOf(ctx);
      return json({ record: ctx.env.source.create(asResource(b.resource), obj(b, 'record', true)) }, {}, 201);
    },
  },
  {
    method: 'POST', path: '/_admin/update', auth: 'none',
    handle: (ctx) => {
      const b = bodyOf(ctx);
      return json({ record: ctx.env.source.update(asResource(b.resource), str(b, 'id'), obj(b, 'patch'), { at: date(b, 'at') }) });
    },
  },
  {
    method: 'POST', path: '/_admin/remove', auth: 'none',
    handle: (ctx) => {
      const b = bodyOf(ctx);
      return json(ctx.env.source.remove(asResource(b.resource), str(b, 'id')));
    },
  },
  {
    method: 'POST', path: '/_admin/bulk-update', auth: 'none',
    handle: (ctx) => {
      const b = bodyOf(ctx);
      if (!Array.isArray(b.ids) || !b.ids.every((id) => typeof id === 'string')) throw badRequest('ids (string array) is required');
      return json({ records: ctx.env.source.bulkUpdate(asResource(b.resource), b.ids as string[], obj(b, 'patch'), date(b, 'at')) });
    },
  },
  { method: 'GET', path: '/_admin/faults', auth: 'none', handle: (ctx) => json({ faults: ctx.env.source.faults.get() }) },
  {
    method: 'POST', path: '/_admin/faults', auth: 'none',
    handle: (ctx) => {
      ctx.env.source.faults.set(bodyOf(ctx) as FaultOptions);
      return json({ faults: ctx.env.source.faults.get() });
    },
  },
  {
    method: 'GET', path: '/_admin/snapshot', auth: 'none',
    handle: ({ env, query }) => {
      const resource = asResource(query.get('resource') ?? 'contacts');
      return json({ resource, records: env.source.list(resource), deleted: env.source.deletions(resource) });
    },
  },
  { method: 'GET', path: '/_admin/events', auth: 'none', handle: (ctx) => json({ events: ctx.env.source.events() }) },
  {
    method: 'GET', path: '/_admin/stats', auth: 'none',
    handle: ({ env, query }) => {
      const status = numParam(query, 'status');
      const filter: StatsFilter = { pathPrefix: query.get('pathPrefix') ?? undefined, method: query.get('method') ?? undefined, status, from: numParam(query, 'from'), to: numParam(query, 'to') };
      const summary = env.source.stats.summary(filter);
      return json(query.get('requests') === 'false' ? summary : { ...summary, requests: env.source.stats.filter(filter) });
    },
  },
  {
    method: 'POST', path: '/_admin/stats/clear', auth: 'none',
    handle: (ctx) => {
      ctx.env.source.stats.clear();
      return json({ ok: true });
    },
  },
  {
    method: 'POST', path: '/_admin/reset', auth: 'none',
    handle: (ctx) => {
      const b = bodyOf(ctx);
      if (b.seed !== undefined && !Number.isInteger(b.seed)) throw badRequest('seed must be an integer');
      ctx.env.source.reset(b.seed as number | undefined, { counts: obj(b, 'counts', true) as Partial<Counts>, clean: b.clean === undefined ? undefined : b.clean === true });
      return info(ctx);
    },
  },
  {
    method: 'POST', path: '/_admin/expire-tokens', auth: 'none',
    handle: (ctx) => {
      const kind = bodyOf(ctx).kind ?? 'all';
      if (kind !== 'delta' && kind !== 'oauth' && kind !== 'all') throw badRequest('kind must be delta, oauth or all');
      ctx.env.source.expireTokens(kind);
      return json({ ok: true, kind });
    },
  },
  { method: 'GET', path: '/_admin/config', auth: 'none', handle: (ctx) => json(ctx.env.source.config()) },
  { method: 'POST', path: '/_admin/config', auth: 'none', handle: (ctx) => json(ctx.env.source.configure(bodyOf(ctx) as Partial<SandboxConfig>)) },
  {
    method: 'POST', path: '/_admin/clock', auth: 'none',
    handle: (ctx) => {
      const ms = bodyOf(ctx).advanceMs;
      if (typeof ms !== 'number' || !(ms >= 0)) throw badRequest('advanceMs must be a non-negative number');
      ctx.env.source.clock.advance(ms);
      return json({ now: iso(ctx.env.source.clock.now()) });
    },
  },
];

export const adminRoutes: readonly Route<AdminEnv>[] = routes;

/** Maps the source's own errors onto HTTP: unknown id → 404, bad input → 400. */
export function adminError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof SandboxError) return new HttpError(err.code === 'not_found' ? 404 : 400, err.code, err.message);
  if (err instanceof TypeError || err instanceof RangeError) return new HttpError(400, 'invalid', err.message);
  return undefined;
}
