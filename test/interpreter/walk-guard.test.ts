/**
 * No pagination runs unbounded, through `syncspec run` against loopback APIs that never stop: a token
 * that cycles A → B → A, a token that always advances, a page number under a total of 1e15. Each run
 * fails with a message naming the request, and keeps what it committed before.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsPage, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const token = { type: 'token', token: { path: '$.next' }, param: 'cursor' };

async function rowCount(cli: (...args: string[]) => Promise<{ stdout: string }>, config: string): Promise<number> {
  const runs = JSON.parse((await cli('runs', 'list', config, '--json')).stdout) as { upserted: number }[];
  return runs.reduce((sum, run) => sum + run.upserted, 0);
}

describe('a position already fetched in the cycle', () => {
  test('a token that cycles A → B → A fails the run naming the request', async () => {
    const next: Record<string, string> = { '': 'A', A: 'B', B: 'A' };
    const api = await serve((req, res) => {
      const at = req.query.get('cursor') ?? '';
      sendJson(res, 200, itemsPage([`item-${at || 'first'}`], { next: next[at] }));
    });
    const { config, cli } = apiProject(api.url, itemsSpec({}, { paginate: token }));
    const result = await cli('run', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`GET ${api.url}/items?cursor=A: page 4 of this cycle is at 'A', where page 2 already was; the API's pagination loops`);
    // Nothing was fetched twice but the page that closed the loop.
    expect(api.requests.map((request) => request.query.get('cursor'))).toEqual([null, 'A', 'B']);
    expect(await rowCount(cli, config)).toBe(3);
  });
});

describe('maxPagesPerCycle and maxRecordsPerCycle', () => {
  test('a token that always advances stops at maxPagesPerCycle, across a resumed run too', async () => {
    const api = await serve((req, res) => {
      const at = Number(req.query.get('cursor') ?? 0);
      sendJson(res, 200, itemsPage([`item-${at}`], { next: String(at + 1) }));
    });
    const { config, cli } = apiProject(api.url, itemsSpec({}, { paginate: token, maxPagesPerCycle: 25 }));
    const first = await cli('run', config);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`GET ${api.url}/items?cursor=25: the cycle has fetched 25 pages, the most maxPagesPerCycle allows (25)`);
    expect(api.requests).toHaveLength(25);
    // The count is kept with the checkpoint: a second run does not get another 25 pages.
    const second = await cli('run', config);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('the cycle has fetched 25 pages');
    expect(api.requests).toHaveLength(25);
    expect(await rowCount(cli, config)).toBe(25);
  });

  test('a page number under a total of 1e15 stops at maxPagesPerCycle', async () => {
    const api = await serve((req, res) => sendJson(res, 200, itemsPage([`item-${req.query.get('page')}`], { total_pages: 1e15 })));
    const { config, cli } = apiProject(api.url, itemsSpec({}, { paginate: { type: 'pageNumber', stop: { total: '$.total_pages' } }, maxPagesPerCycle: 10 }));
    const result = await cli('run', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`GET ${api.url}/items?page=11: the cycle has fetched 10 pages, the most maxPagesPerCycle allows (10)`);
  });

  test('records past maxRecordsPerCycle fail the page that brings them, before it is written', async () => {
    const api = await serve((req, res) => {
      const at = Number(req.query.get('cursor') ?? 0);
      sendJson(res, 200, itemsPage([0, 1, 2, 3].map((i) => `item-${at}-${i}`), { next: String(at + 1) }));
    });
    const { config, cli } = apiProject(api.url, itemsSpec({}, { paginate: token, maxRecordsPerCycle: 10 }));
    const result = await cli('run', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`GET ${api.url}/items?cursor=2: this page takes the cycle to 12 records, more than maxRecordsPerCycle allows (10)`);
    expect(await rowCount(cli, config)).toBe(8);
  });

  test('validate knows both limits and rejects nonsense', async () => {
    const { config, cli } = apiProject('http://127.0.0.1:9', itemsSpec({}, { maxPagesPerCycle: 0 }));
    const result = await cli('validate', config);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/syncs\.items\.maxPagesPerCycle: .*at least 1/);
  });
});
