/**
 * Rate limits, measured at the server: syncs sharing a pacer split its budget fairly and never exceed
 * it; a rate-limit answer (429 + Retry-After in seconds or as an HTTP date, GitHub's 403 with
 * x-ratelimit-remaining: 0, a spec's own header names) pauses every sync on the pacer until the API
 * says, and an answer that spends the budget pauses them before a request is wasted on a certain
 * refusal. Other refusals (400, 401, 403, 404) fail the run at once, after one request.
 */
import { describe, expect, it } from 'vitest';
import { startSandbox, type RequestLogEntry, type Sandbox, type SandboxOptions } from '../../sandbox/server.js';
import type { OpenedProject } from '../../engine/project.js';
import { runProject } from '../../engine/project.js';
import { commitsOnly, projectAt, rowsByKey, runSync, type SpecObject } from '../support/project.js';

interface SpecOptions {
  pacer?: { allowedRequests: number; intervalMs: number };
  rateLimit?: Record<string, string>;
}

const PAGE = 5;
const stripe = (path: string) => ({
  request: { path },
  records: '$.data[*]',
  paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after', pageSize: { value: PAGE, param: 'limit' }, stop: { hasMore: '$.has_more' } },
});

/** Four syncs on one pacer, 5 records a page, each on its own path (so the server's log tells them apart). */
function spec({ pacer = { allowedRequests: 100, intervalMs: 1000 }, rateLimit }: SpecOptions = {}): SpecObject {
  const map = { Name: '$.name', ID: '$.id' };
  const database = { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } };
  return {
    syncspec: 1,
    name: 'limited',
    vars: { baseUrl: {} },
    secrets: { apiToken: {} },
    api: {
      baseUrl: '{{vars.baseUrl}}',
      auth: { type: 'bearer', token: { secret: 'apiToken' } },
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      ...(rateLimit && { rateLimit }),
    },
    pacers: { api: pacer },
    databases: { contacts: database, companies: database, crm: database, gh: database, issues: database },
    syncs: {
      contacts: { database: 'contacts', pacer: 'api', ...stripe('/v1/contacts'), map },
      companies: { database: 'companies', pacer: 'api', ...stripe('/v1/companies'), map },
      crm: {
        database: 'crm', pacer: 'api', request: { path: '/v1/crm/contacts' }, records: '$.results[*]',
        paginate: { type: 'token', token: { path: '$.paging.next.after' }, param: 'after', pageSize: { value: PAGE, param: 'limit' } },
        map,
      },
      gh: { database: 'gh', pacer: 'api', request: { path: '/v1/gh/contacts' }, paginate: { type: 'linkHeader', pageSize: { value: PAGE, param: 'per_page' } }, map },
      // Three repositories' issues, all three at once: three requests waiting on the pacer at a time.
      issues: {
        database: 'issues', pacer: 'api', partitions: { values: ['rep_000001', 'rep_000002', 'rep_000003'] }, partitionConcurrency: 3,
        request: { path: '/v1/repos/{{partition}}/issues', query: { state: 'all' } },
        paginate: { type: 'linkHeader', pageSize: { value: PAGE, param: 'per_page' } }, map: { Name: '$.title', ID: '$.id' },
      },
    },
  };
}

const SYNC_PATHS = { contacts: '/v1/contacts', companies: '/v1/companies', crm: '/v1/crm/contacts', gh: '/v1/gh/contacts' } as const;
type SyncName = keyof typeof SYNC_PATHS;
const syncOfPath = (path: string) =>
  path.startsWith('/v1/repos/') ? 'issues' : (Object.keys(SYNC_PATHS) as SyncName[]).find((sync) => SYNC_PATHS[sync] === path);

/** A sandbox and an opened project on it, closed after `body`. */
async function withProject(options: SpecOptions & { sandbox?: SandboxOptions }, body: (sandbox: Sandbox, opened: OpenedProject) => Promise<void>) {
  const sandbox = await startSandbox({ seed: 5, clean: true, counts: { contacts: 20, companies: 20 }, ...options.sandbox });
  const project = await projectAt(sandbox.url, { limited: { spec: spec(options) } });
  try {
    const opened = await project.open();
    sandbox.source.stats.clear();
    await body(sandbox, opened);
  } finally {
    await project.close();
    await sandbox.close();
  }
}

