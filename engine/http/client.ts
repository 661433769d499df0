/**
 * The HTTP client every sync sends through. got does the transport (keep-alive sockets, timeouts,
 * redirects, decompression); the policy is ours and lives here: pacing before every attempt, retries with
 * backoff for transient faults, waits for rate limits, one token refresh on a 401, JSON parsing with errors
 * that name the request and never leak a secret.
 *
 * Rate limits pause everyone sharing the budget, not just the request that met one: a 429 or GitHub's
 * 403 pauses the pacer for as long as the API asks, and so does — before any request is wasted on a
 * certain 429 — any answer whose remaining header reaches 0 (until its reset). A client without a pacer
 * keeps the same pause for its own calls.
 *
 * No wait the API asks for (Retry-After, a rate-limit reset) lasts longer than `maxWaitMs` (15 min by
 * default). GitHub's budget resets hourly, so a spent budget can mean a 59-minute wait; rather than hang
 * that long in silence, the request fails at once with the time in the message, and the next run (or the
 * scheduler) picks up from the last committed page. A library caller that prefers to wait sets it higher.
 */
import http from 'node:http';
import https from 'node:https';
import got, { ReadError, RequestError, TimeoutError } from 'got';
import type { Authenticator, TokenHttp } from './auth/types.js';
import { excerpt, HttpError, ResponseFormatError, summarizeStatus, type HttpErrorCode, type HttpErrorKind } from './errors.js';
import { PauseTooLong, type Pacer, type Release } from './pacer.js';
import type { Redactor } from './redact.js';
import { describeRequest, headerValue, requestUrl, resolveUrl, type HttpRequest, type HttpResponse } from './request.js';
import { DEFAULT_RATE_LIMIT, formatTime, isExhausted, resetAt, type RateLimitRules } from './rate-limit.js';
import { backoffDelay, classifyStatus, RETRIABLE_NETWORK_CODES, type RetryPolicy } from './retry.js';
import { abortReason, sleep } from './sleep.js';

export interface RequestInfo {
  /** The request before authentication (URL resolved): safe to log through describeRequest. */
  request: HttpRequest;
  status?: number;
  /** 1 for the first attempt of a request. */
  attempt: number;
  durationMs: number;
  /** One line, redacted. */
  error?: string;
}

export interface ClientMetrics {
  requests: number;
  retries: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Sent with every request; a request's own headers win. */
  headers: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Where the API reports its budget. @default GitHub's x-ratelimit-remaining / x-ratelimit-reset (epoch seconds) */
  rateLimit?: RateLimitRules;
  /** The longest the API may make a request wait (Retry-After, a rate-limit reset) before it fails instead. @default 900_000 (15 min) */
  maxWaitMs?: number;
  auth: Authenticator;
  pacer?: Pacer;
  redactor: Redactor;
  onRequest?: (info: RequestInfo) => void;
  signal?: AbortSignal;
  /** Counters to add to (e.g. the runtime's SyncMetrics); a fresh pair by default. */
  metrics?: ClientMetrics;
}

/** Per-call context, for a client shared by several syncs: each call's own cancellation and counters. */
export interface SendOptions {
  /** Aborts this call (together with the client's own signal). */
  signal?: AbortSignal;
  /** Counted into as well as the client's metrics. */
  metrics?: ClientMetrics;
  /** Who the call is for (one value per sync, compared by identity): the pacer shares its budget fairly between owners. */
  owner?: unknown;
}

export interface HttpClient {
  send(request: HttpRequest, io?: SendOptions): Promise<HttpResponse>;
  readonly metrics: ClientMetrics;
  /** Closes the kept-alive sockets. */
  close(): void;
}

interface Failure {
  kind: HttpErrorKind;
  code: HttpErrorCode;
  status?: number;
  summary: string;
  waitMs?: number;
  cause?: unknown;
}

/** exhaustedUntil: the answer spent the budget (remaining header at 0); it refills then (epoch ms). */
type Outcome = ({ ok: true; response: HttpResponse } | { ok: false; failure: Failure }) & { exhaustedUntil?: number };

