import { describe, expect, test } from 'vitest';
import { backoffDelay, classifyStatus } from '../../engine/http/retry.js';
import { rateLimitRules } from '../../engine/http/rate-limit.js';

const now = Date.parse('2024-01-02T03:04:05Z');
const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelay', () => {
  test('full jitter under an exponential ceiling capped at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(100);
  });
});

describe('classifyStatus', () => {
  const defaults = rateLimitRules(undefined);
  test.each([
    [200, {}, { kind: 'ok' }],
    [204, {}, { kind: 'ok' }],
    [429, { 'retry-after': '1' }, { kind: 'rateLimited', waitMs: 1000 }],
    [429, {}, { kind: 'rateLimited', waitMs: undefined }],
    [403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 5) }, { kind: 'rateLimited', waitMs: 5000 }],
    [403, { 'x-ratelimit-remaining': '0' }, { kind: 'rateLimited', waitMs: undefined }],
    [403, { 'retry-after': '60' }, { kind: 'rateLimited', waitMs: 60_000 }],
    [403, { 'x-ratelimit-remaining': '12' }, { kind: 'fatal', waitMs: undefined }],
    [403, {}, { kind: 'fatal', waitMs: undefined }],
    [500, {}, { kind: 'retriable', waitMs: undefined }],
    [503, { 'retry-after': '2' }, { kind: 'retriable', waitMs: 2000 }],
    [408, {}, { kind: 'retriable', waitMs: undefined }],
    [501, {}, { kind: 'fatal', waitMs: undefined }],
    [400, {}, { kind: 'fatal', waitMs: undefined }],
    [401, {}, { kind: 'fatal', waitMs: undefined }],
    [404, {}, { kind: 'fatal', waitMs: undefined }],
    [410, {}, { kind: 'fatal', waitMs: undefined }],
  ])('%i %j', (status, headers, expected) => {
    expect(classifyStatus(status, headers, defaults, now)).toEqual(expected);
  });

  test("a 403 is a rate limit by the spec's own remaining header, and still by GitHub's", () => {
    const rules = rateLimitRules({ remainingHeader: 'X-Quota-Left', resetHeader: 'X-Quota-Reset', resetFormat: 'seconds' });
    expect(classifyStatus(403, { 'x-quota-left': '0', 'x-quota-reset': '7' }, rules, now)).toEqual({ kind: 'rateLimited', waitMs: 7000 });
    expect(classifyStatus(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 5) }, rules, now)).toEqual({
      kind: 'rateLimited',
      waitMs: 5000,
    });
    expect(classifyStatus(403, { 'x-quota-left': '3', 'x-ratelimit-remaining': '12' }, rules, now)).toEqual({ kind: 'fatal', waitMs: undefined });
  });
});
