/** Incremental filters, keyset through tied timestamps, and the POST-search same-timestamp deadlock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get, ids, post, snowTime, sortedByKey, walk } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 3, counts: { contacts: 100 } });
});
afterAll(() => sb.close());

/** First page (limit 100 covers everything) of a family, as an id list. */
const lists: Array<[string, (q: string) => Promise<any[]>]> = [
  ['stripe', async (q) => (await get(sb, `/v1/contacts?limit=100&${q}`)).body.data],
  ['hubspot', async (q) => (await get(sb, `/v1/crm/contacts?limit=100&${q}`)).body.results],
  ['header', async (q) => (await get(sb, `/v1/header/contacts?limit=100&${q}`)).body],
  ['salesforce', async (q) => (await get(sb, `/v1/sf/contacts?limit=100&${q}`)).body.records],
  ['graph', async (q) => (await get(sb, `/v1/graph/contacts?$top=100&${q}`)).body.value],
  ['github', async (q) => (await get(sb, `/v1/gh/contacts?per_page=100&${q}`)).body],
  ['paged', async (q) => (await get(sb, `/v1/paged/contacts?per_page=100&${q}`)).body.items],
  ['jira', async (q) => (await get(sb, `/v1/jira/contacts?maxResults=100&${q}`)).body.values],
  ['keyset', async (q) => (await get(sb, `/v1/keyset/contacts?limit=100&${q}`)).body.data],
  ['servicenow', async (q) => (await get(sb, `/v1/snow/contacts?sysparm_limit=100&${q}`)).body.result],
  ['marked', async (q) => (await get(sb, `/v1/marked/contacts?limit=100&${q}`)).body.data],
];

describe('updated_since (inclusive) and updated_before (exclusive)', () => {
  it.each(lists)('%s honours both bounds', async (_name, list) => {
    const truth = sortedByKey(sb.source.list('contacts'));
    const t = truth[40].updated_at;
    const since = await list(`updated_since=${encodeURIComponent(t)}`);
    expect([...ids(since)].sort()).toEqual(ids(truth.filter((c) => c.updated_at >= t)).sort());
    const before = await list(`updated_before=${encodeURIComponent(t)}`);
    expect([...ids(before)].sort()).toEqual(ids(truth.filter((c) => c.updated_at < t)).sort());
  });

  it('accepts other ISO spellings and rejects junk', async () => {
    expect((await get(sb, '/v1/crm/contacts?updated_since=2023-06-01T00:00:00Z')).status).toBe(200);
    expect((await get(sb, '/v1/crm/contacts?updated_since=yesterday')).status).toBe(400);
  });

  it('keyset `since` without since_id is inclusive; with it, strictly after (updated_at, id)', async () => {
    const truth = sortedByKey(sb.source.list('contacts'));
    const [first, second] = truth; // contacts 1–4 share a timestamp in the seeded data
    const inclusive = (await get(sb, `/v1/keyset/contacts?limit=100&since=${first.updated_at}`)).body.data;
    expect(inclusive[0].id).toBe(first.id);
    const after = (await get(sb, `/v1/keyset/contacts?limit=100&since=${first.updated_at}&since_id=${first.id}`)).body.data;
    expect(after[0].id).toBe(second.id);
  });
});

