/**
 * `syncspec rows`: the synced rows of a database, by property, paged, as a table or JSON; never
 * creating the database; an unknown name gets a did-you-mean.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { removeScratchDirs, runCli } from '../support/cli.js';
import { scaffoldedProject } from '../support/scaffold.js';
import { sendJson, useServers } from '../support/http-server.js';

afterAll(removeScratchDirs);
const serve = useServers();

describe('syncspec rows', () => {
  test('a table of the first rows, then the next page by --offset; JSON with the total', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ id: `r${i + 1}`, name: `Row ${i + 1}`, updated_at: `2026-01-0${i + 1}T00:00:00Z` }));
    const server = await serve((_request, response) => sendJson(response, 200, { data: records }));
    const dir = await scaffoldedProject({ baseUrl: server.url });
    const env = { PATH: process.env.PATH, ACME_TOKEN: 'x' };

    // Before any run: nothing to show, and no database file created.
    const empty = await runCli(['rows', 'config.yaml', 'items'], { env, cwd: dir });
    expect([empty.code, empty.stdout]).toEqual([0, 'acme.items: no rows yet (a run of a sync that writes it fills it)\n']);
    expect(existsSync(join(dir, 'data'))).toBe(false);

    expect((await runCli(['run', 'config.yaml', '--sync', 'itemsBackfill'], { env, cwd: dir })).code).toBe(0);

    const first = await runCli(['rows', 'config.yaml', 'items', '--limit', '2'], { env, cwd: dir });
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['Name', 'ID', 'Updated']);
    expect(lines.slice(1, 3).map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['Row 1', 'r1', '2026-01-01T00:00:00.000Z'],
      ['Row 2', 'r2', '2026-01-02T00:00:00.000Z'],
    ]);
    expect(lines[3]).toBe('acme.items: rows 1–2 of 5; --offset 2 for more');

    const json = await runCli(['rows', 'config.yaml', 'acme.items', '--json', '--offset', '4'], { env, cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual({ database: 'acme.items', total: 5, rows: [{ _key: 'r5', Name: 'Row 5', ID: 'r5', Updated: '2026-01-05T00:00:00.000Z' }] });
  });

  test('an unknown database: exit 2 with a did-you-mean', async () => {
    const dir = await scaffoldedProject();
    const env = { PATH: process.env.PATH, ACME_TOKEN: 'x' };
    const result = await runCli(['rows', 'config.yaml', 'itemz'], { env, cwd: dir });
    expect([result.code, result.stderr]).toEqual([2, "error: unknown database 'itemz' (did you mean 'acme.items'? databases: acme.items)\n"]);
    const limit = await runCli(['rows', 'config.yaml', 'items', '--limit', '0'], { env, cwd: dir });
    expect(limit.code).toBe(2);
    expect(limit.stderr.split('\n')[0]).toBe("error: option '-n, --limit <n>' argument '0' is invalid. --limit must be a whole number of at least 1");
  });
});
