/**
 * The README's "Writing specs: what to know": every spec it shows is a file of connectors/guide/,
 * shown byte for byte and run here against a loopback API through the real `syncspec` command
 * (`npm run build` first; npm test does); the helper table is rendered by the real template engine;
 * the SQL it shows runs on the database a guide spec filled; and the facts it states about the engine
 * (what an event feed reads, where URLs resolve, what next pages send, how offsets advance, the zone
 * of `format: sql`, which fields are templates, what a delete stream's key is) are checked here.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/project.js';
import { removeScratchDirs, runCli, scratchDir, type CliResult } from '../support/cli.js';
import { sendJson, useServers, type ReceivedRequest } from '../support/http-server.js';
import { expectNoLeaks } from '../support/leaks.js';
import { compileTemplate } from '../../engine/template/render.js';
import { BLOCK_HELPERS, VALUE_HELPERS, checkTemplate } from '../../engine/template/scope.js';
import { canonicalValue, renderValue } from '../../engine/interpreter/cursor.js';

afterAll(removeScratchDirs);
const serve = useServers();

const GUIDE = 'connectors/guide';
const TOKEN = 'guide-token';
const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const section = /\n## Writing specs: what to know\n([\s\S]*?)(?=\n## )/.exec(readme)?.[1] ?? '';
const guideFiles = readdirSync(resolve(ROOT, GUIDE)).filter((file) => file.endsWith('.yaml')).sort();
const guideText = (file: string) => readFileSync(resolve(ROOT, GUIDE, file), 'utf8');

/** Each guide spec and the test below that runs it. */
const runs: Record<string, string> = {
  'stripe-events.yaml': 'Stripe events, newest first',
  'hubspot-search.yaml': 'HubSpot search',
  'base-path.yaml': 'a base URL with a path',
};

interface Project {
  dir: string;
  config: string;
  run(): Promise<CliResult>;
  summary(): Promise<Record<string, unknown>>;
  sql<T = Record<string, unknown>>(query: string): T[];
}

/** A config with one connector `name` loading `spec` (a guide file, or a spec object), its baseUrl the test's API. */
function project(name: string, spec: string | Record<string, unknown>, url: string): Project {
  const dir = scratchDir('syncspec-guide-');
  let specPath = resolve(ROOT, GUIDE, typeof spec === 'string' ? spec : '');
  if (typeof spec !== 'string') {
    specPath = join(dir, 'spec.yaml');
    writeFileSync(specPath, stringify(spec));
  }
  const config = join(dir, 'config.yaml');
  writeFileSync(config, [
    'syncspec: 1',
    'database: { type: sqlite, path: ./data/syncspec.db }',
    'connectors:',
    `  ${name}:`,
    `    spec: ${JSON.stringify(specPath)}`,
    '    vars: { baseUrl: { env: API_URL } }',
    '    secrets: { apiToken: { env: API_TOKEN } }',
    '',
  ].join('\n'));
  const env = { ...process.env, API_URL: url, API_TOKEN: TOKEN };
  const run = () => runCli(['run', config, '--quiet', '--json'], { env, cwd: dir });
  return {
    dir, config, run,
    async summary() {
      const result = await run();
      expect(result.code, result.stdout + result.stderr).toBe(0);
      return JSON.parse(result.stdout)[0];
    },
    sql<T>(query: string): T[] {
      const db = new Database(join(dir, 'data/syncspec.db'), { readonly: true, fileMustExist: true });
      try {
        return db.prepare(query).all() as T[];
      } finally {
        db.close();
      }
    },
  };
}

const bearer = (request: ReceivedRequest) => request.headers.authorization === `Bearer ${TOKEN}`;

describe('README: Writing specs: what to know', () => {
  it('sits between the config file and the CLI sections', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    const at = headings.indexOf('Writing specs: what to know');
    expect(headings.slice(at - 1, at + 2)).toEqual(['The config file', 'Writing specs: what to know', 'CLI']);
  });

  it('shows every guide spec exactly as its file, and nothing else as a spec', () => {
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks.sort()).toEqual(guideFiles.map(guideText).sort());
    for (const file of guideFiles) expect(section, file).toContain(`\`${GUIDE}/${file}\``);
  });

  it('runs every guide spec here', () => {
    expect(guideFiles).toEqual(Object.keys(runs).sort());
  });
});

