/**
 * `syncspec state show|reset`: where each sync and partition stands (cursor, page position), and
 * forgetting it so the next run starts from the beginning while the synced rows stay.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { OpenedProject } from '../../engine/project.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { onRequest, removeScratchDirs, runCli, scratchDir, tableRows, withProject } from '../support/cli.js';

afterAll(removeScratchDirs);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('syncspec state', () => {
  let sandbox: Sandbox;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
  const runSync = async (sync: string) => JSON.parse((await cli('run', configPath, '--sync', sync, '--json')).stdout)[0];
  const store = <T>(read: (opened: OpenedProject) => Promise<T>) => withProject(configPath, env, read);

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
    dir = scratchDir('syncspec-state-');
    configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    env = sandboxEnv(sandbox);
  });
  afterAll(() => sandbox.close());

  test('before any run: no checkpoints', async () => {
    expect(await cli('state', 'show', configPath)).toMatchObject({ code: 0, stderr: '', stdout: 'no checkpoints: every selected sync starts from the beginning\n' });
    expect(await cli('state', 'show', configPath, '--json')).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  // The tests below share one store and run in order: the state a run left, then resets.
  describe('after a finished delta, a backfill stopped on its 2nd page, and issues stopped at their 3rd repository', () => {
    const newest = () => sandbox.source.list('contacts').sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id)).at(-1)!;

    beforeAll(async () => {
      expect(await runSync('contactsDelta')).toMatchObject({ status: 'completed', upserted: 245 });
      const stop = onRequest(sandbox, (entry, count) => {
        if (count === 1 && entry.path === '/v1/contacts') sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/contacts' });
      });
      expect(await runSync('contactsBackfill')).toMatchObject({ status: 'failed', upserted: 49 });
      stop();
      sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/repos/rep_000003/issues' });
      expect(await runSync('issues')).toMatchObject({ status: 'failed', upserted: 60 });
    });

    test('state show: one row per sync and partition, with the cycle and the state it resumes from', async () => {
      const result = await cli('state', 'show', configPath);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const [header, ...rows] = tableRows(result.stdout);
      expect(header).toEqual(['sync', 'partition', 'cycle', 'phase', 'cursor', 'delete cursor', 'page', 'updated']);
      for (const row of rows) expect(row[7]).toMatch(ISO);
      const [backfill, delta] = await store((opened) => opened.store.listCheckpoints());
      const { value, id } = (delta.state as { cursor: { value: string; id: string | null } }).cursor;
      expect(rows.map((row) => row.slice(0, 7))).toEqual([
        ['crm.contactsBackfill', '-', 'in progress', '-', '-', '-', 'at cus_000050'],
        ['crm.contactsDelta', '-', 'done', '-', id === null ? value : `${value} (${id})`, '-', '-'],
        ['crm.issues', 'rep_000001', 'done', '-', '-', '-', '-'],
        ['crm.issues', 'rep_000002', 'done', '-', '-', '-', '-'],
      ]);
      // The backfill resumes after the 50th contact (the last of page 1); the delta's cursor is
      // past the newest contact (on it, or at now − buffer).
      expect(backfill.state).toMatchObject({ page: { position: { at: 'cus_000050' }, skip: 0 } });
      const cursor = (delta.state as { cursor: { value: string; id: string | null } }).cursor;
      expect(cursor.value > newest().updated_at || (cursor.value === newest().updated_at && cursor.id === newest().id), JSON.stringify(cursor)).toBe(true);
    });

    test('state show --json: the checkpoints as stored; --sync narrows them', async () => {
      const stored = await store((opened) => opened.store.listCheckpoints());
      const result = await cli('state', 'show', configPath, '--json');
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toEqual(stored);
      expect(stored.map((c) => [c.sync, c.partition, c.doneInCycle === null])).toEqual([
        ['crm.contactsBackfill', '', true],
        ['crm.contactsDelta', '', false],
        ['crm.issues', 'rep_000001', false],
        ['crm.issues', 'rep_000002', false],
      ]);
      const issues = JSON.parse((await cli('state', 'show', configPath, '--json', '--sync', 'issues')).stdout);
      expect(issues).toEqual(stored.filter((c) => c.sync === 'crm.issues'));
    });

    test('state show --sync with an unknown name: exit 2', async () => {
      expect(await cli('state', 'show', configPath, '--sync', 'contacts')).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: "error: unknown sync 'contacts' (known syncs: crm.companies, crm.contactsBackfill, crm.contactsDelta, crm.repos, crm.issues)\n",
      });
    });

    test('state reset --sync: that sync starts from the beginning, the others resume', async () => {
      expect(await cli('state', 'reset', configPath, '--sync', 'contactsBackfill')).toMatchObject({
        code: 0, stderr: '', stdout: 'reset 1 sync(s): crm.contactsBackfill\n',
      });
      expect((await store((opened) => opened.store.listCheckpoints())).map((c) => c.sync)).toEqual(['crm.contactsDelta', 'crm.issues', 'crm.issues']);
      // From the first page: all 5 pages, every contact, nothing swept (the rows stayed).
      expect(await runSync('contactsBackfill')).toMatchObject({ status: 'completed', upserted: 245, requests: 5, swept: 0 });
      // Not reset: issues resume at the 3rd repository (1 request for the repositories + 3 × 2 pages).
      expect(await runSync('issues')).toMatchObject({ status: 'completed', upserted: 90, requests: 7 });
      expect(await runSync('contactsDelta')).toMatchObject({ status: 'completed', upserted: 0 });
    });

    test('state reset (all syncs): every sync starts over, and the synced rows stay', async () => {
      expect(await cli('state', 'reset', configPath)).toMatchObject({
        code: 0, stderr: '', stdout: 'reset 5 sync(s): crm.companies, crm.contactsBackfill, crm.contactsDelta, crm.repos, crm.issues\n',
      });
      expect((await cli('state', 'show', configPath)).stdout).toBe('no checkpoints: every selected sync starts from the beginning\n');
      const rows = await store(async (opened) => (await opened.store.readRows(opened.syncs.find((s) => s.name === 'crm.contactsDelta')!.database, { limit: 0 })).total);
      expect(rows).toBe(245);
      // The delta re-reads from its initial cursor; issues re-read every repository.
      expect(await runSync('contactsDelta')).toMatchObject({ status: 'completed', upserted: 245, failed: 5 });
      expect(await runSync('issues')).toMatchObject({ status: 'completed', upserted: 150, requests: 11 });
    });
  });
});
