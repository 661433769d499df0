import { describe, expect, test } from 'vitest';
import { formatTime, isExhausted, parseRetryAfter, rateLimitRules, rateLimitWait, resetAt } from '../../engine/http/rate-limit.js';

const now = Date.parse('2024-01-02T03:04:05Z');
const github = rateLimitRules(undefined);

describe('rateLimitRules', () => {
  test("defaults to GitHub's headers, reset in epoch seconds; a spent budget without a reset backs off 1 s", () => {
    expect(github).toEqual({
      remainingHeader: 'x-ratelimit-remaining', remainingFormat: 'count', resetHeader: 'x-ratelimit-reset', resetFormat: 'epochSeconds', backoffMs: 1000,
    });
    expect(rateLimitRules({ resetHeader: 'RateLimit-Reset', resetFormat: 'seconds' })).toEqual({
      remainingHeader: 'x-ratelimit-remaining',
      remainingFormat: 'count',
      resetHeader: 'RateLimit-Reset',
      resetFormat: 'seconds',
      backoffMs: 1000,
    });
  });
});

describe('Retry-After', () => {
  test('seconds or an HTTP date; a date already past means now', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:04:08 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('the reset header, in each format', () => {
  test.each([
    ['epochSeconds', String(now / 1000 + 30), now + 30_000],
    ['epochSeconds', String(now / 1000 + 1.5), now + 1500],
    ['epochMillis', String(now + 1500), now + 1500],
    ['seconds', '20', now + 20_000],
    ['seconds', '0.5', now + 500],
    ['httpDate', 'Tue, 02 Jan 2024 03:05:05 GMT', now + 60_000],
  ] as const)('%s %s', (resetFormat, value, expected) => {
    expect(resetAt({ 'x-ratelimit-reset': value }, { ...github, resetFormat }, now)).toBe(expected);
  });

  test('absent, unreadable in the format, or already past: no hint', () => {
    expect(resetAt({}, github, now)).toBeUndefined();
    expect(resetAt({ 'x-ratelimit-reset': 'soon' }, github, now)).toBeUndefined();
    expect(resetAt({ 'x-ratelimit-reset': 'Tue, 02 Jan 2024 03:05:05 GMT' }, github, now)).toBeUndefined();
    // 30 seconds from now written where epoch seconds belong reads as 1970: backing off is safer than retrying at once.
    expect(resetAt({ 'x-ratelimit-reset': '30' }, github, now)).toBeUndefined();
    expect(resetAt({ 'x-ratelimit-reset': String(now / 1000 - 2) }, github, now)).toBeUndefined();
    expect(resetAt({ 'x-ratelimit-reset': '0' }, { ...github, resetFormat: 'seconds' }, now)).toBeUndefined();
  });

  test("a header the spec names is read only in the spec's format", () => {
    const millis = { ...github, resetFormat: 'epochMillis' as const };
    expect(resetAt({ 'x-ratelimit-reset': String(now + 500) }, millis, now)).toBe(now + 500);
    // Just past in ms (clock skew): no hint, not the same digits read as epoch seconds (year 55000).
    expect(resetAt({ 'x-ratelimit-reset': String(now - 500) }, millis, now)).toBeUndefined();
  });

  test('the header name is matched case-insensitively', () => {
    const rules = rateLimitRules({ resetHeader: 'X-Quota-Reset', resetFormat: 'epochMillis' });
    expect(resetAt({ 'x-quota-reset': String(now + 10) }, rules, now)).toBe(now + 10);
  });
});

describe('isExhausted', () => {
  test('the remaining header at 0 (or below) spends the budget', () => {
    expect(isExhausted({ 'x-ratelimit-remaining': '0' }, github)).toBe(true);
    expect(isExhausted({ 'x-ratelimit-remaining': '1' }, github)).toBe(false);
    expect(isExhausted({ 'x-ratelimit-remaining': '' }, github)).toBe(false);
    expect(isExhausted({}, github)).toBe(false);
    const custom = rateLimitRules({ remainingHeader: 'X-Quota-Left' });
    expect(isExhausted({ 'x-quota-left': '0' }, custom)).toBe(true);
    expect(isExhausted({ 'x-quota-left': '2' }, custom)).toBe(false);
    // GitHub's header is recognized beside a spec's own.
    expect(isExhausted({ 'x-quota-left': '2', 'x-ratelimit-remaining': '0' }, custom)).toBe(true);
  });
});

describe('rateLimitWait', () => {
  test('Retry-After first, then the reset header, then the IETF RateLimit headers', () => {
    const reset = String(now / 1000 + 9);
    expect(rateLimitWait({ 'retry-after': '2', 'x-ratelimit-reset': reset }, github, now)).toBe(2000);
    expect(rateLimitWait({ 'x-ratelimit-reset': reset, 'ratelimit-reset': '3' }, github, now)).toBe(9000);
    expect(rateLimitWait({ 'ratelimit-reset': '3' }, github, now)).toBe(3000);
    expect(rateLimitWait({ ratelimit: 'limit=100, remaining=0, reset=7' }, github, now)).toBe(7000);
    expect(rateLimitWait({}, github, now)).toBeUndefined();
  });

  test("reads the reset header the spec names, in its format, before GitHub's", () => {
    const rules = rateLimitRules({ resetHeader: 'X-Quota-Reset', resetFormat: 'httpDate' });
    const github = { 'x-ratelimit-reset': String(now / 1000 + 9) };
    expect(rateLimitWait({ 'x-quota-reset': 'Tue, 02 Jan 2024 03:04:10 GMT', ...github }, rules, now)).toBe(5000);
    expect(rateLimitWait(github, rules, now)).toBe(9000);
    expect(rateLimitWait({ 'x-quota-reset': String(now / 1000 + 9) }, rules, now)).toBeUndefined();
  });
});

test('formatTime drops zero milliseconds', () => {
  expect(formatTime(now)).toBe('2024-01-02T03:04:05Z');
  expect(formatTime(now + 250)).toBe('2024-01-02T03:04:05.250Z');
});
