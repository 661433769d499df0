/**
 * What the store refuses keeps its code and kind through the run: `run --json`, run history
 * (`runs list --json`) and `status --json` show `store-…` codes, not just a message.
 */
import { afterAll, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsPage, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

test('a property retyped to what its column cannot hold fails the run with store-incompatible-column', async () => {
  const api = await serve((_req, res) => sendJson(res, 200, itemsPage(['1', '2'])));
  const spec = itemsSpec({}, { map: { Name: '$.name', ID: '$.id', Size: '$.id' } });
  const databases = spec.databases as { items: { properties: Record<string, string> } };
  databases.items.properties.Size = 'number';
  const project = apiProject(api.url, spec);
  expect((await project.cli('run', project.config)).code).toBe(0);

  databases.items.properties.Size = 'checkbox';
  writeFileSync(join(project.dir, 'api.yaml'), stringify(spec));
  const run = await project.cli('run', project.config, '--json');
  expect(run.code).toBe(1);
  const [summary] = JSON.parse(run.stdout) as { status: string; error: string; errorCode: string; errorKind: string }[];
  expect(summary).toMatchObject({ status: 'failed', errorCode: 'store-incompatible-column', errorKind: 'fatal' });
  expect(summary.error).toContain('property "Size" changed type from number to checkbox');

  const [latest] = JSON.parse((await project.cli('runs', 'list', project.config, '--json')).stdout) as { errorCode: string; errorKind: string }[];
  expect(latest).toMatchObject({ errorCode: 'store-incompatible-column', errorKind: 'fatal' });
  const [status] = JSON.parse((await project.cli('status', project.config, '--json')).stdout) as { lastError: { code: string } | null }[];
  expect(status.lastError).toMatchObject({ code: 'store-incompatible-column' });
});
