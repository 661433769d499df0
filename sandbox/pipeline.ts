/**
 * The life of one request: faults first (they model the network and the provider's edge), then the
 * rate budget, auth, the route handler, and finally the fault that corrupts a good answer. Each step
 * yields a `Reply` value, so the order is visible here and nowhere else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { adminError, adminRoutes, type AdminEnv } from './admin.js';
import { authenticate } from './auth.js';
import type { SandboxEnv } from './env.js';
import { truncate } from './faults.js';
import { errorReply, HttpError, matchRoute, parseBody, readBody, send, serialize, type Reply } from './http.js';
import type { RateDecision } from './ratelimit.js';
import { routes } from './routes/index.js';

function internalError(err: unknown): Reply {
  console.error('[sandbox] handler failed:', err);
  return { status: 500, body: { error: 'internal', message: err instanceof Error ? err.message : String(err) } };
}

function githubHeaders(rate: RateDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(rate.limit),
    'x-ratelimit-remaining': String(Math.max(0, rate.remaining)),
    'x-ratelimit-reset': String(Math.ceil(rate.resetAt / 1000)),
    'x-ratelimit-used': String(rate.limit - Math.max(0, rate.remaining)),
    'x-ratelimit-resource': 'core',
  };
}

/** Over budget: 429 + Retry-After, or GitHub's 403 whose only hint is x-ratelimit-remaining: 0. */
function rateLimited(rate: RateDecision, github: boolean, now: number): HttpError {
  if (github) {
    const message = 'API rate limit exceeded';
    return new HttpError(403, 'rate_limited', message, {}, { message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' });
  }
  const retryAfter = String(Math.max(1, Math.ceil((rate.resetAt - now) / 1000)));
  return new HttpError(429, 'rate_limited', `over the budget of ${rate.limit} requests; retry in ${retryAfter} s`, { 'retry-after': retryAfter });
}

function baseUrlOf(req: IncomingMessage, fallback: string): string {
  return req.headers.host ? `http://${req.headers.host}` : fallback;
}

async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, env: SandboxEnv, serverUrl: string): Promise<void> {
  const started = env.clock.now();
  const t0 = performance.now();
  const method = req.method ?? 'GET';
  const match = matchRoute(routes, method, url.pathname);
  const github = 'route' in match && match.route.github === true;
  const decision = env.faults.decide(url.pathname, started);
  const log = (status: number) =>
    env.stats.record({
      method, path: url.pathname, url: req.url ?? url.pathname, status, time: started,
      durationMs: Math.round(performance.now() - t0), ...(decision.kinds.length ? { faults: decision.kinds } : {}),
    });

  let reply: Reply;
  let rate: RateDecision | undefined;
  try {
    const raw = await readBody(req);
    if (decision.delayMs > 0) await delay(decision.delayMs);
    if (decision.replace === 'reset') {
      req.socket.destroy();
      log(0);
      return;
    }
    if (decision.replace) {
      reply = decision.replace;
    } else {
      if ('status' in match) throw new HttpError(match.status, match.status === 404 ? 'not_found' : 'method_not_allowed', `no route for ${method} ${url.pathname}`);
      rate = env.limiter.take();
      if (!rate.allowed) throw rateLimited(rate, github, env.clock.now());
      authenticate(match.route.auth, req.headers, url.searchParams, env.creds, env.oauth);
      reply = match.route.handle({
        method, url, query: url.searchParams, params: match.params, headers: req.headers,
        body: parseBody(raw, req.headers['content-type']), baseUrl: baseUrlOf(req, serverUrl), env,
      });
    }
  } catch (err) {
    reply = err instanceof HttpError ? errorReply(err) : internalError(err);
  }
  const out = serialize(reply);
  const payload = decision.malformed && reply.text === undefined ? truncate(out.payload) : out.payload;
  const headers = github ? { ...reply.headers, ...githubHeaders(rate ?? env.limiter.peek()) } : (reply.headers ?? {});
  send(res, reply.status, headers, out.contentType, payload);
  log(reply.status);
}

async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, admin: AdminEnv): Promise<void> {
  let reply: Reply;
  try {
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const match = matchRoute(adminRoutes, method, url.pathname);
    if ('status' in match) throw new HttpError(match.status, 'not_found', `no admin route for ${method} ${url.pathname}`);
    reply = match.route.handle({
      method, url, query: url.searchParams, params: match.params, headers: req.headers,
      body: parseBody(raw, req.headers['content-type']), baseUrl: baseUrlOf(req, admin.url), env: admin,
    });
  } catch (err) {
    const known = adminError(err);
    reply = known ? errorReply(known) : internalError(err);
  }
  const out = serialize(reply);
  send(res, reply.status, reply.headers ?? {}, out.contentType, out.payload);
}

export function createRequestHandler(env: SandboxEnv, admin: AdminEnv): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const isAdmin = url.pathname.startsWith('/_admin/');
    if (!isAdmin) res.once('close', env.stats.arrived());
    const done = isAdmin ? handleAdmin(req, res, url, admin) : handleApi(req, res, url, env, admin.url);
    done.catch((err) => {
      if (!res.headersSent) send(res, 500, {}, 'application/json', JSON.stringify({ error: 'internal', message: String(err) }));
      else res.destroy();
    });
  };
}
