/**
 * `syncspec run` as a user runs it: a child process against the sandbox in this process. What it
 * prints, its exit codes (0 ok, 1 a sync failed, 2 invalid input), and what the store holds after.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { OpenedProject } from '../../engine/project.js';
import { ROOT, sandboxEnv, writeConfig, type ConnectorEntry, type SpecObject } from '../support/project.js';
import { onRequest, removeScratchDirs, runCli, sandboxSpec, scratchDir, spawnCli, tableRows, withProject } from '../support/cli.js';
import { goodContacts } from '../support/truth.js';

afterAll(removeScratchDirs);

const SHIPPED_SPEC = 'connectors/sandbox-crm.yaml';
const HEADER = ['sync', 'status', 'upserted', 'deleted', 'failed', 'requests', 'duration'];
const DURATION = /^(\d+ms|\d+\.\ds|\d+m\d+s)$/;

/** Why each deliberately bad contact of the sandbox fails to map. */
const BAD_CONTACT_REASONS: Record<string, string> = {
  cus_000013: "Email: invalid email 'not-an-email'",
  cus_000063: "Score: not a number: 'high'",
  cus_000113: "Stage: 'Prospect' is not an option of Stage (options: Lead, Qualified, Customer, Churned)",
  cus_000163: "Email: invalid email 'not-an-email'",
  cus_000213: "Score: not a number: 'high'",
};

interface Project {
  dir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
}

function projectFor(sandbox: Sandbox, entry: ConnectorEntry = { spec: SHIPPED_SPEC }): Project {
  const dir = scratchDir('syncspec-run-');
  return { dir, configPath: writeConfig(dir, { crm: entry }), env: sandboxEnv(sandbox) };
}

const databaseOf = (opened: OpenedProject, sync: string) => opened.syncs.find((s) => s.name === sync)!.database;

const run = (p: Project, ...args: string[]) => runCli(['run', p.configPath, '--quiet', ...args], { env: p.env, cwd: p.dir });

/** Table rows without the duration column (checked separately: it varies). */
function rowsOf(stdout: string): string[][] {
  const [header, ...rows] = tableRows(stdout);
  expect(header).toEqual(HEADER);
  for (const row of rows) expect(row[6]).toMatch(DURATION);
  return rows.map((row) => row.slice(0, 6));
}

