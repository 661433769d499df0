/**
 * `syncspec status` before any run and after runs of every kind: completed, failed (last error),
 * anchored delta, queued (active) — the table a person reads and the JSON a script reads.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { removeScratchDirs, runCli, sandboxSpec, scratchDir, tableRows, withProject } from '../support/cli.js';

afterAll(removeScratchDirs);

const HEADER = ['sync', 'schedule', 'next run', 'phase', 'checkpoint', 'active', 'latest', 'started', 'duration', 'upserted', 'deleted', 'failed', 'requests', 'retries', 'waits'];
const DAY_MS = 86_400_000;
const LOCAL_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe('syncspec status', () => {
  let sandbox: Sandbox;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
    dir = scratchDir('syncspec-status-');
    // Schedules: companies 1d, contactsBackfill manual, contactsDelta 5m, repos 1d, issues every 2 hours by cron.
    configPath = writeConfig(dir, { crm: { spec: sandboxSpec({ pageSize: 50 }), syncs: { issues: { schedule: '0 */2 * * *' } } } });
    // The whole table: no terminal width, whatever the environment running the tests says.
    env = { ...sandboxEnv(sandbox), COLUMNS: '' };
  });
  afterAll(() => sandbox.close());

  test('before any run: schedules, every scheduled sync due now, nothing else known', async () => {
    const result = await cli('status', configPath);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const none = Array(12).fill('-');
    expect(tableRows(result.stdout)).toEqual([
      HEADER,
      ['crm.companies', 'every 1d', 'due now', ...none],
      ['crm.contactsBackfill', 'manual', '-', ...none],
      ['crm.contactsDelta', 'every 5m', 'due now', ...none],
      ['crm.repos', 'every 1d', 'due now', ...none],
      ['crm.issues', 'cron 0 */2 * * *', 'due now', ...none],
    ]);
    expect(result.stdout.split('\n')).toHaveLength(7);
  });

  test('after runs: latest and active runs, counts, checkpoint, next run and last error', async () => {
    expect((await cli('run', configPath, '--quiet', '--sync', 'companies', 'contactsBackfill')).code).toBe(0);
    sandbox.source.faults.failNext({ status: 503, count: 2, pathPrefix: '/v1/repos' });
    expect((await cli('run', configPath, '--quiet', '--sync', 'repos')).code).toBe(1);
    // A queued run, and a run going on (as another process would record it), 42.7% done.
    const { queued, running } = await withProject(configPath, env, async (opened) => {
      const running = await opened.store.startRun('crm.contactsBackfill');
      await opened.store.setRunProgress(running, 42.7);
      return { queued: await opened.store.queueRun('crm.issues'), running };
    });

    const before = Date.now();
    const json = await cli('status', configPath, '--json');
    const after = Date.now();
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const statuses = JSON.parse(json.stdout);
    expect(statuses.map((status: { sync: string }) => status.sync)).toEqual(['crm.companies', 'crm.contactsBackfill', 'crm.contactsDelta', 'crm.repos', 'crm.issues']);
    const [companies, backfill, delta, repos, issues] = statuses;
    const run = (fields: Record<string, unknown>) => ({
      trigger: 'manual', startedAt: expect.any(String), endedAt: expect.any(String), durationMs: expect.any(Number), deleted: 0, progress: null, error: null,
      waits: 0, waitedMs: 0, errorCode: null, errorKind: null, ...fields,
    });
    expect(companies).toEqual({
      sync: 'crm.companies', schedule: 'every 1d', nextRun: expect.any(String), phase: null, failingStream: null, checkpoint: null, activeRun: null,
      latestRun: run({ id: 1, sync: 'crm.companies', status: 'completed', upserted: 20, failed: 0, requests: 1, retries: 0 }), lastError: null,
      // A replace sync: every completed cycle is a full one.
      fullSync: null, filters: [], lastFullCycle: { at: expect.any(String), sync: 'crm.companies' },
    });
    // An interval counts from the latest start.
    expect(companies.nextRun).toBe(new Date(Date.parse(companies.latestRun.startedAt) + DAY_MS).toISOString());
    expect(backfill).toMatchObject({
      schedule: 'manual', nextRun: null, latestRun: { id: 2, status: 'completed', upserted: 245, failed: 5, requests: 5 },
      activeRun: { id: running, status: 'running', endedAt: null, durationMs: expect.any(Number), progress: 42 },
    });
    // The delta has no checkpoint yet: it starts from the snapshot its backfill took.
    expect(delta).toMatchObject({
      nextRun: expect.any(String), latestRun: null, phase: null, fullSync: '7d', filters: [],
      // Its backfill's cycle swept the contacts: the delta's last full cycle.
      lastFullCycle: { at: expect.any(String), sync: 'crm.contactsBackfill' },
      checkpoint: { cycle: 'anchored', partitions: 0, partitionsInProgress: 0, cursor: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), page: null, updatedAt: null },
    });
    // Never ran: due at the moment status looked.
    expect(Date.parse(delta.nextRun)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(delta.nextRun)).toBeLessThanOrEqual(after);
    const repoError = `GET ${sandbox.url}/v1/repos?per_page=100: 503 Service Unavailable: {"error":"server_error","message":"injected 503"} (gave up after 2 attempts)`;
    expect(repos).toMatchObject({
      latestRun: { id: 3, status: 'failed', requests: 2, retries: 1, error: repoError },
      // Its kind and code are kept beside the text: the 503 was retried until the last attempt.
      lastError: { runId: 3, at: repos.latestRun.endedAt, message: repoError, code: 'HTTP_STATUS', kind: 'retriable' },
      // A failed run is retried after a minute (doubling with each failure in a row), not a day later, nor at once.
      nextRun: new Date(Date.parse(repos.latestRun.startedAt) + 60_000).toISOString(),
    });
    expect(issues).toMatchObject({
      schedule: 'cron 0 */2 * * *', latestRun: null,
      activeRun: { id: queued, sync: 'crm.issues', status: 'pending', trigger: 'trigger', endedAt: null, durationMs: null, upserted: 0 },
    });

    const table = await cli('status', configPath);
    const [header, ...rows] = tableRows(table.stdout);
    expect(header).toEqual(HEADER);
    for (const row of [rows[0], rows[1], rows[3]]) expect(row[7]).toMatch(LOCAL_TIME);
    expect(rows.map((row) => [...row.slice(0, 2), row[3], ...row.slice(5, 7), ...row.slice(9)])).toEqual([
      ['crm.companies', 'every 1d', '-', '-', '#1 completed', '20', '0', '0', '1', '0', '0'],
      ['crm.contactsBackfill', 'manual', '-', `#${running} running 42%`, '#2 completed', '245', '0', '5', '5', '0', '0'],
      ['crm.contactsDelta', 'every 5m', 'anchored', '-', '-', '-', '-', '-', '-', '-', '-'],
      // The 503s asked for Retry-After: 1 s: the wait the API asked for is counted.
      ['crm.repos', 'every 1d', '-', '-', '#3 failed', '0', '0', '0', '2', '1', '1 (1.0s)'],
      ['crm.issues', 'cron 0 */2 * * *', '-', `#${queued} pending`, '-', '-', '-', '-', '-', '-', '-'],
    ]);
    expect(rows.map((row) => row[2])).toEqual([expect.stringMatching(LOCAL_TIME), '-', 'due now', expect.stringMatching(LOCAL_TIME), 'due now']);
    expect(rows[2][4]).toBe(delta.checkpoint.cursor);
    expect(table.stdout.split('\n').slice(6)).toEqual([
      '',
      expect.stringMatching(new RegExp(`^crm\\.repos: last error \\(run 3, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\): ${repoError.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)),
      '',
    ]);
  });

  test('a run that completes after a failure clears the last error', async () => {
    expect((await cli('run', configPath, '--quiet', '--sync', 'repos')).code).toBe(0);
    const [repos] = JSON.parse((await cli('status', configPath, '--json')).stdout).filter((status: { sync: string }) => status.sync === 'crm.repos');
    expect(repos).toMatchObject({ latestRun: { status: 'completed', error: null }, lastError: null });
    expect((await cli('status', configPath)).stdout).not.toContain('last error');
  });

  test('in a narrow terminal the table drops its least needed columns first, and says which', async () => {
    const narrow = await runCli(['status', configPath], { env: { ...env, COLUMNS: '100' }, cwd: dir });
    expect(narrow.code).toBe(0);
    const lines = narrow.stdout.split('\n');
    const table = lines.slice(0, lines.findIndex((line) => line.startsWith('(left out')));
    expect(Math.max(...table.map((line) => line.length))).toBeLessThanOrEqual(100);
    const note = lines.find((line) => line.startsWith('(left out'))!;
    const hidden = /^\(left out to fit the terminal: (.+); --json or a wider terminal shows them\)$/.exec(note)![1].split(', ');
    // Counters go first, then times; sync, next run, active and latest always stay.
    expect(hidden.slice(0, 5)).toEqual(['retries', 'waits', 'deleted', 'requests', 'failed']);
    expect(tableRows(table.join('\n'))[0]).toEqual(HEADER.filter((name) => !hidden.includes(name)));
    expect(tableRows(table.join('\n'))[0]).toEqual(expect.arrayContaining(['sync', 'next run', 'active', 'latest']));
  });

  test('an invalid config: exit 2, nothing on stdout', async () => {
    const bad = writeConfig(scratchDir('syncspec-status-bad-'), { crm: { spec: 'connectors/sandbox-crm.yaml', syncs: { nope: { enabled: true } } } });
    const result = await runCli(['status', bad], { env });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('nope');
  });
});
