/**
 * What to do after an answer or a fault: pure functions of the status, the headers and the clock, so the
 * rules are read (and tested) in one place. The client applies them.
 */
import type { HttpErrorKind } from './errors.js';
import { headerValue, type HttpResponse } from './request.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type StatusVerdict =
  | { kind: 'ok' }
  /** waitMs: how long the API asked us to wait (Retry-After, rate-limit reset); undefined = no hint. */
  | { kind: HttpErrorKind; waitMs: number | undefined };

/** Exponential backoff with full jitter: a random delay in [0, min(max, base · 2^(retry−1))]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

export function classifyStatus(status: number, headers: HttpResponse['headers'], now = Date.now()): StatusVerdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 429) return { kind: 'rateLimited', waitMs: rateLimitWait(headers, now) };
  // GitHub's primary limit is a 403 with x-ratelimit-remaining: 0; its secondary limit a 403 with Retry-After.
  if (
    status === 403 &&
    (headerValue(headers, 'x-ratelimit-remaining') === '0' || headerValue(headers, 'retry-after') !== undefined)
  ) {
    return { kind: 'rateLimited', waitMs: rateLimitWait(headers, now) };
  }
  if (status === 408 || (status >= 500 && status !== 501 && status !== 505)) {
    return { kind: 'retriable', waitMs: parseRetryAfter(headerValue(headers, 'retry-after'), now) };
  }
  return { kind: 'fatal', waitMs: undefined };
}

/** How long a rate-limit answer asks us to wait, from whichever hint it gives; undefined when it gives none. */
export function rateLimitWait(headers: HttpResponse['headers'], now = Date.now()): number | undefined {
  return (
    parseRetryAfter(headerValue(headers, 'retry-after'), now) ??
    parseReset(headerValue(headers, 'x-ratelimit-reset'), now) ??
    // IETF draft RateLimit headers: reset is a number of seconds from now.
    parseSeconds(headerValue(headers, 'ratelimit-reset') ?? rateLimitField(headerValue(headers, 'ratelimit'), 'reset'))
  );
}

/** Retry-After: a number of seconds, or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseSeconds(value);
  if (seconds !== undefined) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * X-RateLimit-Reset comes as epoch seconds (GitHub), epoch milliseconds, or seconds from now; the magnitude
 * tells which (epoch seconds passed 1e9 in 2001).
 */
export function parseReset(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  const n = Number(value);
  if (n >= 1e11) return Math.max(0, Math.round(n - now));
  if (n >= 1e9) return Math.max(0, Math.round(n * 1000 - now));
  return Math.round(n * 1000);
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}

/** `limit=100, remaining=0, reset=30` → the named field. */
function rateLimitField(value: string | undefined, field: string): string | undefined {
  const match = value ? new RegExp(`(?:^|[,;\\s])${field}=(\\d+)`, 'i').exec(value) : null;
  return match?.[1];
}

/** Network fault codes worth another attempt (got's own list, plus aborted/closed connections). */
export const RETRIABLE_NETWORK_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRINUSE',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