const DEFAULT_HEADERS = { accept: 'application/json', 'user-agent': 'syncspec' };
const DEFAULT_MAX_WAIT_MS = 15 * 60_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { baseUrl, retry, auth, pacer, redactor } = options;
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const metrics = options.metrics ?? { requests: 0, retries: 0 };
  const agent = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  // The pause lives in the pacer, shared with every client on it; a client without one keeps its own.
  let ownPauseUntil = 0;
  const pauseUntil = (epochMs: number) => {
    if (pacer) pacer.pauseUntil(epochMs);
    else ownPauseUntil = Math.max(ownPauseUntil, epochMs);
  };
  const pausedForMs = () => (pacer ? pacer.pausedForMs() : Math.max(0, ownPauseUntil - Date.now()));

  async function attemptOnce(request: HttpRequest, authed: HttpRequest, signal: AbortSignal | undefined): Promise<Outcome> {
    try {
      const res = await got(requestUrl(authed), {
        method: authed.method,
        headers: authed.headers,
        ...(authed.form !== undefined ? { form: authed.form } : authed.body !== undefined ? { json: authed.body } : {}),
        timeout: { request: options.timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        agent,
        signal,
        responseType: 'text',
        hooks: { beforeRedirect: [(redirected) => dropCredentialsAcrossOrigins(redirected, authed, request, redactor)] },
      });
      const exhaustedUntil = isExhausted(res.headers, rateLimit) ? resetAt(res.headers, rateLimit) : undefined;
      const verdict = classifyStatus(res.statusCode, res.headers, rateLimit);
      if (verdict.kind !== 'ok') {
        const summary = summarizeStatus(res.statusCode, res.statusMessage, res.body, redactor);
        return { ok: false, failure: { ...verdict, code: 'HTTP_STATUS', status: res.statusCode, summary }, exhaustedUntil };
      }
      const parsed = parseJson(res.body, headerValue(res.headers, 'content-type'), res.statusCode, redactor);
      if (!parsed.ok) {
        const kind = parsed.retriable ? 'retriable' : 'fatal';
        return { ok: false, failure: { kind, code: 'HTTP_FORMAT', status: res.statusCode, summary: parsed.summary }, exhaustedUntil };
      }
      const url = res.redirectUrls.length > 0 ? withoutAddedQuery(res.url, request, authed) : requestUrl(request);
      return { ok: true, response: { status: res.statusCode, headers: res.headers, body: parsed.value, url, request }, exhaustedUntil };
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (error instanceof TimeoutError) {
        const summary = `no response within ${options.timeoutMs} ms`;
        return { ok: false, failure: { kind: 'retriable', code: 'HTTP_TIMEOUT', summary, cause: error } };
      }
      if (error instanceof RequestError) {
        const retriable = error instanceof ReadError || RETRIABLE_NETWORK_CODES.has(error.code);
        const summary = `network error (${error.code}): ${redactor.redact(error.message)}`;
        return { ok: false, failure: { kind: retriable ? 'retriable' : 'fatal', code: 'HTTP_NETWORK', summary, cause: error } };
      }
      throw error;
    }
  }

  async function send(input: HttpRequest, io: SendOptions = {}): Promise<HttpResponse> {
    const signals = [options.signal, io.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const count = (counter: keyof ClientMetrics) => {
      metrics[counter]++;
      if (io.metrics && io.metrics !== metrics) io.metrics[counter]++;
    };
    const request: HttpRequest = {
      ...input,
      url: resolveUrl(baseUrl, input.url),
      headers: { ...DEFAULT_HEADERS, ...options.headers, ...input.headers },
    };
    let limit = retry.attempts;
    let refreshed = false;
    const describe = () => describeRequest(request, redactor);
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      // A pause set by any caller (another sync's 429, an answer that spent the budget) holds this one too.
      const paused = pausedForMs();
      if (paused > maxWaitMs) {
        const summary = `not sent: ${tooLong(paused, maxWaitMs)}`;
        throw new HttpError({ kind: 'rateLimited', code: 'HTTP_RATE_LIMIT', request: describe(), summary, attempts: attempt - 1 });
      }
      if (!pacer && paused > 0) await sleep(paused, signal);
      let release: Release | undefined;
      try {
        release = await pacer?.wait(signal, io.owner, maxWaitMs);
      } catch (error) {
        if (!(error instanceof PauseTooLong)) throw error;
        const summary = `not sent: ${tooLong(error.pausedMs, maxWaitMs)}`;
        throw new HttpError({ kind: 'rateLimited', code: 'HTTP_RATE_LIMIT', request: describe(), summary, attempts: attempt - 1 });
      }
      let outcome: Outcome;
      let authed: HttpRequest;
      let rateLimitWaitMs: number | undefined;
      const started = performance.now();
      try {
        // Credentials go to the API's own origin only: a next-page URL on another host is fetched
        // without them (a 401 there is a clear error; a leaked key is not).
        authed = sameOrigin(request.url, baseUrl) ? await auth.authenticate(request) : request;
        count('requests');
        outcome = await attemptOnce(request, authed, signal);
        // Paused before the slot is released, so no waiter slips through in between. A rate-limited
        // request that gives up pauses too: the others sharing the budget must not spend it either.
        if (outcome.exhaustedUntil !== undefined) pauseUntil(outcome.exhaustedUntil);
        if (!outcome.ok && outcome.failure.kind === 'rateLimited') {
          rateLimitWaitMs = outcome.failure.waitMs ?? backoffDelay(attempt, retry);
          pauseUntil(Date.now() + rateLimitWaitMs);
        }
      } finally {
        release?.();
      }
      options.onRequest?.({
        request,
        attempt,
        durationMs: Math.round(performance.now() - started),
        ...(outcome.ok ? { status: outcome.response.status } : { status: outcome.failure.status, error: outcome.failure.summary }),
      });
      if (outcome.ok) return outcome.response;

      const failure = outcome.failure;
      // A 401 with a renewable credential (OAuth2) earns exactly one more attempt; any other 401 is final.
      if (failure.status === 401 && !refreshed && auth.onUnauthorized) {
        refreshed = true;
        if (await auth.onUnauthorized(authed)) {
          limit++;
          count('retries');
          continue;
        }
      }
      const giveUp = () => {
        const init = { ...failure, request: describe(), attempts: attempt };
        return failure.code === 'HTTP_FORMAT' ? new ResponseFormatError(init) : new HttpError(init);
      };
      if (failure.kind === 'fatal') throw giveUp();
      const asked = rateLimitWaitMs ?? failure.waitMs;
      if (asked !== undefined && asked > maxWaitMs) {
        const summary = `${failure.summary}; ${tooLong(asked, maxWaitMs)}`;
        const code = failure.kind === 'rateLimited' ? 'HTTP_RATE_LIMIT' : failure.code;
        throw new HttpError({ ...failure, code, summary, request: describe(), attempts: attempt });
      }
      const wait = asked ?? backoffDelay(attempt, retry);
      if (attempt >= limit) throw giveUp();
      count('retries');
      await sleep(wait, signal);
    }
  }

  return {
    send,
    metrics,
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

/** An unauthenticated, unpaced client for token endpoints (see TokenHttp). */
export function createTokenHttp(
  options: Omit<HttpClientOptions, 'auth' | 'pacer' | 'baseUrl' | 'headers'>,
): TokenHttp & { close(): void } {
  const client = createHttpClient({
    ...options,
    baseUrl: 'http://invalid.invalid/', // token URLs are absolute
    headers: {},
    auth: { authenticate: async (request) => request },
  });
  return {
    postForm: (url, form, headers) => client.send({ method: 'POST', url, query: {}, headers, form }),
    close: () => client.close(),
  };
}

/** `the API asks to wait until 2024-01-02T04:00:00Z (in 3600 s), longer than the longest wait (900 s)` */
function tooLong(waitMs: number, maxWaitMs: number): string {
  // To the second: resets come in whole seconds, and the pacer's pause has drifted a ms from its wall-clock origin.
  const until = formatTime(Math.round((Date.now() + waitMs) / 1000) * 1000);
  return `the API asks to wait until ${until} (in ${Math.ceil(waitMs / 1000)} s), longer than the longest wait (${Math.round(maxWaitMs / 1000)} s)`;
}

/**
 * retriable: JSON that does not parse (in a JSON or untyped answer) is what a connection dropped
 * mid-body behind a buffering proxy delivers, so it earns another attempt. Markup does not: an HTML page
 * where JSON belongs is a login page, a wrong base URL or an API that moved — a person must look.
 */
type Parsed = { ok: true; value: unknown } | { ok: false; retriable: boolean; summary: string };

function parseJson(text: string, contentType: string | undefined, status: number, redactor: Redactor): Parsed {
  if (text.trim() === '') return { ok: true, value: null };
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const markup = type.includes('html') || type.includes('xml') || /^\s*</.test(text);
  if (!markup) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      if (type === '' || type.includes('json')) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          retriable: true,
          summary: `expected JSON, got invalid or truncated JSON (${status}; ${reason}): ${excerpt(text, redactor)}`,
        };
      }
    }
  }
  return { ok: false, retriable: false, summary: `expected JSON, got ${type || 'markup'} (${status}): ${excerpt(text, redactor)}` };
}

/** The final URL of a redirected request, minus the query parameters auth added (they must not be persisted). */
function withoutAddedQuery(finalUrl: string, request: HttpRequest, authed: HttpRequest): string {
  const url = new URL(finalUrl);
  for (const [name, value] of Object.entries(authed.query)) {
    if (request.query[name] !== value) url.searchParams.delete(name);
  }
  return url.href;
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url, base).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/**
 * got drops only Authorization and Cookie when a redirect leaves the origin; an API key header
 * (or any header auth added) would follow to the other host. Drop every header the authenticator
 * added, and every header whose value is a registered secret, before a cross-origin hop.
 */
function dropCredentialsAcrossOrigins(
  redirected: { url?: URL | string; headers: Record<string, unknown> }, authed: HttpRequest, plain: HttpRequest, redactor: Redactor,
): void {
  if (!redirected.url || sameOrigin(String(redirected.url), plain.url)) return;
  for (const [name, value] of Object.entries(authed.headers)) {
    const secret = typeof value === 'string' && redactor.redact(value) !== value;
    if (secret || plain.headers[name] !== value) {
      delete redirected.headers[name];
      delete redirected.headers[name.toLowerCase()];
    }
  }
}
