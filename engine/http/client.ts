/**
 * The HTTP client every sync sends through. got does the transport (keep-alive sockets, timeouts,
 * decompression: transport.ts); the policy is ours and lives here: pacing before every attempt, retries
 * with backoff for transient faults, waits for rate limits, redirects followed hop by hop with credentials
 * only for the API's own origins (origins.ts), one token refresh on a 401, bodies bounded in size and
 * decoded by their charset, JSON parsing with errors that name the request and never leak a secret.
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
import type { TokenHttp } from './auth/types.js';
import { decodeJson, lenientText } from './decode.js';
import { HttpError, ResponseFormatError, summarizeStatus, type HttpErrorCode, type HttpErrorKind } from './errors.js';
import { credentialScope, mergeFields, withoutCredentials, type CredentialScope } from './origins.js';
import { PauseTooLong, type Release } from './pacer.js';
import { isRedirect, MAX_REDIRECTS, nextHop } from './redirects.js';
import { describeRequest, headerValue, requestUrl, resolveUrl, type HttpRequest, type HttpResponse } from './request.js';
import { budgetSpent, DEFAULT_RATE_LIMIT, rateLimitHeaders } from './rate-limit.js';
import { RateLimitPause, recordWait, tooLong } from './pause.js';
import { backoffDelay, classifyStatus } from './retry.js';
import { abortReason, sleep } from './sleep.js';
import { createTransport, toExchange, TransportError, type RawAnswer } from './transport.js';

export type { ClientMetrics, HttpClient, HttpClientOptions, RequestInfo, SendOptions } from './client-types.js';
import type { ClientMetrics, HttpClient, HttpClientOptions, SendOptions } from './client-types.js';

interface Failure {
  kind: HttpErrorKind;
  code: HttpErrorCode;
  status?: number;
  summary: string;
  waitMs?: number;
  /** The answer's rate-limit headers, for the log line of the wait it asks for. */
  rateHeaders?: string;
  cause?: unknown;
}

/** spent: the answer spent the budget (remaining header at 0): until when requests wait, and why. */
type Outcome = ({ ok: true; response: HttpResponse } | { ok: false; failure: Failure }) & { spent?: { until: number; note: string } };

const DEFAULT_HEADERS = { accept: 'application/json', 'user-agent': 'syncspec' };
const DEFAULT_MAX_WAIT_MS = 15 * 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 2 ** 20;

/** How the client decides which origins see credentials: fixed (the API's), or per request (token endpoints). */
type ScopeOf = (request: HttpRequest) => CredentialScope;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const scope = credentialScope([options.baseUrl, ...(options.credentialOrigins ?? [])]);
  return buildClient(options, () => scope);
}

