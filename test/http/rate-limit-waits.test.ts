/**
 * Rate-limit waits through `syncspec run`, `runs logs` and `status`, against loopback APIs in the
 * vendors' documented shapes: GitHub (`x-ratelimit-remaining: 0` beside `x-ratelimit-reset` in epoch
 * seconds), Shopify (`X-Shopify-Shop-Api-Call-Limit: 40/40`, a leaky bucket with no reset header, and
 * `Retry-After: 2.0` on its 429), an API whose reset is an ISO time, and a remaining 0 with no reset at
 * all. Every wait is logged as it starts (reason, headers, length), written into run history and
 * counted in the run; a spent budget slows the next request down before a 429 does. Only lower bounds
 * on gaps the client must leave are asserted, never how fast anything ran; each wait is at least 2 s
 * past the answer that asks for it, so even a slow machine sends the next request inside it.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers, type TestServer } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsPage, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

interface Served {
  server: TestServer;
  /** When each request arrived and when it was answered (performance.now()). */
  times: { arrived: number; answered: number }[];
}

/** Three pages of /items (`?page=`); `answer(page, call)` adds headers to an answer, or makes it an error. */
async function pagedApi(answer: (page: number, call: number) => { status?: number; headers?: Record<string, string> }): Promise<Served> {
  const times: Served['times'] = [];
  let calls = 0;
  const server = await serve((req, res) => {
    const arrived = performance.now();
    const page = Number(req.query.get('page') ?? 1);
    const { status = 200, headers = {} } = answer(page, ++calls);
    times.push({ arrived, answered: performance.now() });
    if (status !== 200) return sendJson(res, status, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, headers);
    sendJson(res, 200, itemsPage([`${page}a`, `${page}b`], page < 3 ? { next: page + 1 } : {}), headers);
  });
  return { server, times };
}

const paging = { paginate: { type: 'token', token: { path: '$.next' }, param: 'page' } };

async function runAndRead(served: Served, api: Record<string, unknown> = {}) {
  const project = apiProject(served.server.url, itemsSpec({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, ...api }, paging));
  const run = await project.cli('run', project.config, '--json');
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const [summary] = JSON.parse(run.stdout) as { upserted: number; waits: number; waitedMs: number; runId: number }[];
  const logs = await project.cli('runs', 'logs', project.config, String(summary.runId));
  const status = JSON.parse((await project.cli('status', project.config, '--json')).stdout) as { latestRun: { waits: number; waitedMs: number } }[];
  return { summary, stderr: run.stderr, logs: logs.stdout, latest: status[0].latestRun };
}

/** The gap the client left between page `from`'s answer and the next request. */
const gapAfter = (served: Served, from: number) => served.times[from].arrived - served.times[from - 1].answered;

