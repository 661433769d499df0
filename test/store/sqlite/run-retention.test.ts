/**
 * Run history is pruned as runs finish (config `history`): finished runs older than keepDays go,
 * with their log lines and failed records, except each sync's latest keepRuns — through
 * `syncspec run` on a file holding a year of old runs.
 */
import { afterAll, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendJson, useServers } from '../../support/http-server.js';
import { removeScratchDirs } from '../../support/cli.js';
import { apiProject, itemsPage, itemsSpec } from '../../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

test('old runs of the sync go with their logs and failures; the latest keepRuns and recent runs stay', async () => {
  const api = await serve((_req, res) => sendJson(res, 200, itemsPage(['1'])));
  const project = apiProject(api.url, itemsSpec());
  appendFileSync(project.config, 'history: { keepDays: 1, keepRuns: 3 }\n');
  expect((await project.cli('run', project.config)).code).toBe(0);

  // 50 runs that ended a year ago, each with a log line and a failed record, and one of another sync.
  const file = join(project.dir, 'data/sync.db');
  const db = new Database(file);
  const old = '2025-12-01T00:00:00.000Z';
  for (let i = 0; i < 50; i++) {
    const { id } = db.prepare(`INSERT INTO _runs (sync, status, started_at, ended_at, "trigger") VALUES ('api.items', 'completed', ?, ?, 'schedule') RETURNING id`).get(old, old) as { id: number };
    db.prepare(`INSERT INTO _run_logs (run_id, at, level, message) VALUES (?, ?, 'info', 'old line')`).run(id, old);
    db.prepare(`INSERT INTO _run_failures (run_id, key, reason) VALUES (?, 'k', 'old failure')`).run(id);
  }
  db.prepare(`INSERT INTO _runs (sync, status, started_at, ended_at, "trigger") VALUES ('api.other', 'completed', ?, ?, 'schedule')`).run(old, old);
  db.close();

  expect((await project.cli('run', project.config)).code).toBe(0);
  const runs = JSON.parse((await project.cli('runs', 'list', project.config, '--limit', '1000', '--json')).stdout) as { id: number; sync: string }[];
  // Kept: the first run (recent), the latest three (two old ones and the new run), and the other sync's.
  expect(runs.map((run) => run.id)).toEqual([53, 52, 51, 50, 1]);
  const after = new Database(file, { readonly: true });
  expect(after.prepare(`SELECT COUNT(*) FROM _run_logs WHERE message = 'old line'`).pluck().get()).toBe(2);
  expect(after.prepare(`SELECT COUNT(*) FROM _run_failures WHERE reason = 'old failure'`).pluck().get()).toBe(2);
  after.close();
});
