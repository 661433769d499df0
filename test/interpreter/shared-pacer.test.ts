/**
 * A pacer's budget is the API's, whichever process spends it: `syncspec run`s on one database,
 * back to back or at once, together keep to it — measured at the server, which answers 429 to any
 * request over the budget in a sliding window.
 */
import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratchDirs, runCli, scratchDir, spawnCli, withProject } from '../support/cli.js';
import { sendJson, useServers } from '../support/http-server.js';

const ALLOWED = 3;
const INTERVAL_MS = 1500;
const RECORDS = 4;
const startServer = useServers();
afterAll(removeScratchDirs);

/** An API with two lists of RECORDS records, one per page, and the budget enforced at arrival. */
async function pacedApi() {
  const arrivals: number[] = [];
  let limited = 0;
  const server = await startServer((request, response) => {
    const now = performance.now();
    if (arrivals.filter((at) => at > now - INTERVAL_MS).length >= ALLOWED) {
      limited++;
      response.setHeader('retry-after', '2');
      sendJson(response, 429, { error: 'rate limited' });
      return;
    }
    arrivals.push(now);
    const offset = Number(request.query.get('offset') ?? 0);
    const list = request.path.slice(1);
    const data = offset < RECORDS ? [{ id: `${list}-${offset}`, name: `${list} ${offset}` }] : [];
    sendJson(response, 200, { data, total: RECORDS });
  });
  const maxInWindow = () => Math.max(0, ...arrivals.map((at) => arrivals.filter((other) => other >= at && other - at < INTERVAL_MS).length));
  return { server, arrivals, maxInWindow, limited: () => limited };
}

function project(url: string) {
  const dir = scratchDir('syncspec-shared-pacer-');
  const sync = (path: string) => ({
    database: path.slice(1), request: { path }, records: '$.data[*]', pacer: 'api', map: { Name: '$.name', ID: '$.id' },
    paginate: { type: 'offset', param: 'offset', pageSize: { value: 1, param: 'limit' }, stop: { total: '$.total' } },
  });
  const spec = {
    syncspec: 1, name: 'shop', vars: { baseUrl: {} },
    api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } },
    pacers: { api: { allowedRequests: ALLOWED, intervalMs: INTERVAL_MS } },
    databases: Object.fromEntries(['orders', 'refunds'].map((name) => [name, { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } }])),
    syncs: { orders: sync('/orders'), refunds: sync('/refunds') },
  };
  writeFileSync(join(dir, 'shop.yaml'), JSON.stringify(spec));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, ['syncspec: 1', 'database: { type: sqlite, path: ./data/sync.db }', 'connectors:', '  shop:', '    spec: ./shop.yaml', '    vars: { baseUrl: { env: API_URL } }', ''].join('\n'));
  return { config, dir, env: { ...process.env, API_URL: url } };
}

async function rowCount(config: string, env: NodeJS.ProcessEnv): Promise<number> {
  return withProject(config, env, async (opened) => {
    let rows = 0;
    for (const sync of opened.syncs) rows += (await opened.store.readRows(sync.database, { limit: 100 })).rows.length;
    return rows;
  });
}

/** Resolves once the run has recorded a pause of the pacer in the database (polled, without a time limit of its own). */
async function pauseRecorded(dir: string): Promise<number> {
  const file = join(dir, 'data/sync.db');
  for (;;) {
    if (existsSync(file)) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare("SELECT until FROM _pacer_pauses WHERE pacer = 'shop.api'").get() as { until: number } | undefined;
        if (row) return row.until;
      } catch {
        // The schema is not there yet: the run is still opening the file.
      } finally {
        db.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a pacer shared by processes on one database', () => {
  it('two runs back to back: the second waits for the window the first one spent', async () => {
    const api = await pacedApi();
    const { config, dir, env } = project(api.server.url);
    const first = await runCli(['run', config, '--sync', 'orders'], { env, cwd: dir });
    const second = await runCli(['run', config, '--sync', 'refunds'], { env, cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(api.arrivals).toHaveLength(2 * RECORDS);
    expect(api.limited()).toBe(0);
    expect(api.maxInWindow()).toBeLessThanOrEqual(ALLOWED);
    expect(await rowCount(config, env)).toBe(2 * RECORDS);
  });

  it('two runs at once share the budget: together never over it', async () => {
    const api = await pacedApi();
    const { config, dir, env } = project(api.server.url);
    const runs = [spawnCli(['run', config, '--sync', 'orders'], { env, cwd: dir }), spawnCli(['run', config, '--sync', 'refunds'], { env, cwd: dir })];
    for (const result of await Promise.all(runs.map((run) => run.done))) expect(result.code, result.stderr).toBe(0);
    expect(api.arrivals).toHaveLength(2 * RECORDS);
    expect(api.limited()).toBe(0);
    expect(api.maxInWindow()).toBeLessThanOrEqual(ALLOWED);
    expect(await rowCount(config, env)).toBe(2 * RECORDS);
  });

  it("a 429 one run receives holds the other run's requests until its Retry-After has passed", async () => {
    const arrivals: { at: number; status: number }[] = [];
    const server = await startServer((request, response) => {
      const offset = Number(request.query.get('offset') ?? 0);
      if (arrivals.length === 0) {
        arrivals.push({ at: Date.now(), status: 429 });
        response.setHeader('retry-after', '2');
        sendJson(response, 429, { error: 'rate limited' });
        return;
      }
      arrivals.push({ at: Date.now(), status: 200 });
      const list = request.path.slice(1);
      sendJson(response, 200, { data: offset < RECORDS ? [{ id: `${list}-${offset}`, name: `${list} ${offset}` }] : [], total: RECORDS });
    });
    const { config, dir, env } = project(server.url);
    const first = spawnCli(['run', config, '--sync', 'orders'], { env, cwd: dir });
    // The second run starts once the first has recorded the pause: from then on nobody may send.
    const until = await pauseRecorded(dir);
    const second = spawnCli(['run', config, '--sync', 'refunds'], { env, cwd: dir });
    for (const result of await Promise.all([first.done, second.done])) expect(result.code, result.stderr).toBe(0);
    const limitedAt = arrivals[0].at;
    expect(until).toBeGreaterThanOrEqual(limitedAt + 2000);
    expect(arrivals.slice(1).filter((arrival) => arrival.at < limitedAt + 2000)).toEqual([]);
    expect(arrivals.filter((arrival) => arrival.status === 429)).toHaveLength(1);
    expect(await rowCount(config, env)).toBe(2 * RECORDS);
  });
});