describe('rate-limit waits are logged and counted', () => {
  test("GitHub: remaining 0 with a reset pauses the next page until the reset, and says so", async () => {
    // The reset is set when page 1 is answered, at least 2 s ahead: page 2 is asked for well before it.
    let reset = 0;
    const served = await pagedApi((page) => {
      if (page !== 1) return { headers: { 'x-ratelimit-remaining': '4999' } };
      reset = Math.ceil(Date.now() / 1000) + 3;
      return { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } };
    });
    const { summary, stderr, logs, latest } = await runAndRead(served);
    expect(summary).toMatchObject({ upserted: 6, waits: 1 });
    expect(summary.waitedMs).toBeGreaterThan(0);
    expect(summary.waitedMs).toBeLessThanOrEqual(4000);
    expect(served.times[1].arrived + performance.timeOrigin).toBeGreaterThanOrEqual(reset * 1000 - 5);
    expect(stderr).toMatch(new RegExp(`waiting \\S+: the rate budget is spent \\(x-ratelimit-remaining: 0, x-ratelimit-reset: ${reset}\\) — GET http://127\\.0\\.0\\.1:\\d+/items\\?page=2`));
    expect(logs).toMatch(new RegExp(`waited \\S+: the rate budget is spent \\(x-ratelimit-remaining: 0, x-ratelimit-reset: ${reset}\\) — GET `));
    expect(logs).toMatch(/completed in .*, 1 rate-limit waits \(\S+\)/);
    expect(latest).toMatchObject({ waits: 1, waitedMs: summary.waitedMs });
  });

  test("Shopify: 40/40 on its call-limit header backs off before a 429; a 429's Retry-After: 2.0 is waited out and logged", async () => {
    const served = await pagedApi((page, call) => {
      if (call === 1) return { headers: { 'x-shopify-shop-api-call-limit': '40/40' } };
      if (call === 2) return { status: 429, headers: { 'retry-after': '2.0', 'x-shopify-shop-api-call-limit': '40/40' } };
      return { headers: { 'x-shopify-shop-api-call-limit': `${10 + page}/40` } };
    });
    const { summary, logs, latest } = await runAndRead(served, {
      rateLimit: { remainingHeader: 'X-Shopify-Shop-Api-Call-Limit', remainingFormat: 'usedOfLimit', backoffMs: 3000 },
    });
    // The backoff counts from page 1's answer (what is left of it when page 2 is due), the 429's wait is as asked.
    expect(summary).toMatchObject({ upserted: 6, waits: 2 });
    expect(summary.waitedMs).toBeGreaterThan(2000);
    expect(summary.waitedMs).toBeLessThanOrEqual(3000 + 2000);
    expect(gapAfter(served, 1)).toBeGreaterThanOrEqual(3000 - 5);
    expect(gapAfter(served, 2)).toBeGreaterThanOrEqual(2000 - 5);
    expect(logs).toMatch(/waited \S+: the rate budget is spent \(x-shopify-shop-api-call-limit: 40\/40; no reset given, so 3000 ms\) — GET /);
    expect(logs).toContain('waited 2.0s: 429 rate limited (retry-after: 2.0, x-shopify-shop-api-call-limit: 40/40) — GET ');
    expect(latest).toMatchObject({ waits: 2, waitedMs: summary.waitedMs });
  });

  test('a reset given as an ISO time is read and waited for', async () => {
    let reset = '';
    const served = await pagedApi((page) => {
      if (page !== 1) return { headers: { 'x-quota-left': '9' } };
      reset = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toISOString();
      return { headers: { 'x-quota-left': '0', 'x-quota-reset': reset } };
    });
    const { summary, logs } = await runAndRead(served, { rateLimit: { remainingHeader: 'X-Quota-Left', resetHeader: 'X-Quota-Reset', resetFormat: 'iso' } });
    expect(summary).toMatchObject({ upserted: 6, waits: 1 });
    // The second page waited until the reset: the server saw it no earlier.
    expect(served.times[1].arrived + performance.timeOrigin).toBeGreaterThanOrEqual(Date.parse(reset) - 5);
    expect(logs).toContain(`the rate budget is spent (x-quota-left: 0, x-quota-reset: ${reset}) — GET `);
  });

  test('remaining 0 without any reset header backs off (rateLimit.backoffMs; 1 s by default) instead of running into a 429', async () => {
    const served = await pagedApi((page) => ({ headers: { 'x-ratelimit-remaining': page === 1 ? '0' : '10' } }));
    const { summary, logs } = await runAndRead(served, { rateLimit: { backoffMs: 3000 } });
    expect(summary).toMatchObject({ upserted: 6, waits: 1 });
    expect(summary.waitedMs).toBeLessThanOrEqual(3000);
    expect(gapAfter(served, 1)).toBeGreaterThanOrEqual(3000 - 5);
    expect(logs).toMatch(/waited \S+: the rate budget is spent \(x-ratelimit-remaining: 0; no reset given, so 3000 ms\) — GET /);
  });
});