const arrivals = (sandbox: Sandbox): RequestLogEntry[] => [...sandbox.source.stats.requests].sort((a, b) => a.time - b.time);

/** Arrivals inside the window of `windowMs` that starts at each arrival (how the budget is defined). */
function windows(entries: RequestLogEntry[], windowMs: number): RequestLogEntry[][] {
  return entries.map((first, i) => entries.slice(i).filter((entry) => entry.time - first.time < windowMs));
}

describe('a pacer shared by syncs running at once', () => {
  it('is never exceeded, and each sync gets a fair share while they all run', async () => {
    const pacer = { allowedRequests: 3, intervalMs: 120 };
    await withProject({ pacer, sandbox: { counts: { contacts: 30, companies: 30 } } }, async (sandbox, opened) => {
      const summaries = await Promise.all((['contacts', 'companies', 'crm'] as const).map((sync) => runProject(opened, { syncs: [sync] })));
      expect(summaries.flat().map((s) => [s.status, s.upserted])).toEqual([['completed', 30], ['completed', 30], ['completed', 30]]);

      const log = arrivals(sandbox);
      expect(log).toHaveLength(3 * 6);
      for (const window of windows(log, pacer.intervalMs)) expect(window.length).toBeLessThanOrEqual(pacer.allowedRequests);

      // While all three run (up to the first one's last request), each gets one slot of a window's
      // three (two when another was busy writing its page when a slot opened), and ±1 the same overall.
      const lastOf = (sync: SyncName) => Math.max(...log.filter((r) => syncOfPath(r.path) === sync).map((r) => r.time));
      const allRunning = log.filter((r) => r.time <= Math.min(lastOf('contacts'), lastOf('companies'), lastOf('crm')));
      for (const window of windows(allRunning, pacer.intervalMs)) {
        for (const sync of ['contacts', 'companies', 'crm'] as const) {
          expect(window.filter((r) => syncOfPath(r.path) === sync).length).toBeLessThanOrEqual(2);
        }
      }
      const shares = (['contacts', 'companies', 'crm'] as const).map((sync) => allRunning.filter((r) => syncOfPath(r.path) === sync).length);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      expect(Math.min(...shares)).toBeGreaterThanOrEqual(5);
    });
  });

  it('shares it by sync, not by request: three partitions in flight get what one unpartitioned sync gets', async () => {
    const pacer = { allowedRequests: 2, intervalMs: 40 };
    const counts = { contacts: 12 * PAGE, companies: 1, repos: 3, issuesPerRepo: 6 * PAGE };
    await withProject({ pacer, sandbox: { counts } }, async (sandbox, opened) => {
      const summaries = (await Promise.all([runProject(opened, { syncs: ['issues'] }), runProject(opened, { syncs: ['contacts'] })])).flat();
      expect(summaries.map((s) => [s.status, s.upserted])).toEqual([['completed', 18 * PAGE], ['completed', 12 * PAGE]]);

      const log = arrivals(sandbox);
      expect(log).toHaveLength(18 + 12);
      for (const window of windows(log, pacer.intervalMs)) expect(window.length).toBeLessThanOrEqual(pacer.allowedRequests);
      // Served request by request, the partitions would take three slots in four, and the issues would
      // be done when contacts had 6 of their 12 pages; shared by sync, both progress alike.
      const lastOf = (sync: string) => Math.max(...log.filter((r) => syncOfPath(r.path) === sync).map((r) => r.time));
      const allRunning = log.filter((r) => r.time <= Math.min(lastOf('issues'), lastOf('contacts')));
      const share = (sync: string) => allRunning.filter((r) => syncOfPath(r.path) === sync).length;
      expect(share('contacts')).toBe(12);
      expect(Math.abs(share('issues') - share('contacts'))).toBeLessThanOrEqual(2);
    });
  });
});