describe('tied timestamps from a bulk edit', () => {
  const at = new Date(Date.UTC(2030, 0, 1, 0, 0, 0, 500));
  let tied: string[];
  beforeAll(() => {
    tied = sb.source.list('contacts').slice(10, 40).map((c) => c.id);
    sb.source.bulkUpdate('contacts', tied, { stage: 'Customer' }, at);
  });

  it('bulkUpdate gives every id the same updated_at', () => {
    const rows = sb.source.list('contacts').filter((c) => tied.includes(c.id));
    expect(new Set(rows.map((c) => c.updated_at))).toEqual(new Set([at.toISOString()]));
  });

  it('keyset pages through 30 ties with limit 10, each once', async () => {
    const since = new Date(at.getTime() - 1).toISOString();
    const got = await walk<string>(`/v1/keyset/contacts?limit=10&since=${since}`, async (path) => {
      const { body } = await get(sb, path);
      const last = body.data.at(-1);
      return { records: body.data, next: body.has_more ? `/v1/keyset/contacts?limit=10&since=${last.updated_at}&since_id=${last.id}` : undefined };
    });
    expect(ids(got)).toEqual([...tied].sort());
  });

  it('ServiceNow keyset pages through them at second precision', async () => {
    const T = snowTime(at.toISOString());
    const got = await walk<string>(`sys_updated_on>=${T}`, async (q) => {
      const { body } = await get(sb, `/v1/snow/contacts?sysparm_limit=7&sysparm_query=${encodeURIComponent(`${q}^ORDERBYsys_updated_on^ORDERBYsys_id`)}`);
      const last = body.result.at(-1);
      return { records: body.result, next: last && `sys_updated_on>${last.sys_updated_on}^NQsys_updated_on=${last.sys_updated_on}^sys_id>${last.sys_id}` };
    });
    expect(ids(got)).toEqual([...tied].sort());
  });

  it('POST search deadlocks on GTE + one sort, and escapes with an (updated_at EQ, id GT) group', async () => {
    const T = String(at.getTime());
    const naive = (value: string) => post(sb, '/v1/search/contacts', { filterGroups: [{ filters: [{ propertyName: 'updated_at', operator: 'GTE', value }] }], sorts: ['updated_at'], limit: 10 });
    const page1 = (await naive(T)).body;
    expect(page1.total).toBe(30);
    const cursor = String(Date.parse(page1.results.at(-1).updated_at));
    const page2 = (await naive(cursor)).body;
    expect(ids(page2.results)).toEqual(ids(page1.results)); // the deadlock: same page forever

    const seen = await walk<string>('', async (lastId) => {
      const { body } = await post(sb, '/v1/search/contacts', {
        filterGroups: [{ filters: [{ propertyName: 'updated_at', operator: 'EQ', value: T }, { propertyName: 'id', operator: 'GT', value: lastId }] }],
        sorts: ['id'],
        limit: 10,
      });
      return { records: body.results, next: body.results.length === 10 ? body.results.at(-1).id : undefined };
    });
    expect(ids(seen)).toEqual([...tied].sort());
    const beyond = (await post(sb, '/v1/search/contacts', { filterGroups: [{ filters: [{ propertyName: 'updated_at', operator: 'GT', value: T }] }], sorts: ['updated_at'] })).body;
    expect(beyond.total).toBe(0);
  });
});

describe('POST search details', () => {
  it('OR-s filter groups and AND-s filters', async () => {
    const truth = sb.source.list('contacts');
    const { body } = await post(sb, '/v1/search/contacts', {
      filterGroups: [{ filters: [{ propertyName: 'stage', operator: 'EQ', value: 'Lead' }] }, { filters: [{ propertyName: 'stage', operator: 'EQ', value: 'Churned' }, { propertyName: 'active', operator: 'EQ', value: 'true' }] }],
      limit: 100,
    });
    const expected = truth.filter((c) => c.stage === 'Lead' || (c.stage === 'Churned' && c.active === true));
    expect(body.total).toBe(expected.length);
    expect(ids(body.results)).toEqual(ids(expected));
  });

  it('caps `after` below 10,000 like HubSpot, and validates operators', async () => {
    expect((await post(sb, '/v1/search/contacts', { after: '9990' })).status).toBe(200);
    const capped = await post(sb, '/v1/search/contacts', { after: '10000' });
    expect(capped.status).toBe(400);
    expect(capped.body.category).toBe('VALIDATION_ERROR');
    expect((await post(sb, '/v1/search/contacts', { filterGroups: [{ filters: [{ propertyName: 'id', operator: 'LIKE', value: 'x' }] }] })).status).toBe(400);
  });
});

describe('query-language errors', () => {
  it('ServiceNow reads an empty keyset cursor as "from the beginning"', async () => {
    const q = 'sys_updated_on>^NQsys_updated_on=^sys_id>^ORDERBYsys_updated_on^ORDERBYsys_id';
    const { status, headers } = await get(sb, `/v1/snow/contacts?sysparm_limit=5&sysparm_query=${encodeURIComponent(q)}`);
    expect(status).toBe(200);
    expect(headers.get('x-total-count')).toBe('100');
  });

  it('ServiceNow rejects unknown fields and bad timestamps with its own error body', async () => {
    const unknown = await get(sb, `/v1/snow/contacts?sysparm_query=${encodeURIComponent('nosuch=1')}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.status).toBe('failure');
    expect((await get(sb, `/v1/snow/contacts?sysparm_query=${encodeURIComponent('sys_updated_on>2024-01-01T00:00:00Z')}`)).status).toBe(400);
  });

  it('GraphQL answers an error body when the query is not about contacts, and honours updatedSince', async () => {
    const wrong = await post(sb, '/graphql', { query: '{ companies { id } }' });
    expect(wrong.status).toBe(200);
    expect(wrong.body.errors[0].message).toMatch(/contacts/);
    const since = '2030-01-01T00:00:00.000Z';
    const { body } = await post(sb, '/graphql', { query: '{ contacts { edges { node { id } } } }', variables: { first: 100, updatedSince: since } });
    expect(body.data.contacts.edges).toHaveLength(30);
  });
});
