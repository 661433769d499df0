/**
 * What to do after an answer or a fault: pure functions of the status, the headers and the clock, so the
 * rules are read (and tested) in one place. The client applies them.
 */
import type { HttpErrorKind } from './errors.js';
import { DEFAULT_RATE_LIMIT, isExhausted, parseRetryAfter, rateLimitWait, type RateLimitRules } from './rate-limit.js';
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

/**
 * 429 is always a rate limit. A 403 is one only when it says so — the remaining header at 0 (GitHub's
 * primary limit) or a Retry-After (its secondary limit) — every other 403 is a refusal, final. 408 and
 * 5xx (but 501 and 505, which no retry fixes) are transient.
 */
export function classifyStatus(
  status: number,
  headers: HttpResponse['headers'],
  rules: RateLimitRules = DEFAULT_RATE_LIMIT,
  now = Date.now(),
): StatusVerdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 429) return { kind: 'rateLimited', waitMs: rateLimitWait(headers, rules, now) };
  if (status === 403 && (isExhausted(headers, rules) || headerValue(headers, 'retry-after') !== undefined)) {
    return { kind: 'rateLimited', waitMs: rateLimitWait(headers, rules, now) };
  }
  if (status === 408 || (status >= 500 && status !== 501 && status !== 505)) {
    return { kind: 'retriable', waitMs: parseRetryAfter(headerValue(headers, 'retry-after'), now) };
  }
  return { kind: 'fatal', waitMs: undefined };
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
