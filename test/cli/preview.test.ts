/**
 * `syncspec preview`: fetch and map pages of one sync and print them with the next state, writing
 * nothing; the printed state pasted back with --state continues exactly where it stopped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { removeScratchDirs, runCli, scratchDir, tableRows } from '../support/cli.js';

afterAll(removeScratchDirs);

interface PreviewPage {
  changes: { type: string; key: string; properties?: Record<string, unknown> }[];
  failed: { key: string | null; reason: string }[];
  hasMore: boolean;
}

interface PreviewOutput {
  sync: string;
  partition: string;
  pages: PreviewPage[];
  hasMore: boolean;
  nextState: unknown;
  requests: number;
}

/** Every record a page read, mapped or failed, in the order the API returned them. */
const keysOf = (page: PreviewPage) => [...page.changes.map((c) => c.key), ...page.failed.map((f) => f.key)];

describe('syncspec preview', () => {
  let sandbox: Sandbox;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
    dir = scratchDir('syncspec-preview-');
    configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    env = sandboxEnv(sandbox);
  });
  afterAll(() => sandbox.close());

  const preview = (...args: string[]) => runCli(['preview', configPath, ...args], { env, cwd: dir });
  async function previewJson(...args: string[]): Promise<PreviewOutput> {
    const result = await preview(...args, '--json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  }

  test('prints the mapped changes, the failed records and the next state, and writes nothing', async () => {
    const output = await previewJson('--sync', 'contactsBackfill');
    const contacts = sandbox.source.list('contacts');
    const first = contacts[0];
    expect(output).toMatchObject({ sync: 'crm.contactsBackfill', partition: '', hasMore: true, requests: 1 });
    expect(output.pages).toHaveLength(1);
    expect(keysOf(output.pages[0]).sort()).toEqual(contacts.slice(0, 50).map((c) => c.id));
    expect(output.pages[0].failed).toEqual([{ key: 'cus_000013', reason: "Email: invalid email 'not-an-email'" }]);
    expect(output.pages[0].changes[0]).toMatchObject({
      type: 'upsert',
      key: first.id,
      properties: { ID: first.id, Name: first.name, Email: first.email, Stage: first.stage, Updated: first.updated_at },
    });
    expect(output.nextState).toMatchObject({ page: { position: { at: contacts[49].id }, skip: 0 } });

    // Opening the project may create the SQLite file, but nothing lands in it.
    const file = join(dir, 'data/sync.db');
    if (existsSync(file)) {
      const db = new Database(file, { readonly: true });
      try {
        const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
        expect(tables.filter((name) => !name.startsWith('_') && name !== 'sqlite_sequence')).toEqual([]);
        for (const table of ['_databases', '_cycles', '_checkpoints', '_runs', '_run_failures']) {
          expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
        }
      } finally {
        db.close();
      }
    }
  });

  test('on a terminal: the totals, each request with its status, time and records, the first changes, the failures and how to continue', async () => {
    const result = await preview('--sync', 'contactsBackfill', '--pages', '2');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const contacts = sandbox.source.list('contacts');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^crm\.contactsBackfill: 2 pages, 2 requests, \d+ changes \(\d+ upserts, 0 deletes\), \d+ failed; more pages follow\. Nothing was written\.$/);
    const [header, ...requests] = tableRows(result.stdout.slice(result.stdout.indexOf('\nrequest') + 1));
    expect(header).toEqual(['request', 'status', 'time', 'records']);
    expect(requests.map(([request, status, , records]) => [request, status, records])).toEqual([
      [`GET ${sandbox.url}/v1/contacts?limit=50`, '200', '50'],
      [expect.stringMatching(new RegExp(`^GET ${sandbox.url}/v1/contacts\\?limit=50&starting_after=cus_\\d+$`)), '200', '50'],
    ]);
    expect(requests.every(([, , time]) => /^\d+ms$/.test(time))).toBe(true);
    expect(result.stdout).toMatch(/first changes \(10 of \d+\):\nchange\s+key\s+Name/);
    expect(result.stdout).toContain(`upsert  ${contacts[0].id}`);
    expect(result.stdout).toContain("failed records (");
    expect(result.stdout).toContain("  cus_000013: Email: invalid email 'not-an-email'");
    expect(result.stdout).toMatch(/\nnext state: \{.*\}\ncontinue with: --state '\{.*\}'\n$/);
    // What it prints is what --json holds, the requests among it.
    const json = JSON.parse((await preview('--sync', 'contactsBackfill', '--pages', '2', '--json')).stdout);
    expect(json.exchanges.map((exchange: { status: number; page: number }) => [exchange.status, exchange.page])).toEqual([[200, 0], [200, 1]]);
  });

  test('--pages 2 reads two pages, the second after the first', async () => {
    const output = await previewJson('--sync', 'contactsBackfill', '--pages', '2');
    const ids = sandbox.source.list('contacts').map((c) => c.id);
    expect(output).toMatchObject({ hasMore: true, requests: 2 });
    expect(output.pages.map((page) => keysOf(page).sort())).toEqual([ids.slice(0, 50), ids.slice(50, 100)]);
  });

  // Two paginations: a token taken from the last record (replace) and a keyset on (updated_at, id).
  test.each(['contactsBackfill', 'contactsDelta'])('%s: --state with the printed nextState continues where the last preview stopped', async (sync) => {
    const twoPages = await previewJson('--sync', sync, '--pages', '2');
    const first = await previewJson('--sync', sync);
    expect(first.pages[0]).toEqual(twoPages.pages[0]);
    const second = await previewJson('--sync', sync, '--state', JSON.stringify(first.nextState));
    expect(second.pages).toEqual([twoPages.pages[1]]);
    expect(second.nextState).toEqual(twoPages.nextState);
    expect(new Set([...keysOf(first.pages[0]), ...keysOf(second.pages[0])]).size).toBe(100);
  });

  test('the delta pages in (updated_at, id) order', async () => {
    const output = await previewJson('--sync', 'contactsDelta', '--pages', '2');
    const ordered = sandbox.source.list('contacts').sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id));
    // Failed records are listed after a page's changes; each page's set is what matters.
    expect(output.pages.map((page) => keysOf(page).sort())).toEqual([
      ordered.slice(0, 50).map((c) => c.id).sort(),
      ordered.slice(50, 100).map((c) => c.id).sort(),
    ]);
  });

  test('--partition picks one partition of a partitioned sync', async () => {
    const output = await previewJson('--sync', 'issues', '--partition', 'rep_000002');
    expect(output).toMatchObject({ sync: 'crm.issues', partition: 'rep_000002', hasMore: true, requests: 2 });
    expect(output.pages[0].changes).toHaveLength(20);
    expect(output.pages[0].changes.every((change) => (change.properties?.Repository as string[])[0] === 'rep_000002')).toBe(true);
  });

  test.each([
    [['--state', '{bad'], /^error: --state is not valid JSON: .+\n$/],
    [['--pages', '0'], /^error: --pages must be a positive integer, got '0'\n$/],
  ])('bad input %j: exit 2, the reason on stderr, nothing fetched', async (args, message) => {
    const before = sandbox.source.stats.requests.length;
    const result = await preview('--sync', 'contactsBackfill', ...args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(message);
    expect(sandbox.source.stats.requests.length).toBe(before);
  });

  test('an unknown partition: exit 2 with the partitions there are', async () => {
    const result = await preview('--sync', 'issues', '--partition', 'rep_000009');
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "error: crm.issues has no partition 'rep_000009'; partitions: rep_000001, rep_000002, rep_000003, rep_000004, rep_000005\n",
    });
  });

  test('an unknown sync: exit 2 with the known names', async () => {
    const result = await preview('--sync', 'nope');
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "error: unknown sync 'nope' (known syncs: crm.companies, crm.contactsBackfill, crm.contactsDelta, crm.repos, crm.issues)\n",
    });
  });

  test('a failing request: exit 1 and the request on stderr', async () => {
    sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/companies' });
    const result = await preview('--sync', 'companies');
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: `error: GET ${sandbox.url}/v1/companies?limit=25: 404 Not Found: {"error":"injected_fault","message":"injected 404"}\n`,
    });
  });
});