describe('syncspec run', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
  });
  afterEach(() => sandbox.source.faults.clear());
  afterAll(() => sandbox.close());

  test('prints one summary row per sync, then the records that failed to map', async () => {
    const result = await run(projectFor(sandbox));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(rowsOf(result.stdout)).toEqual([
      ['crm.companies', 'completed', '20', '0', '0', '1'],
      ['crm.contactsBackfill', 'completed', '245', '0', '5', '5'],
      ['crm.contactsDelta', 'completed', '0', '0', '0', '1'],
      ['crm.repos', 'completed', '5', '0', '0', '1'],
      ['crm.issues', 'completed', '150', '0', '0', '11'],
    ]);
    // The delta starts from the anchor the backfill took (its start − 5 s): nothing is newer.
    const failures = (sync: string, ids: string[]) => ['', `${sync}: 5 record(s) failed:`, ...ids.map((id) => `  ${id}: ${BAD_CONTACT_REASONS[id]}`)];
    expect(result.stdout.split('\n').slice(6)).toEqual([
      ...failures('crm.contactsBackfill', [...sandbox.source.badContactIds].sort()),
      '',
    ]);
  });

  test('--sync takes qualified and bare names, runs them in the order given, and nothing else', async () => {
    const p = projectFor(sandbox);
    const before = sandbox.source.stats.requests.length;
    const result = await run(p, '--sync', 'repos', 'crm.companies');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(rowsOf(result.stdout)).toEqual([
      ['crm.repos', 'completed', '5', '0', '0', '1'],
      ['crm.companies', 'completed', '20', '0', '0', '1'],
    ]);
    expect(sandbox.source.stats.requests.slice(before).map((entry) => entry.path)).toEqual(['/v1/repos', '/v1/companies']);
  });

  test('an unknown sync: exit 2, the known names on stderr, nothing fetched, no database created', async () => {
    const before = sandbox.source.stats.requests.length;
    const project = projectFor(sandbox);
    const result = await run(project, '--sync', 'companies', 'contacts');
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "error: unknown sync 'contacts' (known syncs: crm.companies, crm.contactsBackfill, crm.contactsDelta, crm.repos, crm.issues)\n",
    });
    // A misspelling gets the name it most likely meant.
    const misspelled = await run(projectFor(sandbox), '--sync', 'contactsDelt');
    expect(misspelled.stderr).toBe(
      "error: unknown sync 'contactsDelt' (did you mean 'crm.contactsDelta'? known syncs: crm.companies, crm.contactsBackfill, crm.contactsDelta, crm.repos, crm.issues)\n",
    );
    expect(sandbox.source.stats.requests.length).toBe(before);
    expect(existsSync(join(project.dir, 'data'))).toBe(false);
    // trigger, which writes too, refuses the same way before the database.
    const trigger = await runCli(['trigger', project.configPath, 'contactsDelt'], { env: project.env, cwd: project.dir });
    expect(trigger).toMatchObject({ code: 2, stdout: '' });
    expect(trigger.stderr).toContain("did you mean 'crm.contactsDelta'?");
    expect(existsSync(join(project.dir, 'data'))).toBe(false);
  });

  test('--json prints the summaries', async () => {
    const result = await run(projectFor(sandbox), '--sync', 'contactsBackfill', '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual([
      {
        sync: 'crm.contactsBackfill',
        runId: 1,
        status: 'completed',
        full: true,
        resynced: false,
        notSwept: null,
        upserted: 245,
        deleted: 0,
        swept: 0,
        failed: 5,
        stale: 0,
        requests: 5,
        retries: 0,
        waits: 0,
        waitedMs: 0,
        durationMs: expect.any(Number),
        error: null,
        errorCode: null,
        errorKind: null,
        failures: [...sandbox.source.badContactIds].sort().map((key) => ({ key, reason: BAD_CONTACT_REASONS[key] })),
      },
    ]);
  });

  test('a sync whose request exhausts its retries fails: exit 1, its error printed, the other syncs still run', async () => {
    const p = projectFor(sandbox, { spec: sandboxSpec({ pageSize: 50 }) });
    sandbox.source.faults.failNext({ status: 500, count: 2, pathPrefix: '/v1/companies' });
    const result = await run(p);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(rowsOf(result.stdout)).toEqual([
      ['crm.companies', 'failed', '0', '0', '0', '2'],
      ['crm.contactsBackfill', 'completed', '245', '0', '5', '5'],
      ['crm.contactsDelta', 'completed', '0', '0', '0', '1'],
      ['crm.repos', 'completed', '5', '0', '0', '1'],
      ['crm.issues', 'completed', '150', '0', '0', '11'],
    ]);
    expect(result.stdout.split('\n').slice(6, 8)).toEqual([
      '',
      `crm.companies failed: GET ${sandbox.url}/v1/companies?limit=25: 500 Internal Server Error: ` +
        '{"error":"server_error","message":"injected 500"} (gave up after 2 attempts)',
    ]);
    const summaries = JSON.parse((await run(p, '--sync', 'companies', '--json')).stdout);
    expect(summaries).toMatchObject([{ sync: 'crm.companies', status: 'completed', upserted: 20 }]);
  });

  test('an invalid config: exit 2, every problem on stderr as file:line:column, nothing fetched or created', async () => {
    const p = projectFor(sandbox, { spec: SHIPPED_SPEC, vars: { pageSize: 10 }, syncs: { contactsBakfill: { enabled: true } } });
    const before = sandbox.source.stats.requests.length;
    const result = await run(p);
    const spec = join(ROOT, SHIPPED_SPEC);
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: [
        `config.yaml:8:7  connectors.crm.vars: unknown var 'pageSize' (declared in ${spec}: baseUrl)`,
        `config.yaml:11:13  connectors.crm.syncs: unknown sync 'contactsBakfill' (did you mean 'contactsBackfill'? ` +
          `syncs of ${spec}: companies, contactsBackfill, contactsDelta, repos, issues)`,
        '',
      ].join('\n'),
    });
    expect(sandbox.source.stats.requests.length).toBe(before);
    expect(existsSync(join(p.dir, 'data'))).toBe(false);
  });

  test('after an interrupted cycle, run resumes it and run --full starts over', async () => {
    const p = projectFor(sandbox);
    /** Runs the backfill with its second page failing (404): the first page is committed, the cycle stays open. */
    const interrupted = async () => {
      const stop = onRequest(sandbox, (entry, count) => {
        if (count === 1) sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/contacts' });
      });
      const result = await run(p, '--sync', 'contactsBackfill', '--json');
      stop();
      expect(result.code).toBe(1);
      return JSON.parse(result.stdout)[0];
    };
    const backfill = async (...flags: string[]) => JSON.parse((await run(p, '--sync', 'contactsBackfill', '--json', ...flags)).stdout)[0];

    expect(await interrupted()).toMatchObject({ status: 'failed', upserted: 49, failed: 1, requests: 2 });
    expect(await backfill()).toMatchObject({ status: 'completed', upserted: 196, failed: 4, requests: 4 });

    expect(await interrupted()).toMatchObject({ status: 'failed', upserted: 49, failed: 1, requests: 2 });
    expect(await backfill('--full')).toMatchObject({ status: 'completed', upserted: 245, failed: 5, requests: 5, swept: 0 });
    const figures = await withProject(p.configPath, p.env, async (opened) => ({
      keys: (await opened.store.readRows(databaseOf(opened, 'crm.contactsBackfill'), { limit: 1000 })).rows.map((row) => row._key),
      checkpoints: await opened.store.listCheckpoints('crm.contactsBackfill'),
    }));
    expect(figures).toEqual({ keys: goodContacts(sandbox).map((c) => c.id), checkpoints: [] });
  });

  test('Ctrl-C (SIGINT) cancels: exit 1, what was committed stays, the next run completes the rest', async () => {
    const p = projectFor(sandbox);
    sandbox.source.faults.set({ slowMs: 100 });
    const proc = spawnCli(['run', p.configPath, '--sync', 'contactsBackfill', '--json', '--quiet'], { env: p.env });
    const stop = onRequest(sandbox, (entry, count) => {
      if (count === 1) proc.child.kill('SIGINT');
    });
    const result = await proc.done;
    stop();
    sandbox.source.faults.clear();
    expect(result).toMatchObject({ code: 1, signal: null, stderr: '' });
    const [cancelled] = JSON.parse(result.stdout);
    expect(cancelled).toMatchObject({ sync: 'crm.contactsBackfill', status: 'cancelled', error: 'crm.contactsBackfill: cancelled' });
    // The page in flight when Ctrl-C came was finished and committed, not thrown away.
    expect(cancelled.upserted).toBeGreaterThan(0);
    expect(cancelled.upserted).toBeLessThan(245);

    const [resumed] = JSON.parse((await run(p, '--sync', 'contactsBackfill', '--json')).stdout);
    expect(resumed).toMatchObject({ status: 'completed' });
    expect(cancelled.upserted + resumed.upserted).toBe(245);
  });
});

