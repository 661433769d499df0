/**
 * The HTTP client every sync sends through. got does the transport (keep-alive sockets, timeouts,
 * redirects, decompression); the policy is ours and lives here: pacing before every attempt, retries with
 * backoff for transient faults, waits for rate limits, one token refresh on a 401, JSON parsing with errors
 * that name the request and never leak a secret.
 */
import http from 'node:http';
import https from 'node:https';
import got, { ReadError, RequestError, TimeoutError } from 'got';
import type { Authenticator, TokenHttp } from './auth/types.js';
import { excerpt, HttpError, ResponseFormatError, summarizeStatus, type HttpErrorCode, type HttpErrorKind } from './errors.js';
import type { Pacer } from './pacer.js';
import type { Redactor } from './redact.js';
import { describeRequest, headerValue, requestUrl, resolveUrl, type HttpRequest, type HttpResponse } from './request.js';
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

type Outcome = { ok: true; response: HttpResponse } | { ok: false; failure: Failure };

const DEFAULT_HEADERS = { accept: 'application/json', 'user-agent': 'syncspec' };

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { baseUrl, retry, auth, pacer, redactor } = options;
  const metrics = options.metrics ?? { requests: 0, retries: 0 };
  const agent = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

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
      });
      const verdict = classifyStatus(res.statusCode, res.headers);
      if (verdict.kind !== 'ok') {
        const summary = summarizeStatus(res.statusCode, res.statusMessage, res.body, redactor);
        return { ok: false, failure: { ...verdict, code: 'HTTP_STATUS', status: res.statusCode, summary } };
      }
      const parsed = parseJson(res.body, headerValue(res.headers, 'content-type'), res.statusCode, redactor);
      if (!parsed.ok) {
        return { ok: false, failure: { kind: 'fatal', code: 'HTTP_FORMAT', status: res.statusCode, summary: parsed.summary } };
      }
      const url = res.redirectUrls.length > 0 ? withoutAddedQuery(res.url, request, authed) : requestUrl(request);
      return { ok: true, response: { status: res.statusCode, headers: res.headers, body: parsed.value, url, request } };
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
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const release = await pacer?.wait(signal);
      let outcome: Outcome;
      let authed: HttpRequest;
      const started = performance.now();
      try {
        authed = await auth.authenticate(request);
        count('requests');
        outcome = await attemptOnce(request, authed, signal);
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
      if (failure.kind === 'fatal' || attempt >= limit) {
        const init = { ...failure, request: describeRequest(request, redactor), attempts: attempt };
        throw failure.code === 'HTTP_FORMAT' ? new ResponseFormatError(init) : new HttpError(init);
      }
      const wait = failure.waitMs ?? backoffDelay(attempt, retry);
      if (failure.kind === 'rateLimited') pacer?.pauseUntil(Date.now() + wait);
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

type Parsed = { ok: true; value: unknown } | { ok: false; summary: string };

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
          summary: `expected JSON, got invalid or truncated JSON (${status}; ${reason}): ${excerpt(text, redactor)}`,
        };
      }
    }
  }
  return { ok: false, summary: `expected JSON, got ${type || 'markup'} (${status}): ${excerpt(text, redactor)}` };
}

/** The final URL of a redirected request, minus the query parameters auth added (they must not be persisted). */
function withoutAddedQuery(finalUrl: string, request: HttpRequest, authed: HttpRequest): string {
  const url = new URL(finalUrl);
  for (const [name, value] of Object.entries(authed.query)) {
    if (request.query[name] !== value) url.searchParams.delete(name);
  }
  return url.href;
}
