/**
 * A delta whose request filters by something other than its cursor (`state=open`, a var marked
 * `filters: true`), through the real `syncspec` command against a loopback API: a record that
 * leaves the filter is not seen by an incremental cycle and stays in the database as it was; a full
 * cycle — `run --full`, or a replace backfill of the same database — removes it. `status` says when
 * the last such cycle ran (`lastFullCycle`: null before, its time and sync after).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec, type ApiProject } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

interface Item { id: string; name: string; state: 'open' | 'closed'; updated_at: string }

/** `GET /items?state=&since=`: the items in that state changed at or after `since`. */
async function itemsApi(items: Item[]) {
  return serve((request, response) => {
    if (request.path !== '/items') return sendJson(response, 404, { error: 'not found' });
    const state = request.query.get('state');
    const since = request.query.get('since');
    const from = since ? Date.parse(since) : 0;
    sendJson(response, 200, { data: items.filter((item) => (!state || item.state === state) && Date.parse(item.updated_at) >= from) });
  });
}

function spec(withBackfill: boolean): Record<string, unknown> {
  const map = { Name: '$.name', ID: '$.id', State: '$.state' };
  const spec = itemsSpec({}, {
    mode: 'incremental',
    fullSync: 'off',
    cursor: { field: '$.updated_at', bufferSeconds: 0 },
    request: { path: '/items', query: { state: '{{vars.state}}', since: '{{cursor.value}}' } },
    map,
  }) as { vars: Record<string, unknown>; databases: { items: { properties: Record<string, string> } }; syncs: Record<string, unknown> };
  spec.vars.state = { default: 'open', filters: true };
  spec.databases.items.properties.State = 'richText';
  if (withBackfill) {
    spec.syncs.itemsBackfill = { database: 'items', request: { path: '/items', query: { state: '{{vars.state}}' } }, records: '$.data[*]', map };
  }
  return spec;
}

function rows(project: ApiProject): { _key: string; State: string }[] {
  const db = new Database(join(project.dir, 'data/sync.db'), { readonly: true });
  try {
    return db.prepare('SELECT _key, State FROM "api.items" ORDER BY _key').all() as { _key: string; State: string }[];
  } finally {
    db.close();
  }
}

async function run(project: ApiProject, ...args: string[]) {
  const result = await project.cli('run', project.config, '--json', ...args);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { sync: string; status: string; upserted: number; deleted: number }[];
}

interface FullCycleStatus { sync: string; fullSync: string | null; filters: string[]; lastFullCycle: { at: string; sync: string } | null }

async function status(project: ApiProject): Promise<Map<string, FullCycleStatus>> {
  const result = await project.cli('status', project.config, '--json');
  expect(result.code, result.stderr).toBe(0);
  return new Map((JSON.parse(result.stdout) as FullCycleStatus[]).map((entry) => [entry.sync, entry]));
}

async function statusLines(project: ApiProject): Promise<string[]> {
  const result = await project.cli('status', project.config);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n');
}

const LOCAL_TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';

function source(): Item[] {
  return ['a', 'b'].map((id) => ({ id, name: `Item ${id}`, state: 'open', updated_at: '2026-01-01T00:00:00.000Z' }));
}

/** b is closed at the source: the delta's `state=open` no longer returns it. */
function close(items: Item[]): void {
  Object.assign(items[1], { state: 'closed', updated_at: new Date().toISOString() });
}

describe('a delta filtered by a var marked filters', () => {
  test('a record that leaves the filter stays through incremental cycles; run --full removes it', async () => {
    const items = source();
    const project = apiProject((await itemsApi(items)).url, spec(false));
    const validated = await project.cli('validate', project.config);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain("warning: syncs.items.request.query.state: incremental sync 'items' filters by vars.state with fullSync off");

    expect(await run(project)).toMatchObject([{ sync: 'api.items', status: 'completed', upserted: 2 }]);
    expect((await status(project)).get('api.items')).toMatchObject({ fullSync: 'off', filters: ['vars.state'], lastFullCycle: null });
    expect(await statusLines(project)).toContain('api.items: filters by vars.state; last full cycle never, fullSync off');

    close(items);
    expect(await run(project)).toMatchObject([{ status: 'completed', upserted: 0, deleted: 0 }]);
    expect(rows(project)).toEqual([{ _key: 'a', State: 'open' }, { _key: 'b', State: 'open' }]);

    const before = new Date().toISOString();
    expect(await run(project, '--full')).toMatchObject([{ status: 'completed', deleted: 1 }]);
    const after = new Date().toISOString();
    expect(rows(project)).toEqual([{ _key: 'a', State: 'open' }]);
    const { lastFullCycle } = (await status(project)).get('api.items')!;
    expect(lastFullCycle).toEqual({ at: expect.any(String), sync: 'api.items' });
    expect(lastFullCycle!.at >= before && lastFullCycle!.at <= after).toBe(true);
    expect(await statusLines(project)).toContainEqual(expect.stringMatching(new RegExp(`^api\\.items: filters by vars\\.state; last full cycle ${LOCAL_TIME}, fullSync off$`)));
  });

  test('a replace backfill of the same database removes it too, and counts as the delta’s last full cycle', async () => {
    const items = source();
    const project = apiProject((await itemsApi(items)).url, spec(true));
    const validated = await project.cli('validate', project.config);
    expect(validated).toMatchObject({ code: 0, stdout: 'config.yaml: valid — 1 connector, 2 syncs, 1 database\n' });

    await run(project, '--sync', 'items');
    close(items);
    await run(project, '--sync', 'items');
    expect(rows(project)).toEqual([{ _key: 'a', State: 'open' }, { _key: 'b', State: 'open' }]);
    const never = await status(project);
    expect(never.get('api.items')).toMatchObject({ fullSync: 'off', filters: ['vars.state'], lastFullCycle: null });
    expect(never.get('api.itemsBackfill')).toMatchObject({ fullSync: null, filters: [], lastFullCycle: null });

    expect(await run(project, '--sync', 'itemsBackfill')).toMatchObject([{ sync: 'api.itemsBackfill', status: 'completed', upserted: 1, deleted: 1 }]);
    expect(rows(project)).toEqual([{ _key: 'a', State: 'open' }]);
    const after = await status(project);
    const backfilled = { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), sync: 'api.itemsBackfill' };
    expect(after.get('api.items')!.lastFullCycle).toEqual(backfilled);
    expect(after.get('api.itemsBackfill')!.lastFullCycle).toEqual(after.get('api.items')!.lastFullCycle);
    const lines = await statusLines(project);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^api\\.items: filters by vars\\.state; last full cycle ${LOCAL_TIME} by api\\.itemsBackfill, fullSync off$`)));
    // A replace sync's own cycles are full: no line for it.
    expect(lines.filter((line) => line.startsWith('api.itemsBackfill:'))).toEqual([]);
  });
});
