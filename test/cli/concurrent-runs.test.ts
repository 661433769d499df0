/**
 * Two `syncspec run` processes on one config at once: the sync lock lets only one of them run a
 * sync. The second reports it as already running (naming the first's pid) and exits 1 without
 * touching it; the first completes, and the database equals the source.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { rowsByKey, sandboxEnv, writeConfig } from '../support/project.js';
import { onRequest, removeScratchDirs, runCli, sandboxSpec, scratchDir, spawnCli, tableRows, withProject } from '../support/cli.js';
import { goodContacts, ids } from '../support/truth.js';

afterAll(removeScratchDirs);

describe('two processes on one database', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11, counts: { contacts: 120 } });
  });
  afterAll(() => sandbox.close());

  test('the second run of a sync already running elsewhere is skipped; the first completes', async () => {
    const dir = scratchDir('syncspec-lock-');
    const configPath = writeConfig(dir, { crm: { spec: sandboxSpec({ pageSize: 20 }) } });
    const env = sandboxEnv(sandbox);
    const args = ['run', configPath, '--sync', 'crm.contactsBackfill', '--quiet'];

    // Once the first has its lock and its first page, it is frozen (SIGSTOP: alive, holding the
    // lock) until the second has come and gone, then resumed.
    const first = spawnCli(args, { env, cwd: dir });
    await new Promise<void>((resolve) => {
      const stop = onRequest(sandbox, () => {
        stop();
        first.child.kill('SIGSTOP');
        resolve();
      });
    });
    let second;
    try {
      second = await runCli(args, { env, cwd: dir });
    } finally {
      first.child.kill('SIGCONT');
    }

    expect(second.code).toBe(1);
    expect(second.stderr).toBe('');
    const [header, row] = tableRows(second.stdout);
    expect(header.slice(0, 6)).toEqual(['sync', 'status', 'upserted', 'deleted', 'failed', 'requests']);
    expect(row.slice(0, 6)).toEqual(['crm.contactsBackfill', 'skipped', '0', '0', '0', '0']);
    const since = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
    expect(second.stdout.split('\n').at(-2)).toMatch(
      new RegExp(`^crm\\.contactsBackfill is already running \\(pid ${first.child.pid} on host ${hostname().replace(/[.]/g, '\\.')} since ${since}\\)$`),
    );

    const done = await first.done;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    await withProject(configPath, env, async (opened) => {
      expect([...(await rowsByKey(opened, 'crm.contacts')).keys()].sort()).toEqual(ids(goodContacts(sandbox)));
      // One run recorded: the skipped one left no trace.
      expect((await opened.store.listRuns()).map((run) => [run.sync, run.status])).toEqual([['crm.contactsBackfill', 'completed']]);
      expect(await opened.store.listCheckpoints()).toEqual([]);
    });
  });
});
