/**
 * An idle cycle after a bulk edit costs one request, through `syncspec run` against loopback APIs in
 * two vendors' documented shapes whose `since` is inclusive and whose times have whole seconds:
 * GitHub's issues list (`since=` ISO 8601, `per_page`, a Link header) and Zendesk's time-based
 * incremental export (`start_time=` epoch seconds, `next_page`, `end_of_stream`). A bulk edit puts
 * hundreds of records on one second; once that second is older than now − buffer, everything in it
 * has been read, so the next cycle starts after it instead of answering all of it again.
 */
import { afterAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { sendJson, useServers, type TestServer } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

/** The second of the bulk edit: ten minutes ago, well past the 60 s buffer. */
const BULK_SECOND = Math.floor(Date.now() / 1000) - 600;
const isoSecond = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');

interface Issue {
  id: string;
  title: string;
  updated_at: string;
}

/** A few earlier issues, then a bulk edit (a label added to N issues) inside one second. */
function bulkEdited(n: number): Issue[] {
  const earlier = [1, 2, 3].map((i) => ({ id: `e${i}`, title: `Early ${i}`, updated_at: isoSecond(BULK_SECOND - 100 + i) }));
  const bulk = Array.from({ length: n }, (_, i) => ({ id: `b${String(i).padStart(4, '0')}`, title: `Labelled ${i}`, updated_at: isoSecond(BULK_SECOND) }));
  return [...earlier, ...bulk];
}

function spec(sync: Record<string, unknown>): Record<string, unknown> {
  return {
    syncspec: 1,
    name: 'api',
    vars: { baseUrl: {} },
    api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    databases: { items: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: { items: { database: 'items', mode: 'incremental', fullSync: 'off', map: { Name: '$.title', ID: '$.id' }, ...sync } },
  };
}

/** GitHub: `since` keeps issues updated at or after it, ascending by `sort=updated`; `page`/`per_page`; rel="next". */
function githubApi(issues: Issue[]): Promise<TestServer> {
  return serve((req, res) => {
    const since = Date.parse(req.query.get('since') ?? '1970-01-01T00:00:00Z');
    const perPage = Number(req.query.get('per_page') ?? 30);
    const page = Number(req.query.get('page') ?? 1);
    const listed = issues.filter((issue) => Date.parse(issue.updated_at) >= since);
    const slice = listed.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < listed.length) {
      const next = new URL(`http://${req.headers.host}${req.path}`);
      next.searchParams.set('since', req.query.get('since') ?? '');
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.href}>; rel="next"`;
    }
    sendJson(res, 200, slice, headers);
  });
}

/** Zendesk time-based export: `start_time` inclusive; a page of up to 1000 tickets, `end_of_stream` on the last. */
function zendeskApi(tickets: Issue[]): Promise<TestServer> {
  return serve((req, res) => {
    const start = Number(req.query.get('start_time'));
    if (!Number.isInteger(start)) return sendJson(res, 400, { error: 'InvalidValue', description: 'start_time is required' });
    const listed = tickets.filter((ticket) => Date.parse(ticket.updated_at) / 1000 >= start).slice(0, 1000);
    const endTime = listed.length > 0 ? Date.parse(listed.at(-1)!.updated_at) / 1000 : start;
    const base = `http://${req.headers.host}${req.path}`;
    sendJson(res, 200, { tickets: listed, count: listed.length, end_time: endTime, next_page: `${base}?start_time=${endTime}`, end_of_stream: listed.length < 1000 });
  });
}

function rowCount(dir: string): number {
  const db = new Database(join(dir, 'data/sync.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM "api.items"').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Runs one cycle; the requests it made and its summary. */
async function cycle(project: ReturnType<typeof apiProject>, api: TestServer) {
  const before = api.requests.length;
  const result = await project.cli('run', project.config, '--json');
  expect(result.code, result.stderr + result.stdout).toBe(0);
  const requests = api.requests.slice(before);
  return { requests, summary: (JSON.parse(result.stdout) as { upserted: number }[])[0] };
}

describe('an idle cycle after a bulk edit inside one second', () => {
  test('GitHub issues (since ISO, Link header): 1,000 issues on one second, then one request per idle cycle', async () => {
    const issues = bulkEdited(1000);
    const api = await githubApi(issues);
    const project = apiProject(api.url, spec({
      request: { path: '/repos/octo/hello/issues', query: { since: '{{cursor.value}}', state: 'all', sort: 'updated', direction: 'asc' } },
      records: '$[*]',
      paginate: { type: 'linkHeader', pageSize: { value: 100, param: 'per_page' } },
      cursor: { field: '$.updated_at', bufferSeconds: 60 },
    }));
    const first = await cycle(project, api);
    expect(first.requests).toHaveLength(11);
    expect(rowCount(project.dir)).toBe(1003);

    for (let idle = 0; idle < 3; idle++) {
      const next = await cycle(project, api);
      expect(next.requests, `idle cycle ${idle + 1}`).toHaveLength(1);
      if (idle === 0) expect(next.requests[0].query.get('since')).toBe(new Date((BULK_SECOND + 1) * 1000).toISOString());
      // Past the bulk edit's second: just past it, then (no records since) now − buffer.
      expect(Date.parse(next.requests[0].query.get('since')!)).toBeGreaterThanOrEqual((BULK_SECOND + 1) * 1000);
      expect(next.summary.upserted).toBe(0);
    }

    // An edit made now is still found.
    issues.push({ id: 'e1', title: 'Edited again', updated_at: isoSecond(Math.floor(Date.now() / 1000)) });
    const after = await cycle(project, api);
    expect(after.summary.upserted).toBe(1);
    expect(rowCount(project.dir)).toBe(1003);
  });

  test('Zendesk incremental export (start_time epoch seconds): 310 tickets on one second, then none re-read', async () => {
    const tickets = bulkEdited(310);
    const api = await zendeskApi(tickets);
    const project = apiProject(api.url, spec({
      request: { path: '/api/v2/incremental/tickets.json', query: { start_time: '{{epochSeconds cursor.value}}' } },
      records: '$.tickets[*]',
      paginate: { type: 'nextUrl', path: '$.next_page', stop: { done: '$.end_of_stream' } },
      cursor: { field: '$.updated_at', bufferSeconds: 60 },
    }));
    const first = await cycle(project, api);
    expect(first.requests).toHaveLength(1);
    expect(first.summary.upserted).toBe(313);

    for (let idle = 0; idle < 3; idle++) {
      const next = await cycle(project, api);
      expect(next.requests, `idle cycle ${idle + 1}`).toHaveLength(1);
      expect(Number(next.requests[0].query.get('start_time'))).toBeGreaterThanOrEqual(BULK_SECOND + 1);
      expect(next.summary.upserted, 'tickets answered again').toBe(0);
    }
  });

  test('a bulk edit inside the buffer is read again until its second is old enough', async () => {
    // The second is 5 s old, the buffer 3600 s: records of that second may still be arriving.
    const recent = Math.floor(Date.now() / 1000) - 5;
    const tickets = [{ id: 't1', title: 'Recent', updated_at: isoSecond(recent) }];
    const api = await zendeskApi(tickets);
    const project = apiProject(api.url, spec({
      request: { path: '/api/v2/incremental/tickets.json', query: { start_time: '{{epochSeconds cursor.value}}' } },
      records: '$.tickets[*]',
      paginate: { type: 'nextUrl', path: '$.next_page', stop: { done: '$.end_of_stream' } },
      cursor: { field: '$.updated_at', bufferSeconds: 3600 },
    }));
    await cycle(project, api);
    const next = await cycle(project, api);
    expect(Number(next.requests[0].query.get('start_time'))).toBeLessThanOrEqual(recent);
  });
});