describe('template helpers', () => {
  const VALUE = '2026-12-02T10:15:30.123Z';
  const rows = [...section.matchAll(/^\| `(\{\{.+?\}\})` \| `(.+)` \|$/gm)].map((match) => ({ template: match[1], output: match[2] }));
  const scope = {
    roots: { cursor: { fields: ['value'], bare: false }, vars: { fields: ['since'], bare: false } },
    unavailable: {},
  };

  it('the table lists every helper the engine registers, each once', () => {
    const called = rows.map((row) => /^\{\{(\w+)/.exec(row.template)![1]);
    expect(called.sort()).toEqual([...VALUE_HELPERS].sort());
    for (const block of BLOCK_HELPERS) expect(section).toContain(`{{#${block}}}`);
  });

  it.each(rows)('$template renders $output on cursor.value = 2026-12-02T10:15:30.123Z', ({ template, output }) => {
    expect(checkTemplate(template, scope).problems).toEqual([]);
    expect(compileTemplate(template, 'query')({ cursor: { value: VALUE }, vars: {} })).toBe(output);
  });

  it('the input the table names is the one it is rendered on', () => {
    expect(section).toContain(`\`cursor.value\` = \`${VALUE}\``);
  });
});

describe('Stripe events, newest first', () => {
  it('a deletion and an older update of one second leave the row deleted, cycle after cycle', async () => {
    // T is within the consistency buffer (10 s) when the run starts: the cursor stops short of it, and the
    // next cycle reads that second again.
    const now = Math.floor(Date.now() / 1000);
    const T = now - 2;
    const customer = (id: string, name: string, created: number) => ({ id, object: 'customer', name, email: `${name.toLowerCase()}@example.com`, created });
    // Newest first, ids in no order. cus_A is deleted in the second it was last updated.
    const events = [
      { id: 'evt_9Qa', type: 'customer.deleted', created: T, data: { object: { ...customer('cus_A', 'Ada', now - 9000), deleted: true } } },
      { id: 'evt_1Zb', type: 'customer.updated', created: T, data: { object: customer('cus_A', 'Ada', now - 9000) } },
      { id: 'evt_7Kc', type: 'customer.source.created', created: T - 60, data: { object: { id: 'card_1', object: 'card', customer: 'cus_A' } } },
      { id: 'evt_3Md', type: 'customer.updated', created: T - 120, data: { object: customer('cus_B', 'Grace', now - 9000) } },
      { id: 'evt_5Ne', type: 'customer.created', created: now - 9000, data: { object: customer('cus_A', 'Ada', now - 9000) } },
    ].map((event) => ({ object: 'event', ...event }));

    /** GET /v1/events as Stripe answers it, at most 2 events a page whatever `limit` asks. */
    const api = await serve((request, response) => {
      if (request.path !== '/v1/events' || !bearer(request)) return sendJson(response, 404, { error: { message: 'no such route' } });
      const gte = Number(request.query.get('created[gte]'));
      const type = request.query.get('type');
      const matching = events.filter((event) => event.created >= gte && (type !== 'customer.*' || event.type.startsWith('customer.')));
      const after = request.query.get('starting_after');
      const from = after === null ? 0 : matching.findIndex((event) => event.id === after) + 1;
      const limit = Math.min(2, Number(request.query.get('limit') ?? 10));
      sendJson(response, 200, { object: 'list', data: matching.slice(from, from + limit), has_more: from + limit < matching.length });
    });
    const p = project('stripe', 'stripe-events.yaml', api.url);

    expect(await p.summary()).toMatchObject({ status: 'completed', upserted: 1, deleted: 0, failed: 0, requests: 3 });
    const query = (request: ReceivedRequest) => Object.fromEntries(request.query);
    expect(api.requests.map(query)).toEqual([
      { type: 'customer.*', 'created[gte]': '0', limit: '100' },
      { type: 'customer.*', 'created[gte]': '0', limit: '100', starting_after: 'evt_1Zb' },
      { type: 'customer.*', 'created[gte]': '0', limit: '100', starting_after: 'evt_3Md' },
    ]);

    // The README's query. The version is the event's `created` (ms), not the customer's.
    const sql = /^sqlite3 -header -column data\/syncspec\.db '(.+)'$/m.exec(section)?.[1];
    expect(sql).toBeDefined();
    const expected = [{ _key: 'cus_B', Name: 'Grace', Email: 'grace@example.com', _version: (T - 120) * 1000 }];
    expect(p.sql(sql!)).toEqual(expected);
    // Not swept, not soft-deleted: a versioned deletion leaves its version in _tombstones.
    expect(p.sql("SELECT database, key, version FROM _tombstones")).toEqual([{ database: 'stripe.customers', key: 'cus_A', version: T * 1000 }]);

    // The cursor read the events (T), not the objects (now − 9000): it stopped at now − buffer, before T.
    const second = await p.summary();
    const gte = Number(api.requests[3].query.get('created[gte]'));
    expect(gte).toBeGreaterThan(T - 10);
    expect(gte).toBeLessThanOrEqual(T);
    expect(second).toMatchObject({ status: 'completed', upserted: 0, failed: 0, requests: 1 });
    expect(p.sql('SELECT _key FROM "stripe.customers"')).toEqual([{ _key: 'cus_B' }]);
    // The API token is nowhere: not in what the commands print, not in the database or its folder.
    const last = await p.run();
    const state = await runCli(['state', 'show', p.config, '--json'], { env: { ...process.env, API_URL: api.url, API_TOKEN: TOKEN }, cwd: p.dir });
    expectNoLeaks([TOKEN], { outputs: { stdout: last.stdout, stderr: last.stderr, state: state.stdout + state.stderr }, dirs: [p.dir] });
  });
});

describe('HubSpot search', () => {
  const PROPERTIES = ['hs_object_id', 'lastmodifieddate', 'email', 'firstname', 'lastname', 'createdate'];
  const bulk = Date.parse('2024-05-02T09:00:00.000Z');
  // 150 contacts, 120 of them modified in one bulk edit: more than a page shares one lastmodifieddate.
  const contacts = Array.from({ length: 150 }, (_, i) => {
    const id = String(1001 + i);
    const modified = new Date(i < 120 ? bulk : bulk + (i - 119) * 60_000).toISOString();
    return { id, properties: { hs_object_id: id, lastmodifieddate: modified, email: `c${id}@example.com`, firstname: `C${id}` } };
  });

  interface Filter { propertyName: string; operator: string; value: unknown }
  /** POST /crm/v3/objects/contacts/search: filters and sorts take property names; `id` is none. */
  const hubspot = () => serve((request, response) => {
    if (request.method !== 'POST' || request.path !== '/crm/v3/objects/contacts/search' || !bearer(request)) return sendJson(response, 404, {});
    const body = JSON.parse(request.body) as { filterGroups: { filters: Filter[] }[]; sorts: { propertyName: string }[]; limit: number };
    const filters = body.filterGroups.flatMap((group) => group.filters);
    const unknown = [...filters.map((f) => f.propertyName), ...body.sorts.map((s) => s.propertyName)].find((name) => !PROPERTIES.includes(name));
    if (unknown) return sendJson(response, 400, { status: 'error', message: `There was a problem with the request: unknown property ${unknown}` });
    const number = (name: string, value: unknown) => (name === 'lastmodifieddate' ? Date.parse(String(value)) : Number(value));
    const passes = (contact: (typeof contacts)[number], filter: Filter) => {
      const have = number(filter.propertyName, contact.properties[filter.propertyName as 'hs_object_id']);
      const want = Number(filter.value);
      return filter.operator === 'EQ' ? have === want : have > want;
    };
    const sortBy = body.sorts[0].propertyName;
    // Within one lastmodifieddate, HubSpot's order is its own: here, newest id first.
    const order = (a: (typeof contacts)[number], b: (typeof contacts)[number]) =>
      sortBy === 'hs_object_id' ? Number(a.id) - Number(b.id) : number(sortBy, a.properties.lastmodifieddate) - number(sortBy, b.properties.lastmodifieddate) || Number(b.id) - Number(a.id);
    const results = contacts.filter((contact) => filters.every((filter) => passes(contact, filter))).sort(order).slice(0, body.limit);
    sendJson(response, 200, { total: results.length, results });
  });

  it('pages through a bulk edit by hs_object_id, and gets every contact once', async () => {
    const api = await hubspot();
    const p = project('hubspot', 'hubspot-search.yaml', api.url);
    expect(await p.summary()).toMatchObject({ status: 'completed', failed: 0, requests: 4 });
    const bodies = api.requests.map((request) => JSON.parse(request.body));
    expect(bodies[0]).toEqual({
      filterGroups: [{ filters: [
        { propertyName: 'lastmodifieddate', operator: 'GT', value: 0 },
        { propertyName: 'hs_object_id', operator: 'GT', value: 0 },
      ] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 100,
    });
    const shape = (body: { filterGroups: { filters: Filter[] }[]; sorts: { propertyName: string }[] }) =>
      [...body.filterGroups[0].filters.map((f) => `${f.propertyName} ${f.operator} ${f.value}`), `sort ${body.sorts[0].propertyName}`].join(', ');
    expect(bodies.slice(1).map(shape)).toEqual([
      `lastmodifieddate EQ ${bulk}, hs_object_id GT 0, sort hs_object_id`,
      `lastmodifieddate EQ ${bulk}, hs_object_id GT 1100, sort hs_object_id`,
      `lastmodifieddate GT ${bulk}, hs_object_id GT 0, sort lastmodifieddate`,
    ]);
    expect(p.sql<{ n: number }>('SELECT count(*) AS n FROM "hubspot.contacts"')).toEqual([{ n: 150 }]);
  });

  it('the same walk with `id` in the filters is refused by the API', async () => {
    const api = await hubspot();
    const spec = parse(guideText('hubspot-search.yaml').replaceAll('hs_object_id', 'id'));
    const p = project('hubspot', spec, api.url);
    const result = await p.run();
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)[0].error).toContain('unknown property id');
  });
});

describe('a base URL with a path', () => {
  const UPDATED = '2024-05-01T10:00:00.123Z';
  /** Records /api/v1/items…, whose next URLs are a path under the base, then a root-relative path. */
  const items = () => serve((request, response) => {
    if (!bearer(request)) return sendJson(response, 401, {});
    const item = (id: string) => ({ id, name: `Item ${id}`, updated_at: UPDATED });
    if (request.url === '/api/v1/items?updated_since=0&status=active&limit=50') {
      return sendJson(response, 200, { data: [item('a')], next: '/api/v1/items?page=2&limit=50' });
    }
    if (request.url === '/api/v1/items?page=2&limit=50') return sendJson(response, 200, { data: [item('b')], next: '/v2/items?page=3' });
    if (request.url === '/api/v1/v2/items?page=3') return sendJson(response, 200, { data: [item('c')], next: null });
    if (request.path === '/api/v1/items' && request.query.get('updated_since') !== '0') return sendJson(response, 200, { data: [], next: null });
    return sendJson(response, 404, { error: `no page at ${request.url}` });
  });

  it('joins paths to the base path, and next URLs carry the query alone', async () => {
    const api = await items();
    const p = project('items', 'base-path.yaml', api.url);
    expect(await p.summary()).toMatchObject({ status: 'completed', upserted: 3, failed: 0, requests: 3 });
    expect(api.requests.map((request) => request.url)).toEqual([
      '/api/v1/items?updated_since=0&status=active&limit=50',
      // Starts with the base path: not doubled. The request's query (updated_since, status, limit) is not re-sent.
      '/api/v1/items?page=2&limit=50',
      // Root-relative, yet joined under the base path too.
      '/api/v1/v2/items?page=3',
    ]);
    // The next cycle asks from the cursor, in epoch seconds.
    await p.summary();
    expect(api.requests[3].url).toBe(`/api/v1/items?updated_since=${Math.floor(Date.parse(UPDATED) / 1000)}&status=active&limit=50`);
  });

  it('a Link header target resolves against the URL that answered (RFC 3986), and carries the query alone', async () => {
    const api = await serve((request, response) => {
      const data = [{ id: request.path, name: 'x', updated_at: UPDATED }];
      if (request.path === '/api/v1/items') return sendJson(response, 200, { data }, { link: '</v2/items?page=2>; rel="next"' });
      return sendJson(response, 200, { data });
    });
    const spec = parse(guideText('base-path.yaml'));
    spec.syncs.items.paginate = { type: 'linkHeader', pageSize: { value: 50, param: 'limit' } };
    expect(await project('items', spec, api.url).summary()).toMatchObject({ status: 'completed', upserted: 2, requests: 2 });
    expect(api.requests.map((request) => request.url)).toEqual(['/api/v1/items?updated_since=0&status=active&limit=50', '/v2/items?page=2']);
  });

  it('offset pages advance by the records received, not by the page size', async () => {
    const api = await serve((request, response) => {
      const offset = Number(request.query.get('offset') ?? 0);
      const all = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: id, updated_at: UPDATED }));
      sendJson(response, 200, { data: all.slice(offset, offset + 2) }); // asked for 50, sends 2
    });
    const spec = parse(guideText('base-path.yaml'));
    spec.syncs.items.paginate = { type: 'offset', pageSize: { value: 50, param: 'limit' } };
    expect(await project('items', spec, api.url).summary()).toMatchObject({ status: 'completed', upserted: 5 });
    expect(api.requests.map((request) => request.query.get('offset'))).toEqual(['0', '2', '4', '5']);
  });
});

