/**
 * Where a delete stream starts, and what happens when it fails, through `syncspec run` and `status`
 * against a loopback API in Salesforce's REST shape: a SOQL query on SystemModstamp for the delta
 * (`/query?q=`, `records`, `done`, `nextRecordsUrl`) and getDeleted for deletions
 * (`/sobjects/Account/deleted/?start=&end=`, `deletedRecords`), which refuses a start more than 15
 * days back with `400 INVALID_REPLICATION_DATE`.
 */
import { afterAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { sendJson, useServers, type TestServer } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const DAY_MS = 86_400_000;
/** Salesforce's own form: `2026-12-03T05:00:00.000+0000`. */
const sfTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

interface Account {
  Id: string;
  Name: string;
  SystemModstamp: string;
}

interface SalesforceOrg {
  accounts: Account[];
  deleted: { id: string; deletedDate: string }[];
  /** When set, getDeleted answers this instead (a permission problem, an outage). */
  deletedFails?: { status: number; errorCode: string; message: string };
  /** When set, the SOQL query answers this instead. */
  queryFails?: { status: number; errorCode: string; message: string };
}

function salesforceApi(org: SalesforceOrg): Promise<TestServer> {
  return serve((req, res) => {
    if (req.path === '/services/data/v59.0/query') {
      if (org.queryFails) return sendJson(res, org.queryFails.status, [{ errorCode: org.queryFails.errorCode, message: org.queryFails.message }]);
      const since = /SystemModstamp > (\S+)/.exec(req.query.get('q') ?? '')?.[1];
      const after = since ? Date.parse(since) : 0;
      const records = org.accounts.filter((account) => Date.parse(account.SystemModstamp) > after)
        .map((account) => ({ attributes: { type: 'Account', url: `/services/data/v59.0/sobjects/Account/${account.Id}` }, ...account }));
      return sendJson(res, 200, { totalSize: records.length, done: true, records });
    }
    if (req.path === '/services/data/v59.0/sobjects/Account/deleted/') {
      if (org.deletedFails) {
        const { status, errorCode, message } = org.deletedFails;
        return sendJson(res, status, [{ errorCode, message }]);
      }
      const start = Date.parse(req.query.get('start') ?? '');
      const end = Date.parse(req.query.get('end') ?? '');
      if (Number.isNaN(start) || Number.isNaN(end)) return sendJson(res, 400, [{ errorCode: 'MALFORMED_QUERY', message: 'start and end are required' }]);
      if (start < Date.now() - 15 * DAY_MS) {
        return sendJson(res, 400, [{ errorCode: 'INVALID_REPLICATION_DATE', message: 'startDate cannot be more than 15 days ago' }]);
      }
      const deletedRecords = org.deleted.filter((d) => Date.parse(d.deletedDate) >= start && Date.parse(d.deletedDate) <= end);
      return sendJson(res, 200, { deletedRecords, earliestDateAvailable: sfTime(Date.now() - 15 * DAY_MS), latestDateCovered: sfTime(end) });
    }
    sendJson(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });
}

function spec(options: { deltaInitial?: unknown; deletesInitial?: unknown } = {}): Record<string, unknown> {
  return {
    syncspec: 1,
    name: 'api',
    vars: { baseUrl: {} },
    api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    databases: { accounts: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: {
      accounts: {
        database: 'accounts',
        mode: 'incremental',
        fullSync: 'off',
        request: {
          path: '/services/data/v59.0/query',
          query: { q: 'SELECT Id, Name, SystemModstamp FROM Account WHERE SystemModstamp > {{cursor.value}} ORDER BY SystemModstamp' },
        },
        records: '$.records[*]',
        paginate: { type: 'nextUrl', path: '$.nextRecordsUrl', stop: { done: '$.done' } },
        cursor: { field: '$.SystemModstamp', bufferSeconds: BUFFER_MS / 1000, ...(options.deltaInitial !== undefined && { initial: options.deltaInitial }) },
        deletes: {
          stream: {
            request: { path: '/services/data/v59.0/sobjects/Account/deleted/', query: { start: '{{cursor.value}}', end: '{{until}}' } },
            records: '$.deletedRecords[*]',
            key: '$.id',
            cursor: { field: '$.deletedDate', bufferSeconds: BUFFER_MS / 1000, ...(options.deletesInitial !== undefined && { initial: options.deletesInitial }) },
          },
        },
        map: { Name: '$.Name', ID: '$.Id' },
      },
    },
  };
}

function accountIds(dir: string): string[] {
  const db = new Database(join(dir, 'data/sync.db'), { readonly: true });
  try {
    return (db.prepare('SELECT _key FROM "api.accounts" ORDER BY _key').all() as { _key: string }[]).map((row) => row._key);
  } finally {
    db.close();
  }
}

/** The spec's bufferSeconds, in ms. */
const BUFFER_MS = 1000;
/**
 * A change made now that is already past the buffer: stamped one buffer back. Any cycle that starts
 * after it was made reads it (its window ends at its own start − buffer), and every earlier cycle's
 * window ended before it — so the test needs no sleep to let the buffer pass.
 */
const settledStamp = () => sfTime(Date.now() - BUFFER_MS);
const account = (id: string, agoMs: number): Account => ({ Id: id, Name: `Account ${id}`, SystemModstamp: sfTime(Date.now() - agoMs) });
const newAccount = (id: string): Account => ({ Id: id, Name: `Account ${id}`, SystemModstamp: settledStamp() });

type Project = ReturnType<typeof apiProject>;
async function run(project: Project) {
  const result = await project.cli('run', project.config, '--json');
  return { code: result.code, summary: (JSON.parse(result.stdout) as { status: string; error: string | null; upserted: number; deleted: number }[])[0] };
}
async function status(project: Project) {
  const result = await project.cli('status', project.config, '--json');
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { phase: string; failingStream: string | null; lastError: { message: string } | null }[])[0];
}

describe('a delete stream with no position of its own', () => {
  test('starts where its delta first started, not at the epoch getDeleted refuses', async () => {
    const org: SalesforceOrg = { accounts: [account('001A', 40 * DAY_MS), account('001B', 2 * DAY_MS)], deleted: [] };
    const api = await salesforceApi(org);
    const project = apiProject(api.url, spec());

    expect((await run(project)).summary).toMatchObject({ status: 'completed', upserted: 2 });
    // Stamped after the delta's first cycle began (where the delete stream starts), and settled.
    org.deleted.push({ id: '001A', deletedDate: settledStamp() });
    org.accounts.shift();

    const deletes = await run(project);
    expect(deletes.summary, JSON.stringify(deletes.summary)).toMatchObject({ status: 'completed', deleted: 1 });
    const start = api.requests.filter((request) => request.path.endsWith('/deleted/')).at(-1)!.query.get('start')!;
    expect(Date.now() - Date.parse(start)).toBeLessThan(DAY_MS);
    expect(accountIds(project.dir)).toEqual(['001B']);

    // And the flip-flop goes on: the delta's turn picks up a new account.
    org.accounts.push(newAccount('001C'));
    expect((await run(project)).summary).toMatchObject({ status: 'completed', upserted: 1 });
    expect(accountIds(project.dir)).toEqual(['001B', '001C']);
  });

  test('relative initial positions: the delta and the delete stream start 14 days back', async () => {
    const org: SalesforceOrg = { accounts: [account('001OLD', 30 * DAY_MS), account('001NEW', 3 * DAY_MS)], deleted: [] };
    const api = await salesforceApi(org);
    const project = apiProject(api.url, spec({ deltaInitial: { ago: '14d' }, deletesInitial: { ago: '14d' } }));
    org.deleted.push({ id: '001GONE', deletedDate: sfTime(Date.now() - 5 * DAY_MS) });

    expect((await run(project)).summary).toMatchObject({ status: 'completed', upserted: 1 });
    expect(accountIds(project.dir)).toEqual(['001NEW']);
    const since = /SystemModstamp > (\S+)/.exec(api.requests[0].query.get('q')!)![1];
    expect(Math.abs(Date.now() - 14 * DAY_MS - Date.parse(since))).toBeLessThan(60_000);

    expect((await run(project)).summary).toMatchObject({ status: 'completed' });
    const start = api.requests.at(-1)!.query.get('start')!;
    expect(Math.abs(Date.now() - 14 * DAY_MS - Date.parse(start))).toBeLessThan(60_000);
  });
});

describe('a failing delete stream', () => {
  test('never starves the delta, and status names the failing stream and why', async () => {
    const org: SalesforceOrg = { accounts: [account('001A', DAY_MS)], deleted: [] };
    const api = await salesforceApi(org);
    const project = apiProject(api.url, spec());
    expect((await run(project)).summary).toMatchObject({ status: 'completed', upserted: 1 });

    org.deletedFails = { status: 403, errorCode: 'INSUFFICIENT_ACCESS', message: 'Replication API is not enabled for this user' };
    for (const id of ['001B', '001C']) {
      org.accounts.push(newAccount(id));
      const failed = await run(project);
      // The delete stream's turn fails; the delta runs in the same cycle and stores the new account.
      expect(failed.code).toBe(1);
      expect(failed.summary.status).toBe('failed');
      expect(failed.summary.upserted).toBe(1);
      expect(failed.summary.error).toContain('delete stream failed');
      expect(failed.summary.error).toContain('INSUFFICIENT_ACCESS');
      const now = await status(project);
      expect(now).toMatchObject({ phase: 'deletes', failingStream: 'deletes' });
      expect(now.lastError?.message).toContain('INSUFFICIENT_ACCESS');
    }
    expect(accountIds(project.dir)).toEqual(['001A', '001B', '001C']);
    const table = await project.cli('status', project.config);
    expect(table.stdout).toContain('delete stream failing');

    // Access granted: the delete stream's next turn catches up from where it stood, and the mark clears.
    delete org.deletedFails;
    org.deleted.push({ id: '001A', deletedDate: settledStamp() });
    org.accounts.shift();
    expect((await run(project)).summary).toMatchObject({ status: 'completed', deleted: 1 });
    expect(await status(project)).toMatchObject({ phase: 'delta', failingStream: null });
    expect(accountIds(project.dir)).toEqual(['001B', '001C']);
  });

  test('when both streams fail, each cycle tries the other in turn: whichever recovers first runs', async () => {
    const org: SalesforceOrg = { accounts: [account('001A', DAY_MS), account('001B', DAY_MS)], deleted: [] };
    const api = await salesforceApi(org);
    const project = apiProject(api.url, spec());
    expect((await run(project)).summary).toMatchObject({ status: 'completed', upserted: 2 });

    org.deletedFails = { status: 403, errorCode: 'INSUFFICIENT_ACCESS', message: 'Replication API is not enabled for this user' };
    org.queryFails = { status: 400, errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' };
    const both = await run(project);
    expect(both.summary.status).toBe('failed');
    expect(both.summary.error).toContain('delete stream failed');
    expect(await status(project)).toMatchObject({ phase: 'deletes', failingStream: 'delta' });

    // The delete stream recovers first (the delta still fails): its turn comes, and it catches up.
    delete org.deletedFails;
    org.deleted.push({ id: '001A', deletedDate: settledStamp() });
    org.accounts.shift();
    expect((await run(project)).summary).toMatchObject({ status: 'completed', deleted: 1 });
    expect(accountIds(project.dir)).toEqual(['001B']);

    // Then the delta recovers, and the failing mark clears.
    delete org.queryFails;
    org.accounts.push(newAccount('001C'));
    expect((await run(project)).summary).toMatchObject({ status: 'completed', upserted: 1 });
    expect(await status(project)).toMatchObject({ failingStream: null });
    expect(accountIds(project.dir)).toEqual(['001B', '001C']);
  });
});