describe('run history', () => {
  // A delta whose feed marks deleted contacts: deletions arrive as changes, not by the sweep.
  const MARKED_SPEC: SpecObject = {
    syncspec: 1,
    name: 'marked',
    vars: { baseUrl: {} },
    secrets: { apiToken: {} },
    api: { baseUrl: '{{vars.baseUrl}}', auth: { type: 'bearer', token: { secret: 'apiToken' } } },
    databases: { contacts: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: {
      contacts: {
        database: 'contacts',
        mode: 'incremental',
        request: { path: '/v1/marked/contacts', query: { updated_since: '{{cursor.value}}' } },
        records: '$.data[*]',
        paginate: { type: 'token', token: { path: '$.next_cursor' }, param: 'cursor', pageSize: { value: 100, param: 'limit' } },
        cursor: { field: '$.updated_at', tieBreaker: '$.id', bufferSeconds: 0 },
        deletes: { when: { path: '$.deleted', equals: true } },
        map: { Name: '$.name', ID: '$.id' },
      },
    },
  };

  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7, clean: true });
  });
  afterAll(() => sandbox.close());

  test('records each deletion once, as the summary does', async () => {
    const p = projectFor(sandbox, { spec: MARKED_SPEC });
    expect((await run(p)).code).toBe(0);
    for (const id of ['cus_000001', 'cus_000002', 'cus_000003']) sandbox.source.remove('contacts', id);
    const result = await run(p, '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [summary] = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'completed', deleted: 3, swept: 0 });
    const stored = await withProject(p.configPath, p.env, (opened) => opened.store.getRun(summary.runId));
    expect(stored).toMatchObject({ status: 'completed', upserted: summary.upserted, deleted: 3 });
  });

  // A page that failed never commits, so its requests are recorded when the run finishes.
  test('records every request the run made, also those of a page that failed', async () => {
    const p = projectFor(sandbox);
    sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/companies' });
    const [summary] = JSON.parse((await run(p, '--sync', 'companies', '--json')).stdout);
    expect(summary).toMatchObject({ status: 'failed', requests: 1 });
    const stored = await withProject(p.configPath, p.env, (opened) => opened.store.getRun(summary.runId));
    expect(stored).toMatchObject({ status: 'failed', requests: 1 });
  });
});

