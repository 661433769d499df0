/**
 * `syncspec test`, as a user runs it: --record against a live API on loopback (which changes between
 * the two cycles: an update, a new ticket, a deletion), then replays in new processes with the API
 * gone — matching, failing on a changed answer or a missing one, --update accepting a new outcome —
 * and no secret value in any fixture file.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { removeScratchDirs, runCli, scratchDir } from '../support/cli.js';
import { sendJson, startServer, type TestServer } from '../support/http-server.js';

const TOKEN = 'tok-live-4f9c2a7e11';
const API_KEY = 'key/live+93bd=7Q';

interface Ticket { id: string; subject: string; status: string; updated_at: string }

const SPEC = {
  syncspec: 1,
  name: 'desk',
  vars: { baseUrl: { default: 'http://127.0.0.1:9' } },
  secrets: { apiToken: {}, apiKey: {} },
  api: { baseUrl: '{{vars.baseUrl}}', auth: { type: 'bearer', token: { secret: 'apiToken' } }, retry: { attempts: 1 } },
  databases: {
    tickets: { primaryKeyProperty: 'ID', properties: { Subject: 'title', ID: 'richText', Status: { type: 'select', options: ['open', 'solved'] }, Updated: { type: 'date', format: 'dateTime' } } },
  },
  syncs: {
    tickets: {
      database: 'tickets',
      request: { path: '/tickets', query: { api_key: '{{secrets.apiKey}}' } },
      records: '$.tickets[*]',
      paginate: { type: 'pageNumber', param: 'page', start: 1, pageSize: { value: 2, param: 'per_page' }, stop: { hasMore: '$.has_more' } },
      map: { Subject: '$.subject', ID: '$.id', Status: '$.status', Updated: '$.updated_at' },
    },
    ticketsDelta: {
      database: 'tickets',
      mode: 'incremental',
      fullSync: 'off',
      request: { path: '/tickets', query: { api_key: '{{secrets.apiKey}}', updated_after: '{{cursor.value}}' } },
      records: '$.tickets[*]',
      paginate: { type: 'pageNumber', param: 'page', start: 1, pageSize: { value: 2, param: 'per_page' }, stop: { hasMore: '$.has_more' } },
      cursor: { field: '$.updated_at', bufferSeconds: 0 },
      map: { Subject: '$.subject', ID: '$.id', Status: '$.status', Updated: '$.updated_at' },
    },
  },
};

/** The live API: three tickets; the second backfill finds one updated, one new and one gone. */
function ticketsApi() {
  let tickets: Ticket[] = [
    { id: 't1', subject: 'Printer on fire', status: 'open', updated_at: '2026-11-01T10:00:00.000Z' },
    { id: 't2', subject: 'VPN drops', status: 'open', updated_at: '2026-11-02T10:00:00.000Z' },
    { id: 't3', subject: 'Spam', status: 'open', updated_at: '2026-11-03T10:00:00.000Z' },
  ];
  let backfills = 0;
  return async (request: { path: string; query: URLSearchParams; headers: Record<string, unknown> }, response: Parameters<Parameters<typeof startServer>[0]>[1]) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}` || request.query.get('api_key') !== API_KEY) return sendJson(response, 401, { error: 'unauthorized' });
    const page = Number(request.query.get('page') ?? 1);
    const since = request.query.get('updated_after');
    if (!since && page === 1 && ++backfills === 2) {
      tickets = [
        tickets[0],
        { ...tickets[1], status: 'solved', updated_at: '2026-11-05T10:00:00.000Z' },
        { id: 't4', subject: 'New laptop', status: 'open', updated_at: '2026-11-06T10:00:00.000Z' },
      ];
    }
    const matching = tickets.filter((ticket) => !since || ticket.updated_at > since);
    const slice = matching.slice((page - 1) * 2, page * 2);
    // An API echoing the caller's key, in a header and in the body, as some do.
    sendJson(response, 200, { tickets: slice, has_more: page * 2 < matching.length, meta: { key: API_KEY } }, { 'x-request-key': API_KEY });
  };
}

let api: TestServer;
let recorded: string;
let configPath: string;
const env = () => ({ ...process.env, DESK_URL: api.url, DESK_TOKEN: TOKEN, DESK_KEY: API_KEY });
/** A replay needs no secret and no API: the environment has neither. */
const offline = () => {
  const { DESK_URL: _url, DESK_TOKEN: _token, DESK_KEY: _key, ...rest } = env();
  return rest;
};

function writeProject(dir: string): string {
  writeFileSync(join(dir, 'desk.yaml'), stringify(SPEC));
  const config = {
    syncspec: 1,
    database: { type: 'sqlite', path: './data/desk.db' },
    connectors: { desk: { spec: './desk.yaml', vars: { baseUrl: { env: 'DESK_URL' } }, secrets: { apiToken: { env: 'DESK_TOKEN' }, apiKey: { env: 'DESK_KEY' } } } },
  };
  const path = join(dir, 'config.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

/** A copy of the recorded fixtures to change, so each test starts from the recording. */
function fixturesCopy(): string {
  const dir = scratchDir('syncspec-fixtures-');
  cpSync(recorded, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  api = await startServer(ticketsApi());
  const dir = scratchDir('syncspec-test-cmd-');
  configPath = writeProject(dir);
  recorded = join(dir, 'fixtures');
  const result = await runCli(['test', configPath, '--fixtures', recorded, '--record'], { env: env(), cwd: dir });
  expect(result.stderr).toBe('');
  for (const secret of [TOKEN, API_KEY, encodeURIComponent(API_KEY)]) expect(result.stdout).not.toContain(secret);
  expect(result.code).toBe(0);
  await api.close();
});
afterAll(() => removeScratchDirs());

describe('syncspec test --record', () => {
  it('writes two cycles of HAR recordings, their snapshots and the vars, a delta over what changed between them', () => {
    expect(readdirSync(recorded).sort()).toEqual(['cycle-1.har', 'cycle-1.snapshot.json', 'cycle-2.har', 'cycle-2.snapshot.json', 'vars.json']);
    const har = JSON.parse(readFileSync(join(recorded, 'cycle-1.har'), 'utf8'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.pages[0].startedDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(har.log.entries[0].request.url).toContain('/tickets?');
    const second = JSON.parse(readFileSync(join(recorded, 'cycle-2.snapshot.json'), 'utf8'));
    expect(second.databases['desk.tickets'].map((row: { _key: string; Status: string }) => `${row._key}:${row.Status}`)).toEqual(['t1:open', 't2:solved', 't4:open']);
    expect(second.syncs['desk.tickets'].swept).toBe(1);
    // The next delta asks for what changed after the newest update it stored (a cursor second past it).
    expect(second.syncs['desk.ticketsDelta'].state[''].cursor.value).toBe('2026-11-06T10:00:01.000Z');
  });

  it('leaves no secret value in any fixture file, in any encoding', () => {
    const forms = [TOKEN, API_KEY, encodeURIComponent(API_KEY), new URLSearchParams({ k: API_KEY }).toString().slice(2), Buffer.from(TOKEN).toString('base64')];
    for (const name of readdirSync(recorded)) {
      const text = readFileSync(join(recorded, name), 'utf8');
      for (const form of forms) expect(text, `${name} holds ${form}`).not.toContain(form);
    }
    const har = readFileSync(join(recorded, 'cycle-1.har'), 'utf8');
    expect(har).toContain('api_key=SECRET_apiKey');
    expect(har).toContain('"value": "SECRET_apiKey"');
  });
});

describe('syncspec test (replay)', () => {
  it('replays both cycles offline, without secrets, and every snapshot matches', async () => {
    const result = await runCli(['test', configPath, '--fixtures', recorded], { env: offline() });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('cycle 1 (');
    expect(result.stdout).toContain('cycle 2 (');
    expect(result.stdout).toContain('ok: 2 cycles replayed, every snapshot matched');
    expect(result.code).toBe(0);
  });

  it('fails naming the row and field when an answer changed, and --update accepts the new outcome', async () => {
    const fixtures = fixturesCopy();
    const file = join(fixtures, 'cycle-2.har');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('VPN drops', 'VPN fixed'));
    const differs = await runCli(['test', configPath, '--fixtures', fixtures], { env: offline() });
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain('cycle 2 (');
    expect(differs.stdout).toContain('DIFFERS from its snapshot');
    expect(differs.stdout).toContain('database desk.tickets, row "t2": Subject: expected "VPN drops", got "VPN fixed"');
    expect(differs.stdout).toContain('accept it with --update');

    const updated = await runCli(['test', configPath, '--fixtures', fixtures, '--update'], { env: offline() });
    expect(updated.code).toBe(0);
    expect(JSON.parse(readFileSync(join(fixtures, 'cycle-2.snapshot.json'), 'utf8')).databases['desk.tickets'][1].Subject).toBe('VPN fixed');
    const again = await runCli(['test', configPath, '--fixtures', fixtures], { env: offline() });
    expect(again.code).toBe(0);
  });

  it('fails naming the request that has no recorded answer, and what was recorded but never asked for', async () => {
    const fixtures = fixturesCopy();
    const file = join(fixtures, 'cycle-1.har');
    const har = JSON.parse(readFileSync(file, 'utf8'));
    const secondPage = /([?&])page=2(?=&|$)/;
    const backfillPage2 = har.log.entries.findIndex((entry: { request: { url: string } }) => secondPage.test(entry.request.url) && !entry.request.url.includes('updated_after'));
    expect(backfillPage2).toBeGreaterThanOrEqual(0);
    har.log.entries[backfillPage2].request.url = har.log.entries[backfillPage2].request.url.replace(secondPage, '$1page=7');
    writeFileSync(file, JSON.stringify(har));
    const result = await runCli(['test', configPath, '--fixtures', fixtures, '--sync', 'tickets'], { env: offline() });
    expect(result.code).toBe(1);
    // The key shows redacted: a replay treats the placeholders it sets as the secrets they stand for.
    expect(result.stdout).toMatch(/desk\.tickets: no recorded answer in \S+cycle-1\.har for GET http:\/\/127\.0\.0\.1:\d+\/tickets\?api_key=\[REDACTED\]&per_page=2&page=2;/);
    expect(result.stdout).toMatch(/recorded but never requested: GET \S+&page=7\n/);
  });

  it('replays a connector spec on its own, with the recorded vars', async () => {
    const result = await runCli(['test', join(configPath, '..', 'desk.yaml'), '--fixtures', recorded], { env: offline() });
    // The spec alone names its connector by the spec's name, as the recording's config did.
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses a fixtures folder without recordings, exit 2', async () => {
    const empty = scratchDir('syncspec-empty-fixtures-');
    const result = await runCli(['test', configPath, '--fixtures', empty], { env: offline() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no recordings (cycle-1.har, cycle-2.har, …); record them with --record');
  });

  it('--json prints every cycle with its differences', async () => {
    const result = await runCli(['test', configPath, '--fixtures', recorded, '--json'], { env: offline() });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.ok).toBe(true);
    expect(parsed.cycles.map((cycle: { snapshot: string }) => cycle.snapshot)).toEqual(['matched', 'matched']);
  });
});

describe('syncspec test with OAuth2 (client credentials)', () => {
  const CLIENT_SECRET = 'cs-live-Zq81+/x0pQ';
  const ACCESS_TOKEN = 'at-live-6f1e0c9b2d47a8';
  const OAUTH_SPEC = {
    syncspec: 1,
    name: 'vault',
    vars: { baseUrl: { default: 'http://127.0.0.1:9' } },
    secrets: { clientSecret: {} },
    api: {
      baseUrl: '{{vars.baseUrl}}',
      auth: { type: 'oauth2', grant: 'clientCredentials', tokenUrl: '{{vars.baseUrl}}/oauth/token', clientId: 'sync-client', clientSecret: { secret: 'clientSecret' } },
      retry: { attempts: 1 },
    },
    databases: { items: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: { items: { database: 'items', request: { path: '/items' }, records: '$.items[*]', map: { Name: '$.name', ID: '$.id' } } },
  };

  it('records the token exchange with neither the client secret nor the access token, and replays it offline', async () => {
    const server = await startServer((request, response) => {
      if (request.path === '/oauth/token') {
        const form = new URLSearchParams(request.body);
        if (form.get('client_secret') !== CLIENT_SECRET) return sendJson(response, 401, { error: 'invalid_client' });
        return sendJson(response, 200, { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 3600 });
      }
      if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) return sendJson(response, 401, { error: 'invalid_token' });
      sendJson(response, 200, { items: [{ id: 'i1', name: 'First' }, { id: 'i2', name: 'Second' }] });
    });
    const dir = scratchDir('syncspec-test-oauth-');
    const spec = join(dir, 'vault.yaml');
    writeFileSync(spec, stringify(OAUTH_SPEC));
    const fixtures = join(dir, 'fixtures');
    const { npm_command: _npm, ...inherited } = process.env;
    const record = await runCli(['test', spec, '--fixtures', fixtures, '--record', '--var', `baseUrl=${server.url}`], { env: { ...inherited, CLIENT_SECRET } });
    await server.close();
    expect(record.stderr).toBe('');
    for (const secret of [CLIENT_SECRET, ACCESS_TOKEN]) expect(record.stdout).not.toContain(secret);
    expect(record.code).toBe(0);
    const forms = [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), new URLSearchParams({ s: CLIENT_SECRET }).toString().slice(2), ACCESS_TOKEN, Buffer.from(`sync-client:${CLIENT_SECRET}`).toString('base64')];
    for (const name of readdirSync(fixtures)) {
      const text = readFileSync(join(fixtures, name), 'utf8');
      for (const form of forms) expect(text, `${name} holds ${form}`).not.toContain(form);
    }
    const har = readFileSync(join(fixtures, 'cycle-1.har'), 'utf8');
    expect(har).toContain('client_secret=SECRET_clientSecret');
    expect(har).toContain('"access_token\\":\\"[REDACTED]\\"');

    const replay = await runCli(['test', spec, '--fixtures', fixtures], { env: inherited });
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain('ok: 2 cycles replayed, every snapshot matched');
    expect(replay.code).toBe(0);
  });
});
