/**
 * A records path must select the records themselves, through `syncspec run`: one that selects only
 * scalars (`$.data[*].id`) fails the page naming the request and the path — not a run that "completes"
 * with a failed record per id. An odd item among objects (a null the API let slip) still fails alone.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsPage, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

describe('records that are not objects', () => {
  test('a records path selecting scalars fails the page, naming the request and the JSONPath', async () => {
    const api = await serve((_req, res) => sendJson(res, 200, itemsPage(['a', 'b', 'c'])));
    const { config, cli } = apiProject(api.url, itemsSpec({}, { records: '$.data[*].id' }));
    const result = await cli('run', config, '--json');
    expect(result.code).toBe(1);
    const [summary] = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'failed', upserted: 0, failed: 0 });
    expect(summary.error).toBe(
      `GET ${api.url}/items: records path $.data[*].id selected 3 value(s) that are not objects (the first is string); it must select the records themselves (e.g. $.data[*])`,
    );
  });

  test('one null among objects fails alone; the rest of the page is written', async () => {
    const api = await serve((_req, res) => sendJson(res, 200, { data: [{ id: 'a', name: 'A' }, null, { id: 'c', name: 'C' }] }));
    const { config, cli } = apiProject(api.url, itemsSpec());
    const result = await cli('run', config, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)[0]).toMatchObject({ status: 'completed', upserted: 2, failed: 1 });
  });
});