describe('secrets are never printed nor stored', () => {
  const TOKEN = 'sk_live_7Hq2ZpXw9LmN4vR8tY3k';
  const WRONG = 'sk_live_WRONG_Qx5Jd8Kf2Gm7';
  // The same secret in the query string, where a request description would show it.
  const KEYED_SPEC: SpecObject = {
    syncspec: 1,
    name: 'keyed',
    vars: { baseUrl: {} },
    secrets: { apiToken: {} },
    api: {
      baseUrl: '{{vars.baseUrl}}',
      auth: { type: 'apiKey', in: 'query', name: 'api_key', key: { secret: 'apiToken' } },
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    },
    databases: { contacts: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: {
      contacts: {
        database: 'contacts',
        request: { path: '/v1/apikey-query/contacts' },
        records: '$.data[*]',
        paginate: { type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after', pageSize: { value: 100, param: 'limit' }, stop: { hasMore: '$.has_more' } },
        map: { Name: '$.name', ID: '$.id' },
      },
    },
  };

  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7, auth: { token: TOKEN, apiKey: TOKEN } });
  });
  afterEach(() => sandbox.source.faults.clear());
  afterAll(() => sandbox.close());

  test('in the output of every command, failures included, and in the database file', async () => {
    const dir = scratchDir('syncspec-secrets-');
    const configPath = writeConfig(dir, { crm: { spec: SHIPPED_SPEC }, keyed: { spec: KEYED_SPEC } });
    const env = { ...sandboxEnv(sandbox), SANDBOX_TOKEN: TOKEN };
    const outputs: string[] = [];
    const cli = async (args: string[], token = TOKEN) => {
      const result = await runCli(args, { env: { ...env, SANDBOX_TOKEN: token }, cwd: dir });
      outputs.push(result.stdout, result.stderr);
      return result;
    };

    expect((await cli(['validate', configPath])).code).toBe(0);
    expect((await cli(['run', configPath])).code).toBe(0);
    expect((await cli(['run', configPath, '--sync', 'keyed.contacts', '--json'])).code).toBe(0);
    expect((await cli(['preview', configPath, '--sync', 'keyed.contacts'])).code).toBe(0);
    expect((await cli(['state', 'show', configPath])).code).toBe(0);
    expect((await cli(['state', 'show', configPath, '--json'])).code).toBe(0);

    // A request that keeps failing is described by its URL, without the key the query carried.
    const failedRequest = `GET ${sandbox.url}/v1/apikey-query/contacts?limit=100: 500 Internal Server Error: ` +
      '{"error":"server_error","message":"injected 500"} (gave up after 2 attempts)';
    sandbox.source.faults.failNext({ status: 500, count: 2, pathPrefix: '/v1/apikey-query' });
    const failing = await cli(['run', configPath, '--sync', 'keyed.contacts']);
    expect(failing.code).toBe(1);
    expect(failing.stdout.split('\n')).toContain(`keyed.contacts failed: ${failedRequest}`);
    sandbox.source.faults.failNext({ status: 500, count: 2, pathPrefix: '/v1/apikey-query' });
    expect(await cli(['preview', configPath, '--sync', 'keyed.contacts'])).toMatchObject({ code: 1, stdout: '', stderr: `error: ${failedRequest}\n` });

    // A wrong token: 401s from both connectors, and the wrong token is not shown either.
    const rejected = await cli(['run', configPath], WRONG);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout.split('\n')).toContain(
      `keyed.contacts failed: GET ${sandbox.url}/v1/apikey-query/contacts?limit=100: 401 Unauthorized: ` +
        '{"error":"unauthorized","message":"missing or invalid api_key parameter"}',
    );
    expect(rowsOf(rejected.stdout).map((row) => row[1])).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'failed']);
    expect((await cli(['preview', configPath, '--sync', 'keyed.contacts'], WRONG)).code).toBe(1);
    expect((await cli(['state', 'reset', configPath])).code).toBe(0);

    for (const output of outputs) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(WRONG);
    }
    const files = readdirSync(join(dir, 'data'));
    expect(files).toContain('sync.db');
    for (const file of files) {
      const bytes = readFileSync(join(dir, 'data', file));
      expect(bytes.includes(TOKEN), file).toBe(false);
      expect(bytes.includes(WRONG), file).toBe(false);
    }
  });
});
