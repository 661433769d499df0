/**
 * `syncspec runs list|logs` against real runs, and what `syncspec run` logs on a stderr that is not
 * a terminal: JSON lines, one per event, with no secret in them — even one the API echoed back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { removeScratchDirs, runCli, sandboxSpec, scratchDir, tableRows } from '../support/cli.js';

afterAll(removeScratchDirs);

const TOKEN = 'sandbox-token';
const LIST_HEADER = ['id', 'sync', 'status', 'trigger', 'started', 'duration', 'upserted', 'deleted', 'failed', 'requests', 'retries', 'waits', 'progress', 'error'];
const LOCAL_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const DURATION = /^(\d+ms|\d+\.\ds|\d+m\d+s)$/;

describe('syncspec run logs and syncspec runs', () => {
  let sandbox: Sandbox;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
  /** stderr of a run, one parsed JSON object per line. */
  let firstRunLog: Record<string, unknown>[];
  let failedRun: { code: number | null; stderr: string };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
    dir = scratchDir('syncspec-runs-');
    configPath = writeConfig(dir, { crm: { spec: sandboxSpec({ pageSize: 50 }) } });
    env = sandboxEnv(sandbox);
    // Run 1: companies; run 2: contactsBackfill (5 records fail to map); run 3: companies fails, its
    // error carrying the token the API echoed back.
    const first = await cli('run', configPath, '--sync', 'companies', 'contactsBackfill');
    expect(first.code).toBe(0);
    firstRunLog = first.stderr.trimEnd().split('\n').map((line) => JSON.parse(line));
    sandbox.source.faults.failNext({ status: 500, count: 2, pathPrefix: '/v1/companies', body: { error: 'server_error', message: `token ${TOKEN} is not allowed here` } });
    failedRun = await cli('run', configPath, '--sync', 'companies');
  });
  afterAll(() => sandbox.close());

  test('run logs one JSON line per start, commit and finish on a stderr that is not a terminal', () => {
    expect(firstRunLog.map((line) => [line.level, line.msg])).toEqual([
      ['info', 'crm.companies: run 1 started (full cycle)'],
      ['info', 'crm.companies: committed 20 upserted, 0 deleted, 0 failed'],
      ['info', expect.stringMatching(/^crm\.companies: completed in \S+: 20 upserted, 0 deleted, 0 failed, 1 requests, 0 retries$/)],
      ['info', 'crm.contactsBackfill: run 2 started (full cycle)'],
      ...Array.from({ length: 5 }, () => ['info', 'crm.contactsBackfill: committed 49 upserted, 0 deleted, 1 failed']),
      ['warn', expect.stringMatching(/^crm\.contactsBackfill: completed in \S+: 245 upserted, 0 deleted, 5 failed, 5 requests, 0 retries$/)],
    ]);
    expect(firstRunLog[0]).toEqual({ level: 'info', time: expect.stringMatching(/Z$/), sync: 'crm.companies', runId: 1, full: true, resumed: false, msg: expect.any(String) });
    expect(firstRunLog.at(-1)).toMatchObject({ sync: 'crm.contactsBackfill', runId: 2, status: 'completed', upserted: 245, failed: 5, failures: expect.arrayContaining([{ key: 'cus_000013', reason: "Email: invalid email 'not-an-email'" }]) });
  });

  test('a failed run logs its error, redacted: the secret appears nowhere', () => {
    expect(failedRun.code).toBe(1);
    expect(failedRun.stderr).not.toContain(TOKEN);
    const last = JSON.parse(failedRun.stderr.trimEnd().split('\n').at(-1)!);
    expect(last).toMatchObject({ level: 'error', sync: 'crm.companies', runId: 3, status: 'failed' });
    expect(last.msg).toBe(`crm.companies: failed after ${last.durationMs < 1000 ? `${last.durationMs}ms` : `${(last.durationMs / 1000).toFixed(1)}s`}: ` +
      `GET ${sandbox.url}/v1/companies?limit=25: 500 Internal Server Error: {"error":"server_error","message":"token [REDACTED] is not allowed here"} (gave up after 2 attempts)`);
  });

  test('--quiet logs nothing; --log-format pretty writes readable lines even off a terminal', async () => {
    const quiet = await cli('run', configPath, '--sync', 'repos', '--quiet');
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    const pretty = await cli('run', configPath, '--sync', 'repos', '--log-format', 'pretty');
    const lines = pretty.stderr.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((line) => /^\[/.test(line));
    expect(lines.map((line) => line.replace(/^\[\d\d:\d\d:\d\d\] /, ''))).toEqual([
      'INFO: crm.repos: run 5 started (full cycle)',
      'INFO: crm.repos: committed 5 upserted, 0 deleted, 0 failed',
      expect.stringMatching(/^INFO: crm\.repos: completed in \S+: 5 upserted, 0 deleted, 0 failed, 1 requests, 0 retries$/),
    ]);
  });

  test('runs list: newest first, every column; --sync and --limit narrow it', async () => {
    const list = await cli('runs', 'list', configPath);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = tableRows(list.stdout);
    expect(header).toEqual(LIST_HEADER);
    for (const row of rows) {
      expect(row[4]).toMatch(LOCAL_TIME);
      expect(row[5]).toMatch(DURATION);
    }
    const withoutTimes = rows.map((row) => [...row.slice(0, 4), ...row.slice(6)]);
    expect(withoutTimes.slice(0, 4)).toEqual([
      ['5', 'crm.repos', 'completed', 'manual', '5', '0', '0', '1', '0', '0', '-', '-'],
      ['4', 'crm.repos', 'completed', 'manual', '5', '0', '0', '1', '0', '0', '-', '-'],
      ['3', 'crm.companies', 'failed', 'manual', '0', '0', '0', '2', '1', '0', '-', `GET ${sandbox.url}/v1/companies?limit=25: 500 Internal Server Error: {"error":"server_error","message":"token [REDACTED] is not allowed here"}`.slice(0, 59) + '…'],
      ['2', 'crm.contactsBackfill', 'completed', 'manual', '245', '0', '5', '5', '0', '0', '-', '-'],
    ]);

    const companies = await cli('runs', 'list', configPath, '--sync', 'companies', '--json');
    expect(JSON.parse(companies.stdout)).toEqual([
      {
        id: 3, sync: 'crm.companies', status: 'failed', trigger: 'manual', startedAt: expect.any(String), endedAt: expect.any(String), durationMs: expect.any(Number),
        upserted: 0, deleted: 0, failed: 0, requests: 2, retries: 1, waits: 0, waitedMs: 0, progress: null,
        error: expect.stringContaining('token [REDACTED] is not allowed here'), errorCode: 'HTTP_STATUS', errorKind: 'retriable',
      },
      expect.objectContaining({ id: 1, status: 'completed', upserted: 20, error: null }),
    ]);
    const limited = JSON.parse((await cli('runs', 'list', configPath, '--limit', '1', '--json')).stdout);
    expect(limited.map((run: { id: number }) => run.id)).toEqual([5]);
  });

  test('runs list: bad input exits 2 and says why', async () => {
    expect(await cli('runs', 'list', configPath, '--sync', 'nope')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^error: unknown sync 'nope' \(known syncs: crm\.companies, /) });
    expect(await cli('runs', 'list', configPath, '--limit', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining("error: option '-n, --limit <n>' argument '0' is invalid. --limit must be a whole number of at least 1") });
  });

  test('runs logs: the run journal from start to finish, then every failed record', async () => {
    const logs = await cli('runs', 'logs', configPath, '2');
    expect(logs).toMatchObject({ code: 0, stderr: '' });
    const lines = logs.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^run 2 of crm\.contactsBackfill: completed \(manual\), started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const messages = lines.slice(1).map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}/, ''));
    expect(messages[0]).toBe('INFO   cycle 2 started (full)');
    expect(messages.filter((line) => line.startsWith('INFO   page committed'))).toHaveLength(5);
    expect(messages).toContain(`WARN   1 record(s) failed: "cus_000013": Email: invalid email 'not-an-email'`);
    const failedAt = messages.indexOf('5 record(s) failed:');
    expect(messages[failedAt - 2]).toMatch(/^INFO {3}completed in \S+: 245 upserted, 0 deleted, 5 failed, 5 requests, 0 retries$/);
    expect(messages[failedAt - 1]).toBe('');
    expect(messages.slice(failedAt)).toEqual([
      '5 record(s) failed:',
      ...[...sandbox.source.badContactIds].sort().map((id) => expect.stringMatching(new RegExp(`^  ${id}: `))),
    ]);

    const json = JSON.parse((await cli('runs', 'logs', configPath, '3', '--json')).stdout);
    expect(json.run).toMatchObject({ id: 3, sync: 'crm.companies', status: 'failed' });
    expect(json.logs.map((entry: { level: string }) => entry.level)).toEqual(['info', 'error']);
    expect(json.logs[1].message).toContain('token [REDACTED] is not allowed here');
    expect(json.failures).toEqual([]);
  });

  test('runs logs: an unknown or malformed id exits 2 with a clear message', async () => {
    expect(await cli('runs', 'logs', configPath, '99')).toEqual({
      code: 2, signal: null, stdout: '', stderr: `error: no run 99 in ${dir}/data/sync.db; \`syncspec runs list\` shows the runs recorded\n`,
    });
    expect(await cli('runs', 'logs', configPath, 'last')).toEqual({
      code: 2, signal: null, stdout: '', stderr: "error: invalid run id 'last': expected a whole number of at least 1\n",
    });
  });
});
