/**
 * Fault injection: randomized faults at configured rates (from a seeded PRNG, so a failing engine test
 * replays identically) and deterministic one-shot faults (`failNext`). Faults model the network and
 * the provider's edge, so they strike before rate limiting, auth and the handler.
 */
import { mulberry32, type Rng } from './prng.js';
import type { Reply } from './http.js';

export interface FailNext {
  /** HTTP status to answer with; 0 destroys the socket instead (connection reset). */
  status: number;
  /** How many matching requests fail. @default 1 */
  count?: number;
  /** Only requests whose path starts with this fail. @default every path */
  pathPrefix?: string;
  /** JSON body. @default { error: 'injected_fault', message } */
  body?: unknown;
  /** Extra headers; a 429 or 503 without retry-after gets the configured Retry-After. */
  headers?: Record<string, string>;
}

export interface FaultOptions {
  /** Probability (0–1) of a 429 with Retry-After. */
  rate429?: number;
  /** Probability of a 500/502/503/504. */
  rate5xx?: number;
  /** Delay added to slowed requests. */
  slowMs?: number;
  /** Probability a request is slowed by slowMs. @default 1 when slowMs is set */
  slowRate?: number;
  /** Probability the JSON body is cut in half (status and headers intact). */
  malformedRate?: number;
  /** Probability of a 200 text/html error page, as a misbehaving proxy serves. */
  htmlRate?: number;
  /** Probability the socket is destroyed without a response. */
  resetRate?: number;
  /** Retry-After of injected 429/503. @default 1 */
  retryAfterSeconds?: number;
  /** Send Retry-After as an HTTP date instead of seconds. */
  retryAfterDate?: boolean;
  /** PRNG seed for the random faults. @default 1 */
  seed?: number;
  failNext?: FailNext[];
}

export type FaultKind = 'failNext' | '429' | '5xx' | 'slow' | 'malformed' | 'html' | 'reset';

export interface FaultDecision {
  delayMs: number;
  /** Replaces the handler's answer; 'reset' drops the connection. */
  replace?: Reply | 'reset';
  /** Truncate the handler's JSON body. */
  malformed: boolean;
  kinds: FaultKind[];
}

const RATE_KEYS = ['rate429', 'rate5xx', 'slowRate', 'malformedRate', 'htmlRate', 'resetRate'] as const;
const KNOWN_KEYS = new Set<string>([...RATE_KEYS, 'slowMs', 'retryAfterSeconds', 'retryAfterDate', 'seed', 'failNext']);
const SERVER_ERRORS = [500, 502, 503, 504];
const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>' +
  '<p>The upstream server is temporarily unavailable. Please try again later.</p></body></html>';

/** Rejects unknown keys and out-of-range values, naming the valid ones, so a typo never silently disables a fault. */
export function validateFaults(input: unknown): FaultOptions {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new TypeError('faults must be an object');
  const opts = input as Record<string, unknown>;
  for (const key of Object.keys(opts)) {
    if (!KNOWN_KEYS.has(key)) throw new TypeError(`unknown fault option ${JSON.stringify(key)}; valid: ${[...KNOWN_KEYS].join(', ')}`);
  }
  for (const key of RATE_KEYS) {
    const v = opts[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) throw new TypeError(`${key} must be a number between 0 and 1`);
  }
  for (const key of ['slowMs', 'retryAfterSeconds', 'seed'] as const) {
    const v = opts[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new TypeError(`${key} must be a non-negative number`);
  }
  if (opts.failNext !== undefined) {
    if (!Array.isArray(opts.failNext)) throw new TypeError('failNext must be an array');
    for (const f of opts.failNext as FailNext[]) {
      if (!f || !Number.isInteger(f.status) || (f.status !== 0 && (f.status < 100 || f.status > 599))) throw new TypeError('failNext[].status must be 0 or an HTTP status');
    }
  }
  return opts as FaultOptions;
}

export class Faults {
  private opts: FaultOptions = {};
  private queue: Array<FailNext & { count: number }> = [];
  private rng: Rng = mulberry32(1);

  constructor(initial: FaultOptions = {}) {
    this.set(initial);
  }

  /** Replaces the whole configuration (`set({})` turns every fault off) and reseeds the PRNG. */
  set(options: FaultOptions): void {
    const { failNext = [], ...rest } = validateFaults(options);
    this.opts = rest;
    this.queue = failNext.map((f) => ({ ...f, count: f.count ?? 1 }));
    this.rng = mulberry32(rest.seed ?? 1);
  }

  clear(): void {
    this.set({});
  }

  /** Appends one-shot faults without touching the random rates. */
  failNext(...entries: FailNext[]): void {
    validateFaults({ failNext: entries });
    this.queue.push(...entries.map((f) => ({ ...f, count: f.count ?? 1 })));
  }

  /** Current configuration, with the failNext entries that still have failures left. */
  get(): FaultOptions {
    return { ...this.opts, failNext: this.queue.map((f) => ({ ...f })) };
  }

  decide(pathname: string, now: number): FaultDecision {
    // Always six draws per request, so enabling one kind of fault does not reshuffle the others.
    const [dReset, d5xx, d429, dHtml, dMalformed, dSlow] = Array.from({ length: 6 }, () => this.rng());
    const o = this.opts;
    const decision: FaultDecision = { delayMs: 0, malformed: false, kinds: [] };
    if (o.slowMs && dSlow < (o.slowRate ?? 1)) {
      decision.delayMs = o.slowMs;
      decision.kinds.push('slow');
    }
    const oneShot = this.queue.find((f) => f.count > 0 && pathname.startsWith(f.pathPrefix ?? ''));
    if (oneShot) {
      oneShot.count--;
      this.queue = this.queue.filter((f) => f.count > 0);
      decision.kinds.push('failNext');
      decision.replace = oneShot.status === 0 ? 'reset' : this.errorReply(oneShot.status, now, oneShot.headers, oneShot.body);
    } else if (dReset < (o.resetRate ?? 0)) {
      decision.kinds.push('reset');
      decision.replace = 'reset';
    } else if (d5xx < (o.rate5xx ?? 0)) {
      decision.kinds.push('5xx');
      decision.replace = this.errorReply(SERVER_ERRORS[Math.floor((d5xx / o.rate5xx!) * SERVER_ERRORS.length)], now);
    } else if (d429 < (o.rate429 ?? 0)) {
      decision.kinds.push('429');
      decision.replace = this.errorReply(429, now);
    } else if (dHtml < (o.htmlRate ?? 0)) {
      decision.kinds.push('html');
      decision.replace = { status: 200, text: HTML_PAGE, contentType: 'text/html; charset=utf-8' };
    } else if (dMalformed < (o.malformedRate ?? 0)) {
      decision.kinds.push('malformed');
      decision.malformed = true;
    }
    return decision;
  }

  private errorReply(status: number, now: number, headers: Record<string, string> = {}, body?: unknown): Reply {
    const out: Record<string, string> = { ...headers };
    const hasRetryAfter = Object.keys(out).some((k) => k.toLowerCase() === 'retry-after');
    if ((status === 429 || status === 503) && !hasRetryAfter) {
      const seconds = this.opts.retryAfterSeconds ?? 1;
      out['retry-after'] = this.opts.retryAfterDate ? new Date(Math.ceil((now + seconds * 1000) / 1000) * 1000).toUTCString() : String(seconds);
    }
    const code = status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'injected_fault';
    return { status, headers: out, body: body ?? { error: code, message: `injected ${status}` } };
  }
}

/** A JSON payload cut mid-way: what a dropped connection behind a buffering proxy delivers. */
export function truncate(payload: string): string {
  return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
}
