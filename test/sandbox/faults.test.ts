/** Injected faults (one-shot and random), rate limits, and that admin traffic is never disturbed. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 2, counts: { contacts: 10 } });
});
afterEach(() => {
  sb.source.faults.clear();
  sb.source.configure({ rateLimit: null });
  sb.source.stats.clear();
});
afterAll(() => sb.close());

describe('failNext', () => {
  it('a one-shot 429 carries Retry-After in seconds, then requests succeed again', async () => {
    sb.source.faults.set({ failNext: [{ status: 429, count: 2 }], retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const res = await get(sb, '/v1/contacts');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
    }
    expect((await get(sb, '/v1/contacts')).status).toBe(200);
    expect(sb.source.stats.faults.failNext).toBe(2);
  });

  it('Retry-After as an HTTP date when asked', async () => {
    sb.source.faults.set({ failNext: [{ status: 429 }], retryAfterDate: true, retryAfterSeconds: 30 });
    const res = await get(sb, '/v1/contacts');
    const wait = Date.parse(res.headers.get('retry-after')!) - sb.source.clock.now();
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(31_000);
  });

  it('matches only its pathPrefix and uses the given body and headers', async () => {
    sb.source.faults.failNext({ status: 503, pathPrefix: '/v1/events', body: { error: 'maintenance' }, headers: { 'x-why': 'test' } });
    expect((await get(sb, '/v1/contacts')).status).toBe(200);
    const res = await get(sb, '/v1/events');
    expect(res).toMatchObject({ status: 503, body: { error: 'maintenance' } });
    expect(res.headers.get('x-why')).toBe('test');
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('status 0 resets the connection', async () => {
    sb.source.faults.set({ failNext: [{ status: 0 }] });
    await expect(get(sb, '/v1/contacts')).rejects.toThrow();
    expect((await get(sb, '/v1/contacts')).status).toBe(200);
    expect(sb.source.stats.filter({ status: 0 })).toHaveLength(1);
  });

  it('rejects unknown fault options, naming the valid ones', () => {
    expect(() => sb.source.faults.set({ rate500: 0.5 } as never)).toThrow(/unknown fault option "rate500"; valid: .*rate5xx/);
    expect(() => sb.source.faults.set({ rate429: 2 })).toThrow(/between 0 and 1/);
  });
});

describe('random faults', () => {
  it('rates are roughly honoured and reproducible by seed', async () => {
    const run = async () => {
      sb.source.faults.set({ rate5xx: 0.3, seed: 99 });
      const statuses: number[] = [];
      for (let i = 0; i < 150; i++) statuses.push((await get(sb, '/v1/contacts?limit=1')).status);
      return statuses;
    };
    const first = await run();
    const errors = first.filter((s) => s >= 500);
    expect(errors.length).toBeGreaterThan(25);
    expect(errors.length).toBeLessThan(70);
    expect(new Set(errors).size).toBeGreaterThan(1); // a mix of 500/502/503/504
    expect(await run()).toEqual(first);
    expect(sb.source.stats.faults['5xx']).toBe(errors.length * 2);
  });

  it('malformed JSON, HTML error pages and slow answers', async () => {
    sb.source.faults.set({ malformedRate: 1 });
    const bad = await get(sb, '/v1/contacts');
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.text)).toThrow();

    sb.source.faults.set({ htmlRate: 1 });
    const html = await get(sb, '/v1/contacts');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);

    sb.source.faults.set({ slowMs: 150 });
    const t0 = Date.now();
    expect((await get(sb, '/v1/contacts')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(sb.source.stats.faults).toMatchObject({ malformed: 1, html: 1, slow: 1 });
  });

  it('resetRate drops connections', async () => {
    sb.source.faults.set({ resetRate: 1 });
    await expect(get(sb, '/v1/contacts')).rejects.toThrow();
    expect(sb.source.stats.faults.reset).toBe(1);
  });

  it('admin endpoints are never faulted and not logged', async () => {
    sb.source.faults.set({ rate5xx: 1 });
    const res = await fetch(`${sb.url}/_admin/info`);
    expect(res.status).toBe(200);
    expect(sb.source.stats.count()).toBe(0);
  });

  it('can be set over HTTP', async () => {
    const res = await fetch(`${sb.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ failNext: [{ status: 502 }] }) });
    expect(res.status).toBe(200);
    expect((await get(sb, '/v1/contacts')).status).toBe(502);
    const typo = await fetch(`${sb.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ rate5XX: 1 }) });
    expect(typo.status).toBe(400);
  });
});

describe('rate limits', () => {
  it('over budget: 429 with Retry-After; the budget returns with the next window', async () => {
    sb.source.configure({ rateLimit: { requests: 3, windowMs: 10_000 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await get(sb, '/v1/contacts'));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(Number(statuses[3].headers.get('retry-after'))).toBeGreaterThanOrEqual(9);
    sb.source.clock.advance(10_000);
    expect((await get(sb, '/v1/contacts')).status).toBe(200);
  });

  it('GitHub-style routes report x-ratelimit-* and answer 403 with remaining 0', async () => {
    const free = await get(sb, '/v1/gh/contacts');
    expect(free.headers.get('x-ratelimit-limit')).toBe('5000');
    sb.source.configure({ rateLimit: { requests: 2, windowMs: 60_000 } });
    const a = await get(sb, '/v1/gh/contacts');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    await get(sb, '/v1/gh/contacts');
    const limited = await get(sb, '/v1/gh/contacts');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset * 1000).toBeGreaterThan(sb.source.clock.now());
    expect(reset * 1000).toBeLessThanOrEqual(sb.source.clock.now() + 61_000);
  });

  it('the request log counts requests per time window', async () => {
    const start = sb.source.clock.now();
    for (let i = 0; i < 4; i++) await get(sb, '/v1/contacts');
    expect(sb.source.stats.count({ pathPrefix: '/v1/contacts', from: start })).toBe(4);
    expect(sb.source.stats.count({ from: start + 3_600_000 })).toBe(0);
    const entry = sb.source.stats.requests[0];
    expect(entry).toMatchObject({ method: 'GET', path: '/v1/contacts', status: 200 });
  });
});
