/**
 * How an API says its rate budget is spent and when it refills: `Retry-After` (seconds or an HTTP date),
 * a remaining-requests header that reaches 0 beside a reset header — both named by the spec's
 * `api.rateLimit`, GitHub's names and format by default — and the IETF draft `RateLimit` headers, which
 * need no configuration. GitHub's pair is recognized even beside a spec's own (the schema promises it):
 * the spec's pair is read first. Pure functions of the headers and the clock; the client acts on them.
 */
import type { RateLimit } from '../spec/model.generated.js';
import type { RateLimit as WrittenRateLimit } from '../spec/types.generated.js';
import { withDefaults } from '../spec/defaults.js';
import { headerValue, type HttpResponse } from './request.js';

type Headers = HttpResponse['headers'];

/**
 * `api.rateLimit` with its defaults applied (the model's): what the client reads. `remainingFormat`
 * `count` is the requests left (`39`), `usedOfLimit` used/limit (`39/40`, Shopify's leaky bucket);
 * `backoffMs` is how long a spent budget with no reset to wait for (a leaky bucket) pauses requests.
 */
export type RateLimitRules = RateLimit;

export type RemainingFormat = RateLimit['remainingFormat'];

/** A reset header value → the epoch ms at which the budget refills; NaN when the value is not in that format. */
type ResetReader = (value: string, now: number) => number;

const NUMBER = /^\s*\d+(\.\d+)?\s*$/;
const numeric = (value: string): number => (NUMBER.test(value) ? Number(value) : NaN);

const resetFormats = {
  epochSeconds: (value) => numeric(value) * 1000,
  epochMillis: (value) => numeric(value),
  seconds: (value, now) => now + numeric(value) * 1000,
  httpDate: (value) => Date.parse(value),
  iso: (value) => (/^\s*\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN),
} satisfies Record<RateLimit['resetFormat'], ResetReader>;

export type ResetFormat = keyof typeof resetFormats;

/** `api.rateLimit` as written, with the schema's defaults applied. */
export function rateLimitRules(spec: WrittenRateLimit | undefined): RateLimitRules {
  return withDefaults<RateLimitRules>('connector', spec ?? {}, 'rateLimit');
}

/** The schema's defaults, GitHub's headers: `x-ratelimit-remaining: 0`, `x-ratelimit-reset: 1704164645` (Unix seconds). */
export const DEFAULT_RATE_LIMIT: RateLimitRules = rateLimitRules(undefined);

const USED_OF_LIMIT = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** The requests left, as the header writes it; NaN when it is not in that form. */
function remainingOf(value: string, format: RemainingFormat): number {
  if (format === 'count') return numeric(value);
  const match = USED_OF_LIMIT.exec(value);
  return match ? Number(match[2]) - Number(match[1]) : NaN;
}

/**
 * The spec's rules, then GitHub's for a header the spec names differently. A header the spec names is
 * read only its way: the same value read again as GitHub's epoch seconds could be the year 55000.
 */
function withGitHub(rules: RateLimitRules, header: 'remainingHeader' | 'resetHeader'): RateLimitRules[] {
  const same = rules[header].toLowerCase() === DEFAULT_RATE_LIMIT[header];
  return same ? [rules] : [rules, DEFAULT_RATE_LIMIT];
}

/** A remaining header says no request is left in this window. */
export function isExhausted(headers: Headers, rules: RateLimitRules): boolean {
  return withGitHub(rules, 'remainingHeader').some((pair) => {
    const remaining = headerValue(headers, pair.remainingHeader);
    return remaining !== undefined && remainingOf(remaining, pair.remainingFormat) <= 0;
  });
}

/**
 * An answer that spent the budget: until when every request on it waits (epoch ms) — its reset, or
 * for a budget that gives none (a leaky bucket, a header without its reset) `backoffMs` from now,
 * rather than sending on into a certain 429. Undefined while requests are left.
 */
export function budgetSpent(headers: Headers, rules: RateLimitRules, now = Date.now()): { until: number; resetGiven: boolean } | undefined {
  if (!isExhausted(headers, rules)) return undefined;
  const reset = resetAt(headers, rules, now);
  return { until: reset ?? now + rules.backoffMs, resetGiven: reset !== undefined };
}

/** The rate-limit headers an answer carried, as sent (`Retry-After: 2.0, x-ratelimit-remaining: 0`), for logs. */
export function rateLimitHeaders(headers: Headers, rules: RateLimitRules): string {
  const names = new Set(['retry-after', rules.remainingHeader, rules.resetHeader, DEFAULT_RATE_LIMIT.remainingHeader, DEFAULT_RATE_LIMIT.resetHeader, 'ratelimit', 'ratelimit-remaining', 'ratelimit-reset']
    .map((name) => name.toLowerCase()));
  const seen = [...names].flatMap((name) => {
    const value = headerValue(headers, name);
    return value === undefined ? [] : [`${name}: ${value.slice(0, 100)}`];
  });
  return seen.length > 0 ? seen.join(', ') : 'no rate-limit header';
}

/**
 * When the budget refills (epoch ms), from the reset header; undefined when the header is absent,
 * unreadable in the configured format, or already past. A reset in the past is read as no hint at all:
 * it is what clock skew or a reset written in another format (`30` seconds read as 1970) looks like,
 * and trusting it would retry at once, again and again — backing off is the safe reading.
 */
export function resetAt(headers: Headers, rules: RateLimitRules, now = Date.now()): number | undefined {
  for (const pair of withGitHub(rules, 'resetHeader')) {
    const value = headerValue(headers, pair.resetHeader);
    if (value === undefined) continue;
    const at = Math.round(resetFormats[pair.resetFormat](value, now));
    if (Number.isFinite(at) && at > now && isValidTime(at)) return at;
  }
  return undefined;
}

/**
 * How long a rate-limit answer (429, GitHub's 403) asks us to wait: Retry-After, else the reset
 * header, else the IETF `RateLimit-Reset`/`RateLimit: reset=` (seconds from now); undefined when it
 * gives no hint (the caller backs off exponentially).
 */
export function rateLimitWait(headers: Headers, rules: RateLimitRules = DEFAULT_RATE_LIMIT, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = resetAt(headers, rules, now);
  if (reset !== undefined) return reset - now;
  const ietf = headerValue(headers, 'ratelimit-reset') ?? rateLimitField(headerValue(headers, 'ratelimit'), 'reset');
  return ietf === undefined || Number.isNaN(numeric(ietf)) ? undefined : Math.round(numeric(ietf) * 1000);
}

/** Retry-After: a number of seconds, or an HTTP date (a date already past means now). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const seconds = numeric(value);
  if (!Number.isNaN(seconds)) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `2024-01-02T03:04:05Z`: a reset time as errors show it (HTTP dates and epoch seconds carry no ms). */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.000Z$/, 'Z');
}

/** `limit=100, remaining=0, reset=30` → the named field. */
function rateLimitField(value: string | undefined, field: string): string | undefined {
  const match = value ? new RegExp(`(?:^|[,;\\s])${field}=(\\d+)`, 'i').exec(value) : null;
  return match?.[1];
}

/** Within the range a Date can print (epoch ms read as seconds lands in the year 55000, still printable). */
function isValidTime(epochMs: number): boolean {
  return Math.abs(epochMs) <= 8.64e15;
}
