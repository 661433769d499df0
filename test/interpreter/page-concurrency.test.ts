/**
 * `pageConcurrency`: offset and pageNumber pagination with a total fetch the next pages ahead, while
 * pages still commit one at a time, in order, each with its checkpoint — through `syncspec run`
 * against a loopback API in Jira's shape (`startAt`, `maxResults`, `total`).
 */
import { afterAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs, runCli } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const RECORDS = 400;
const paginate = { type: 'offset', param: 'startAt', pageSize: { value: 10, param: 'maxResults' }, stop: { total: '$.total' } };

/**
 * Jira-like pages of `RECORDS` records, at most `cap` per page. Pages after the first are held
 * until `concurrent` requests are waiting (or 10 s pass, so a client that never overlaps fails an
 * assertion instead of hanging): then `maxWaiting` tells how many pages a client had in flight.
 */
async function jira(options: { cap?: number; concurrent?: number } = {}) {
  const waiting: (() => void)[] = [];
  const state = { maxWaiting: 0 };
  let timer: NodeJS.Timeout | undefined;
  const api = await serve((req, res) => {
    const startAt = Number(req.query.get('startAt') ?? 0);
    const size = Math.min(Number(req.query.get('maxResults') ?? 50), options.cap ?? 50);
    const values = [];
    for (let i = startAt; i < Math.min(RECORDS, startAt + size); i++) values.push({ id: `ISSUE-${i}`, name: `Issue ${i}` });
    const answer = () => sendJson(res, 200, { startAt, maxResults: size, total: RECORDS, data: values });
    if (startAt === 0 || options.concurrent === undefined) return answer();
    waiting.push(answer);
    state.maxWaiting = Math.max(state.maxWaiting, waiting.length);
    clearTimeout(timer);
    if (waiting.length >= options.concurrent) waiting.splice(0).forEach((send) => send());
    else timer = setTimeout(() => waiting.splice(0).forEach((send) => send()), 10_000);
  });
  return { api, state };
}

function keys(dir: string): string[] {
  const db = new Database(join(dir, 'data/sync.db'), { readonly: true });
  try {
    return (db.prepare('SELECT _key FROM "api.items"').all() as { _key: string }[]).map((row) => row._key).sort();
  } finally {
    db.close();
  }
}

const expected = Array.from({ length: RECORDS }, (_, i) => `ISSUE-${i}`).sort();

describe('pageConcurrency', () => {
  test('keeps several pages in flight, never asks past the total, and stores every record once', async () => {
    const { api, state } = await jira({ concurrent: 3 });
    const project = apiProject(api.url, itemsSpec({}, { paginate, pageConcurrency: 4 }));
    const run = await project.cli('run', project.config, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)[0]).toMatchObject({ status: 'completed', upserted: RECORDS, requests: RECORDS / 10 });
    expect(state.maxWaiting).toBeGreaterThanOrEqual(3);
    expect(api.requests).toHaveLength(RECORDS / 10);
    expect(keys(project.dir)).toEqual(expected);
    // One commit per page: past 20 commits, the journal samples them (and says so).
    const logs = (await project.cli('runs', 'logs', project.config, '1')).stdout;
    expect(logs.split('\n').filter((line) => line.includes('page committed'))).toHaveLength(20);
    expect(logs).toContain('20 pages committed: from here on one commit in 100 is logged');
  });

  test('a page shorter than pageSize moves the offsets: the pages fetched ahead are dropped, nothing is lost', async () => {
    const { api } = await jira({ cap: 7 });
    const project = apiProject(api.url, itemsSpec({}, { paginate, pageConcurrency: 4 }));
    const run = await project.cli('run', project.config, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)[0]).toMatchObject({ status: 'completed', upserted: RECORDS });
    expect(keys(project.dir)).toEqual(expected);
  });

  test('a process killed inside a commit resumes at its last committed page and ends with every record', async () => {
    const { api } = await jira();
    const project = apiProject(api.url, itemsSpec({}, { paginate, pageConcurrency: 4 }));
    const killed = await runCli(['run', project.config], { cwd: project.dir, env: { ...project.env, SYNCSPEC_FAILPOINT: 'store.commit:6' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(keys(project.dir)).toHaveLength(50);
    const resumed = await project.cli('run', project.config, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)[0]).toMatchObject({ status: 'completed', upserted: RECORDS - 50 });
    expect(keys(project.dir)).toEqual(expected);
    const resumedFrom = api.requests.filter((request) => request.query.get('startAt') === '50');
    expect(resumedFrom.length).toBeGreaterThanOrEqual(1);
  });

  test('validate refuses it where pages cannot be known ahead, naming the field', async () => {
    const token = { type: 'token', token: { path: '$.next' }, param: 'cursor' };
    const api = await serve((_req, res) => sendJson(res, 200, { data: [] }));
    const project = apiProject(api.url, itemsSpec({}, { paginate: token, pageConcurrency: 4 }));
    const result = await project.cli('validate', project.config);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/api\.yaml:\d+:\d+ {2}syncs\.items\.pageConcurrency: pageConcurrency 4 needs pageNumber or offset pagination with a pageSize and stop\.total/);
  });
});
