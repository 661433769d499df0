/**
 * What a long run leaves in its history: its first commits each have a line, then one in 100 does
 * (a line says so), failed records always do, and the end line has the totals — through
 * `syncspec run` and `syncspec runs logs`.
 */
import { afterAll, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

test('a run of 230 pages logs 20 commits, then every 100th, and every failed record', async () => {
  const api = await serve((req, res) => {
    const page = Number(req.query.get('page') ?? 1);
    // Page 150 holds a record whose email is not one: a failed record, logged whatever the sampling.
    const email = page === 150 ? 'not-an-email' : `user${page}@example.com`;
    sendJson(res, 200, { data: [{ id: `item-${page}`, name: `Item ${page}`, email }], more: page < 230 });
  });
  const spec = itemsSpec({}, { paginate: { type: 'pageNumber', param: 'page', stop: { hasMore: '$.more' } } });
  (spec.databases as { items: { properties: Record<string, unknown> } }).items.properties.Email = 'email';
  (spec.syncs as { items: { map: Record<string, unknown> } }).items.map.Email = '$.email';
  const project = apiProject(api.url, spec);
  const run = await project.cli('run', project.config, '--json');
  expect(JSON.parse(run.stdout)[0]).toMatchObject({ upserted: 229, failed: 1 });

  const logs = (await project.cli('runs', 'logs', project.config, '1')).stdout;
  const committed = logs.split('\n').filter((line) => line.includes('page committed'));
  expect(committed).toHaveLength(22);
  expect(logs).toContain('20 pages committed: from here on one commit in 100 is logged (the end line has the totals)');
  expect(logs).toMatch(/1 record\(s\) failed: "item-150"/);
  expect(logs).toMatch(/completed in .*: 229 upserted, 0 deleted, 1 failed, 230 requests/);
});
