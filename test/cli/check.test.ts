/**
 * `syncspec check`: one page of each sync fetched and mapped, nothing written — ok, a records path
 * that finds nothing, credentials the API refuses — with exit 1 when a sync fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { removeScratchDirs, runCli } from '../support/cli.js';
import { scaffoldedProject } from '../support/scaffold.js';
import { sendJson, useServers } from '../support/http-server.js';

afterAll(removeScratchDirs);
const serve = useServers();

interface Checked { sync: string; status: string; records: number; failed: number; requests: number; note: string | null }

const scaffold = (baseUrl: string) => scaffoldedProject({ baseUrl });

describe('syncspec check', () => {
  test('reachable, authenticated, records found and mapped: ok, and nothing written', async () => {
    const server = await serve((request, response) => {
      if (request.headers.authorization !== 'Bearer tok') return sendJson(response, 401, { error: 'unauthorized' });
      sendJson(response, 200, { data: [{ id: 'a', name: 'A', updated_at: '2026-01-01T00:00:00Z' }, { id: 'b', name: 'B', updated_at: 'soon' }] });
    });
    const dir = await scaffold(server.url);
    const ok = await runCli(['check', 'config.yaml', '--json'], { env: { PATH: process.env.PATH, ACME_TOKEN: 'tok' }, cwd: dir });
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as Checked[]).map(({ sync, status, records, failed, requests }) => [sync, status, records, failed, requests])).toEqual([
      ['acme.itemsBackfill', 'ok', 2, 1, 1],
      ['acme.itemsDelta', 'ok', 2, 1, 1],
    ]);
    expect(existsSync(join(dir, 'data'))).toBe(false);

    // A token the API refuses: failed, with the answer (and never the token), exit 1.
    const refused = await runCli(['check', 'config.yaml', '--sync', 'itemsBackfill'], { env: { PATH: process.env.PATH, ACME_TOKEN: 'wrong-token-value' }, cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/acme\.itemsBackfill\s+failed\s+0\s+0\s+1\s+\S+\s+GET http:\/\/127\.0\.0\.1:\d+\/items\?limit=100: 401 Unauthorized/);
    expect(refused.stdout + refused.stderr).not.toContain('wrong-token-value');
  });

  test('a records path that does not fit fails naming what the response holds; an empty list is empty', async () => {
    const misfit = await serve((_request, response) => sendJson(response, 200, { results: [{ id: 'a', name: 'A', updated_at: '2026-01-01T00:00:00Z' }] }));
    const wrong = await runCli(['check', 'config.yaml', '--json', '--sync', 'acme.itemsBackfill'], { env: { PATH: process.env.PATH, ACME_TOKEN: 'tok' }, cwd: await scaffold(misfit.url) });
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject([{ sync: 'acme.itemsBackfill', status: 'failed', records: 0 }]);
    expect((JSON.parse(wrong.stdout) as Checked[])[0].note).toMatch(/records path \$\.data\[\*\] found no array at \$\.data \(it is missing; the response is object with keys results\)$/);

    const none = await serve((_request, response) => sendJson(response, 200, { data: [] }));
    const empty = await runCli(['check', 'config.yaml', '--json', '--sync', 'acme.itemsBackfill'], { env: { PATH: process.env.PATH, ACME_TOKEN: 'tok' }, cwd: await scaffold(none.url) });
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject([
      { sync: 'acme.itemsBackfill', status: 'empty', records: 0, note: 'the first page held no records: does the records path fit the response, or is the source empty?' },
    ]);
  });
});