describe('rate-limit answers', () => {
  it('a 429 with Retry-After in seconds pauses every sync on the pacer; both runs complete', async () => {
    // One request in flight at a time, so nothing was already on its way when the 429 came back.
    await withProject({ pacer: { allowedRequests: 1, intervalMs: 30 } }, async (sandbox, opened) => {
      let injected = false;
      const onCommit = () => {
        if (injected) return;
        injected = true;
        sandbox.source.faults.failNext({ status: 429, count: 1, headers: { 'retry-after': '1' } });
      };
      const summaries = (await Promise.all([runProject(opened, { syncs: ['contacts'], onEvent: commitsOnly(onCommit) }), runProject(opened, { syncs: ['companies'], onEvent: commitsOnly(onCommit) })])).flat();
      expect(summaries.map((s) => [s.status, s.upserted])).toEqual([['completed', 20], ['completed', 20]]);
      expect(summaries.map((s) => s.retries).sort()).toEqual([0, 1]);

      const log = arrivals(sandbox);
      const limited = log.filter((r) => r.status === 429);
      expect(limited).toHaveLength(1);
      const after = log.filter((r) => r.time > limited[0].time);
      // Nothing from either sync during the second the API asked for; both still had pages to fetch.
      expect(after[0].time - limited[0].time).toBeGreaterThanOrEqual(995);
      expect(new Set(after.map((r) => syncOfPath(r.path)))).toEqual(new Set(['contacts', 'companies']));
      expect(log).toHaveLength(4 + 4 + 1);
    });
  });

  it('a 429 with Retry-After as an HTTP date waits until that date', async () => {
    await withProject({}, async (sandbox, opened) => {
      sandbox.source.faults.set({ retryAfterDate: true, retryAfterSeconds: 1, failNext: [{ status: 429, pathPrefix: '/v1/contacts' }] });
      const summary = await runSync(opened, 'limited.contacts');
      expect(summary).toMatchObject({ status: 'completed', upserted: 20, requests: 5, retries: 1 });
      const [limited, retried] = arrivals(sandbox);
      expect(limited.status).toBe(429);
      // The sandbox's date: the first whole second at least 1 s after the 429.
      const date = Math.ceil((limited.time + 1000) / 1000) * 1000;
      expect(retried.time).toBeGreaterThanOrEqual(date);
      expect(retried.time - date).toBeLessThan(500);
    });
  });

  it("GitHub's 403 with x-ratelimit-remaining: 0 waits for x-ratelimit-reset; then the budget is never overrun", async () => {
    await withProject({ sandbox: { rateLimit: { requests: 3, windowMs: 200 } } }, async (sandbox, opened) => {
      // Someone else spent this window's budget: the engine's first request meets GitHub's 403.
      let reset = 0;
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${sandbox.url}/v1/gh/contacts?per_page=1`, { headers: { authorization: 'Bearer sandbox-token' } });
        expect(response.status).toBe(200);
        reset = Number(response.headers.get('x-ratelimit-reset')) * 1000;
      }
      sandbox.source.stats.clear();
      const summary = await runSync(opened, 'limited.gh');
      expect(summary).toMatchObject({ status: 'completed', upserted: 20, requests: 5, retries: 1 });

      const log = arrivals(sandbox);
      expect(log.map((r) => r.status)).toEqual([403, 200, 200, 200, 200]);
      expect(log[1].time).toBeGreaterThanOrEqual(reset);
      // The third page spent the new window's budget (remaining: 0): the fourth waited for the next
      // reset instead of meeting another 403.
      expect(log[4].time).toBeGreaterThanOrEqual(Math.ceil((log[1].time + 200) / 1000) * 1000);
      expect([...(await rowsByKey(opened, 'limited.gh')).keys()]).toHaveLength(20);
    });
  });

  it("reads a spec's own remaining/reset headers; without them the same 403 is a refusal", async () => {
    const quota = () => ({ 'x-quota-left': '0', 'x-quota-reset': String(Date.now() + 300) });
    const rateLimit = { remainingHeader: 'X-Quota-Left', resetHeader: 'X-Quota-Reset', resetFormat: 'epochMillis' };
    await withProject({ rateLimit }, async (sandbox, opened) => {
      const headers = quota();
      sandbox.source.faults.failNext({ status: 403, pathPrefix: '/v1/contacts', headers, body: { message: 'quota exceeded' } });
      const summary = await runSync(opened, 'limited.contacts');
      expect(summary).toMatchObject({ status: 'completed', upserted: 20, requests: 5, retries: 1 });
      const [limited, retried] = arrivals(sandbox);
      expect(limited.status).toBe(403);
      expect(retried.time).toBeGreaterThanOrEqual(Number(headers['x-quota-reset']));
    });
    await withProject({}, async (sandbox, opened) => {
      sandbox.source.faults.failNext({ status: 403, pathPrefix: '/v1/contacts', headers: quota(), body: { message: 'quota exceeded' } });
      const summary = await runSync(opened, 'limited.contacts');
      expect(summary).toMatchObject({
        status: 'failed',
        requests: 1,
        error: `GET ${sandbox.url}/v1/contacts?limit=5: 403 Forbidden: {"message":"quota exceeded"}`,
      });
    });
  });
});

describe('a wait longer than 15 minutes', () => {
  it('fails the run at once with the time the API named, and holds every sync on the pacer without a request', async () => {
    await withProject({}, async (sandbox, opened) => {
      sandbox.source.faults.failNext({ status: 429, pathPrefix: '/v1/contacts', headers: { 'retry-after': '3600' } });
      const started = Date.now();
      const limited = await runSync(opened, 'limited.contacts');
      const waitUntil = (path: string) =>
        new RegExp(`^GET ${sandbox.url.replace(/\./g, '\\.')}${path}\\?limit=5: (.*)[;:] the API asks to wait until (\\S+) \\(in 360[01] s\\), longer than the longest wait \\(900 s\\)$`);
      const [, answer, until] = waitUntil('/v1/contacts').exec(limited.error ?? '') ?? [];
      expect(answer).toBe('429 Too Many Requests: {"error":"rate_limited","message":"injected 429"}');
      expect(Math.abs(Date.parse(until) - (started + 3_600_000))).toBeLessThan(2000);
      expect(limited).toMatchObject({ status: 'failed', requests: 1 });

      // Another sync on the pacer: refused without a request, naming the same time.
      const held = await runSync(opened, 'limited.companies');
      expect(held).toMatchObject({ status: 'failed', requests: 0 });
      const [, notSent, heldUntil] = waitUntil('/v1/companies').exec(held.error ?? '') ?? [];
      expect(notSent).toBe('not sent');
      expect(Math.abs(Date.parse(heldUntil) - Date.parse(until))).toBeLessThanOrEqual(1000);
      expect(sandbox.source.stats.requests.map((r) => r.path)).toEqual(['/v1/contacts']);
    });
  });
});

describe('refusals', () => {
  it.each([
    [400, 'Bad Request'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'Not Found'],
  ])('%i fails the run at once: one request, the answer summarized, secrets redacted', async (status, text) => {
    await withProject({}, async (sandbox, opened) => {
      sandbox.source.faults.failNext({ status, pathPrefix: '/v1/contacts', body: { message: 'the key sandbox-token may not do this' } });
      const summary = await runSync(opened, 'limited.contacts');
      const error = `GET ${sandbox.url}/v1/contacts?limit=5: ${status} ${text}: {"message":"the key [REDACTED] may not do this"}`;
      expect(summary).toMatchObject({ status: 'failed', error, requests: 1, retries: 0, upserted: 0 });
      expect(sandbox.source.stats.requests.map((r) => r.status)).toEqual([status]);
      const [run] = await opened.store.listRuns({ sync: 'limited.contacts' });
      expect(run).toMatchObject({ status: 'failed', error });
    });
  });
});
