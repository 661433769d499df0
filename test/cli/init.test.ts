/**
 * `syncspec init`: the scaffold validates as written, runs once its base URL and token are given
 * (a backfill, then a delta that reads from the backfill's anchor), and never overwrites a file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { removeScratchDirs, runCli, scratchDir } from '../support/cli.js';
import { sendJson, useServers } from '../support/http-server.js';
import { scaffoldedProject } from '../support/scaffold.js';

afterAll(removeScratchDirs);
const serve = useServers();
const env = { PATH: process.env.PATH };

describe('syncspec init', () => {
  test('writes a spec and a config that validate, with the schema line for editors', async () => {
    const dir = scratchDir('syncspec-init-');
    const init = await runCli(['init', 'acme'], { env, cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout.split('\n')[0]).toBe('wrote connectors/acme.yaml and config.yaml');
    const spec = readFileSync(join(dir, 'connectors/acme.yaml'), 'utf8');
    expect(spec.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schemas\/connector\.schema\.json$/);

    const validated = await runCli(['validate', 'config.yaml'], { env, cwd: dir });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('config.yaml: valid — 1 connector, 2 syncs, 1 database (1 warning)');
    expect(validated.stdout).toContain('environment variable ACME_TOKEN');
    expect((await runCli(['validate', 'connectors/acme.yaml'], { env, cwd: dir })).code).toBe(0);
  });

  test('filled in, it syncs: the backfill pages by token, the delta reads what changed since', async () => {
    const records = [
      { id: 'a1', name: 'Alpha', updated_at: '2026-01-01T00:00:00Z' },
      { id: 'b2', name: 'Beta', updated_at: '2026-01-02T00:00:00Z' },
      { id: 'c3', name: 'Gamma', updated_at: '2026-01-03T00:00:00Z' },
    ];
    const server = await serve((request, response) => {
      if (request.headers.authorization !== 'Bearer tok-123') return sendJson(response, 401, { error: 'unauthorized' });
      const since = request.query.get('updated_since');
      const matching = records.filter((record) => !since || record.updated_at >= since);
      const start = Number(request.query.get('cursor') ?? 0);
      const limit = Number(request.query.get('limit'));
      const page = matching.slice(start, start + Math.min(limit, 2));
      const next = start + page.length < matching.length ? String(start + page.length) : undefined;
      sendJson(response, 200, { data: page, ...(next && { next_cursor: next }) });
    });
    const dir = await scaffoldedProject({ baseUrl: server.url });

    const run = await runCli(['run', 'config.yaml', '--json'], { env: { ...env, ACME_TOKEN: 'tok-123' }, cwd: dir });
    expect(run.code).toBe(0);
    const summaries = JSON.parse(run.stdout) as { sync: string; status: string; upserted: number }[];
    expect(summaries.map((s) => [s.sync, s.status, s.upserted])).toEqual([['acme.itemsBackfill', 'completed', 3], ['acme.itemsDelta', 'completed', 0]]);
    expect(server.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['/items?limit=100', '/items?limit=100&cursor=2']));
    // The delta starts at the backfill's anchor (its start − the buffer), so it asks only for what changed since.
    const since = server.requests.map((r) => r.query.get('updated_since')).filter((value) => value !== null);
    expect(since).toHaveLength(1);
    expect(Date.parse(since[0]!)).toBeGreaterThan(Date.parse('2026-01-03T00:00:00Z'));
    // The token went to the API only.
    expect(run.stdout + run.stderr).not.toContain('tok-123');
    expect(readFileSync(join(dir, 'data/acme.db')).includes('tok-123')).toBe(false);

    const db = new Database(join(dir, 'data/acme.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT "ID", "Name", "Updated" FROM "acme.items" ORDER BY "ID"').all()).toEqual([
        { ID: 'a1', Name: 'Alpha', Updated: '2026-01-01T00:00:00.000Z' },
        { ID: 'b2', Name: 'Beta', Updated: '2026-01-02T00:00:00.000Z' },
        { ID: 'c3', Name: 'Gamma', Updated: '2026-01-03T00:00:00.000Z' },
      ]);
    } finally {
      db.close();
    }
  });

  test('never overwrites, and refuses a name the spec language does not allow', async () => {
    const dir = scratchDir('syncspec-init-');
    writeFileSync(join(dir, 'config.yaml'), 'syncspec: 1\n');
    const again = await runCli(['init', 'acme'], { env, cwd: dir });
    expect([again.code, again.stderr]).toEqual([2, 'error: config.yaml already exists; syncspec init never overwrites a file (use another --dir)\n']);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('syncspec: 1\n');

    const bad = await runCli(['init', '9lives', '--dir', 'other'], { env, cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, 'error: connector name "9lives" is not a name: use letters, digits, _ and -, starting with a letter or _\n']);
  });
});
