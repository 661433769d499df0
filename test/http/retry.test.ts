import { describe, expect, test } from 'vitest';
import { backoffDelay, classifyStatus, parseReset, parseRetryAfter, rateLimitWait } from '../../engine/http/retry.js';

const now = Date.parse('2024-01-02T03:04:05Z');
const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelay', () => {
  test('full jitter under an exponential ceiling capped at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(100);
  });
});

describe('Retry-After and reset headers', () => {
  test('Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:04:08 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  test('X-RateLimit-Reset as epoch seconds, epoch ms, or seconds from now', () => {
    expect(parseReset(String(now / 1000 + 30), now)).toBe(30_000);
    expect(parseReset(String(now + 1500), now)).toBe(1500);
    expect(parseReset('20', now)).toBe(20_000);
    expect(parseReset('x', now)).toBeUndefined();
  });

  test('the IETF RateLimit header', () => {
    expect(rateLimitWait({ ratelimit: 'limit=100, remaining=0, reset=7' }, now)).toBe(7000);
    expect(rateLimitWait({ 'ratelimit-reset': '3' }, now)).toBe(3000);
    expect(rateLimitWait({}, now)).toBeUndefined();
  });
});

describe('classifyStatus', () => {
  test.each([
    [200, {}, { kind: 'ok' }],
    [204, {}, { kind: 'ok' }],
    [429, { 'retry-after': '1' }, { kind: 'rateLimited', waitMs: 1000 }],
    [429, {}, { kind: 'rateLimited', waitMs: undefined }],
    [403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 5) }, { kind: 'rateLimited', waitMs: 5000 }],
    [403, { 'retry-after': '60' }, { kind: 'rateLimited', waitMs: 60_000 }],
    [403, { 'x-ratelimit-remaining': '12' }, { kind: 'fatal', waitMs: undefined }],
    [500, {}, { kind: 'retriable', waitMs: undefined }],
    [503, { 'retry-after': '2' }, { kind: 'retriable', waitMs: 2000 }],
    [408, {}, { kind: 'retriable', waitMs: undefined }],
    [501, {}, { kind: 'fatal', waitMs: undefined }],
    [400, {}, { kind: 'fatal', waitMs: undefined }],
    [401, {}, { kind: 'fatal', waitMs: undefined }],
    [404, {}, { kind: 'fatal', waitMs: undefined }],
    [410, {}, { kind: 'fatal', waitMs: undefined }],
  ])('%i %j', (status, headers, expected) => {
    expect(classifyStatus(status, headers, now)).toEqual(expected);
  });
});