function buildClient(options: HttpClientOptions, scopeOf: ScopeOf): HttpClient {
  const { baseUrl, retry, auth, pacer, redactor } = options;
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const metrics = options.metrics ?? { requests: 0, retries: 0 };
  const transport = (options.transport ?? createTransport)({ timeoutMs: options.timeoutMs, maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES });
  const defaultCredentials = mergeFields(auth.fields, { headers: options.credentialHeaders ?? [] });

  // The pause lives in the pacer, shared with every client on it; a client without one keeps its own.
  const pause = new RateLimitPause(pacer);

  /**
   * One attempt: the request and the redirects it meets, each hop authenticated only when its origin
   * may see credentials. `authed` is the last hop as sent (a 401 hands it to the authenticator).
   */
  async function attemptOnce(request: HttpRequest, signal: AbortSignal | undefined): Promise<Outcome & { authed: HttpRequest }> {
    const scope = scopeOf(request);
    let hop = request;
    for (let redirects = 0; ; redirects++) {
      const authed = scope.allows(hop.url) ? await auth.authenticate(hop) : withoutCredentials(hop, scope, redactor);
      let answer: RawAnswer;
      try {
        answer = await transport.exchange(toExchange(authed), signal);
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        if (!(error instanceof TransportError)) throw error;
        const code: HttpErrorCode = error.kind === 'timeout' ? 'HTTP_TIMEOUT' : error.kind === 'tooLarge' ? 'HTTP_TOO_LARGE' : 'HTTP_NETWORK';
        const kind = error.retriable ? 'retriable' : 'fatal';
        return { ok: false, failure: { kind, code, summary: redactor.redact(error.message), cause: error }, authed };
      }
      const location = isRedirect(answer.status) ? headerValue(answer.headers, 'location') : undefined;
      if (location !== undefined) {
        const next = nextHop(hop, requestUrl(hop), answer.status, location);
        const problem = next === undefined ? `${answer.status} redirect to an unusable Location` : redirects >= MAX_REDIRECTS ? `more than ${MAX_REDIRECTS} redirects` : undefined;
        if (problem) return { ok: false, failure: { kind: 'fatal', code: 'HTTP_REDIRECT', status: answer.status, summary: problem }, authed };
        hop = next!;
        continue;
      }
      return { ...judge(answer, request, requestUrl(hop)), authed };
    }
  }

  /** What an answer means: a response, or a failure to retry, wait on, or give up with. */
  function judge(answer: RawAnswer, request: HttpRequest, url: string): Outcome {
    const spent = spentBudget(answer);
    const contentType = headerValue(answer.headers, 'content-type');
    const verdict = classifyStatus(answer.status, answer.headers, rateLimit);
    if (verdict.kind !== 'ok') {
      const summary = summarizeStatus(answer.status, answer.statusMessage, lenientText(answer.body, contentType), redactor);
      const rateHeaders = redactor.redact(rateLimitHeaders(answer.headers, rateLimit));
      return { ok: false, failure: { ...verdict, code: 'HTTP_STATUS', status: answer.status, summary, rateHeaders }, spent };
    }
    const parsed = decodeJson(answer.body, contentType, answer.status, redactor);
    if (!parsed.ok) {
      const kind = parsed.retriable ? 'retriable' : 'fatal';
      return { ok: false, failure: { kind, code: 'HTTP_FORMAT', status: answer.status, summary: parsed.summary }, spent };
    }
    // `url`: the last hop as the caller's request would have it, without what auth added.
    return { ok: true, response: { status: answer.status, headers: answer.headers, body: parsed.value, url, request }, spent };
  }

  /** Remaining 0: until its reset, or `backoffMs` when it gives none (a leaky bucket refills as it goes). */
  function spentBudget(answer: RawAnswer): Outcome['spent'] {
    const spent = budgetSpent(answer.headers, rateLimit);
    if (spent === undefined) return undefined;
    const noReset = spent.resetGiven ? '' : `; no reset given, so ${rateLimit.backoffMs} ms`;
    return { until: spent.until, note: `${redactor.redact(rateLimitHeaders(answer.headers, rateLimit))}${noReset}` };
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
      credentials: mergeFields(defaultCredentials, input.credentials),
    };
    let limit = retry.attempts;
    let refreshed = false;
    const describe = () => describeRequest(request, redactor);
    const noteWait = (reason: string, headers: string, ms: number) => recordWait([io.metrics, metrics], { request: describe(), reason, headers, ms });
    let slept = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      // A pause set by any caller (another sync's 429, an answer that spent the budget) holds this one too.
      const paused = pause.remainingMs();
      if (paused > maxWaitMs) {
        const summary = `not sent: ${tooLong(paused, maxWaitMs)}`;
        throw new HttpError({ kind: 'rateLimited', code: 'HTTP_RATE_LIMIT', request: describe(), summary, attempts: attempt - 1 });
      }
      // After sleeping out a 429's wait, what is left of the pause it set is that same wait.
      if (paused > 0 && !slept) noteWait('the rate budget is spent', pause.note(), paused);
      slept = false;
      if (!pacer && paused > 0) await sleep(paused, signal);
      let release: Release | undefined;
      try {
        release = await pacer?.wait(signal, io.owner, maxWaitMs);
      } catch (error) {
        if (!(error instanceof PauseTooLong)) throw error;
        const summary = `not sent: ${tooLong(error.pausedMs, maxWaitMs)}`;
        throw new HttpError({ kind: 'rateLimited', code: 'HTTP_RATE_LIMIT', request: describe(), summary, attempts: attempt - 1 });
      }
      let outcome: Outcome & { authed: HttpRequest };
      let rateLimitWaitMs: number | undefined;
      const started = performance.now();
      try {
        count('requests');
        outcome = await attemptOnce(request, signal);
        // Paused before the slot is released, so no waiter slips through in between. A rate-limited
        // request that gives up pauses too: the others sharing the budget must not spend it either.
        if (outcome.spent) pause.set(outcome.spent.until, outcome.spent.note);
        if (!outcome.ok && outcome.failure.kind === 'rateLimited') {
          rateLimitWaitMs = outcome.failure.waitMs ?? backoffDelay(attempt, retry);
          pause.set(Date.now() + rateLimitWaitMs, outcome.failure.rateHeaders ?? '');
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
        if (await auth.onUnauthorized(outcome.authed)) {
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
      // A wait the API asked for (a rate limit, a Retry-After) is logged; plain backoff shows as a retry.
      if (asked !== undefined || failure.kind === 'rateLimited') {
        noteWait(`${failure.status ?? ''} ${failure.kind === 'rateLimited' ? 'rate limited' : 'asked to retry later'}`.trim(), failure.rateHeaders ?? '', wait);
      }
      slept = true;
      await sleep(wait, signal);
    }
  }

  return {
    send,
    metrics,
    close: () => transport.close(),
  };
}

/**
 * An unauthenticated, unpaced client for token endpoints (see TokenHttp). Its form and headers are
 * credentials (a client secret, a refresh token), and they go to the token URL's origin only: a
 * redirect to another origin fails the token request rather than re-posting them there.
 */
export function createTokenHttp(
  options: Omit<HttpClientOptions, 'auth' | 'pacer' | 'baseUrl' | 'headers' | 'credentialOrigins' | 'credentialHeaders'>,
): TokenHttp & { close(): void } {
  const client = buildClient(
    {
      ...options,
      baseUrl: 'http://invalid.invalid/', // token URLs are absolute
      headers: {},
      auth: { authenticate: async (request) => request },
    },
    (request) => credentialScope([request.url]),
  );
  return {
    postForm: (url, form, headers) =>
      client.send({ method: 'POST', url, query: {}, headers, form, credentials: { body: true, headers: Object.keys(headers) } }),
    close: () => client.close(),
  };
}