describe('format: sql is UTC', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('reads a zone-less value as UTC and renders UTC, on a machine in another zone', () => {
    process.env.TZ = 'Asia/Tokyo';
    expect(new Date(2026, 11, 2).getTimezoneOffset()).toBe(-540);
    const rules = { type: 'timestamp' as const, format: 'sql' as const };
    expect(canonicalValue('2026-12-02 10:15:30', rules, 'test')).toBe('2026-12-02T10:15:30.000Z');
    expect(canonicalValue('2026-12-02 10:15:30+01:00', rules, 'test')).toBe('2026-12-02T09:15:30.000Z');
    expect(renderValue('2026-12-02T10:15:30.123Z', rules)).toBe('2026-12-02 10:15:30');
    expect(compileTemplate('{{sqlTime cursor.value}}')({ cursor: { value: '2026-12-02T10:15:30.123Z' } })).toBe('2026-12-02 10:15:30');
  });
});

describe('spec fields', () => {
  const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/connector.schema.json'), 'utf8'));

  /** Every schema location that refers to `ref`, as `def.property` paths. */
  function uses(ref: string): string[] {
    const found: string[] = [];
    const walk = (node: unknown, path: string[]) => {
      if (Array.isArray(node)) node.forEach((child) => walk(child, path));
      else if (node && typeof node === 'object') {
        for (const [key, child] of Object.entries(node)) {
          if (key === '$ref' && child === ref) found.push(path.join('.'));
          else walk(child, ['properties', 'additionalProperties', 'oneOf', 'anyOf', 'items'].includes(key) ? path : [...path, key]);
        }
      }
    };
    walk(schema.$defs, []);
    return found.sort();
  }

  it('the template fields are those the README lists', () => {
    expect(uses('#/$defs/template')).toEqual([
      'api.baseUrl', 'authBasic.username', 'authOAuth2.clientId', 'authOAuth2.tokenUrl',
      'partitions.values', 'request.path', 'request.query', 'templateMap', 'valueSourceObject.template',
    ].sort());
    // templateMap is api.headers and request.headers; body and valueSource strings are typed apart.
    expect(uses('#/$defs/templateMap')).toEqual(['api.headers', 'request.headers']);
  });

  it('a delete stream key is a plain JSONPath', () => {
    expect(schema.$defs.deleteStream.properties.key).toMatchObject({ $ref: '#/$defs/jsonPath' });
    expect(schema.$defs.jsonPath.type).toBe('string');
  });
});
