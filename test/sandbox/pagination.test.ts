/**
 * Every pagination family walks all contacts exactly once and agrees with `source.list`, in the order
 * the family promises. Page size 7 makes many pages and splits the seeded tie groups across pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { get, ids, post, snowTime, sortedByKey, walk } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 11, counts: { contacts: 120 } });
});
afterAll(() => sb.close());

const N = 7;
type Walker = (sb: Sandbox) => Promise<any[]>;

const styles: Array<{ name: string; order: 'id' | 'updated' | 'snow'; walk: Walker }> = [
  {
    name: 'Stripe starting_after + has_more',
    order: 'id',
    walk: (sb) =>
      walk<string>(`/v1/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        expect(body.object).toBe('list');
        return { records: body.data, next: body.has_more ? `/v1/contacts?limit=${N}&starting_after=${body.data.at(-1).id}` : undefined };
      }),
  },
  {
    name: 'HubSpot paging.next.after',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/crm/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        const after = body.paging?.next?.after;
        return { records: body.results, next: after ? `/v1/crm/contacts?limit=${N}&after=${after}` : undefined };
      }),
  },
  {
    name: 'X-Next-Cursor header',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/header/contacts?limit=${N}`, async (path) => {
        const res = await get(sb, path);
        expect(Array.isArray(res.body)).toBe(true);
        const cursor = res.headers.get('x-next-cursor');
        return { records: res.body, next: cursor ? `/v1/header/contacts?limit=${N}&cursor=${cursor}` : undefined };
      }),
  },
  {
    name: 'Salesforce nextRecordsUrl (relative)',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/sf/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        expect(body.totalSize).toBe(120);
        expect(body.done).toBe(body.nextRecordsUrl === undefined);
        return { records: body.records, next: body.nextRecordsUrl };
      }),
  },
  {
    name: 'Graph @odata.nextLink (absolute)',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/graph/contacts?$top=${N}`, async (path) => {
        const { body } = await get(sb, path);
        const next = body['@odata.nextLink'];
        if (next) expect(next.startsWith(sb.url)).toBe(true);
        return { records: body.value, next };
      }),
  },
  {
    name: 'GitHub Link rel="next"',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/gh/contacts?per_page=${N}`, async (path) => {
        const res = await get(sb, path);
        expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
        const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
        return { records: res.body, next };
      }),
  },
  {
    name: 'page number + total_pages',
    order: 'updated',
    walk: (sb) =>
      walk<number>(1, async (page) => {
        const { body } = await get(sb, `/v1/paged/contacts?page=${page}&per_page=${N}`);
        return { records: body.items, next: page < body.total_pages ? page + 1 : undefined };
      }),
  },
  {
    name: 'Jira startAt/maxResults/total',
    order: 'updated',
    walk: (sb) =>
      walk<number>(0, async (startAt) => {
        const { body } = await get(sb, `/v1/jira/contacts?startAt=${startAt}&maxResults=${N}`);
        const next = startAt + body.maxResults;
        return { records: body.values, next: next < body.total ? next : undefined };
      }),
  },
  {
    name: 'keyset since/since_id',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/keyset/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        const last = body.data.at(-1);
        const next = last && `/v1/keyset/contacts?limit=${N}&since=${encodeURIComponent(last.updated_at)}&since_id=${last.id}`;
        return { records: body.data, next: body.data.length === N ? next : undefined };
      }),
  },
  {
    name: 'ServiceNow sysparm_query keyset (stops on an empty page)',
    order: 'snow',
    walk: (sb) =>
      walk<string>('', async (query) => {
        const q = `${query}${query ? '^' : ''}ORDERBYsys_updated_on^ORDERBYsys_id`;
        const { body } = await get(sb, `/v1/snow/contacts?sysparm_limit=${N}&sysparm_query=${encodeURIComponent(q)}`);
        const last = body.result.at(-1);
        const next = last && `sys_updated_on>${last.sys_updated_on}^NQsys_updated_on=${last.sys_updated_on}^sys_id>${last.sys_id}`;
        return { records: body.result, next };
      }),
  },
  {
    name: 'GraphQL Relay connection',
    order: 'updated',
    walk: (sb) =>
      walk<string | null>(null, async (after) => {
        const { body } = await post(sb, '/graphql', { query: 'query($first:Int,$after:String){ contacts(first:$first, after:$after){ edges{cursor node{id}} pageInfo{endCursor hasNextPage} } }', variables: { first: N, after } });
        const { edges, pageInfo } = body.data.contacts;
        return { records: edges.map((e: any) => e.node), next: pageInfo.hasNextPage ? pageInfo.endCursor : undefined };
      }),
  },
  {
    name: 'HubSpot POST search (offset after)',
    order: 'updated',
    walk: (sb) =>
      walk<string | undefined>('0', async (after) => {
        const { body } = await post(sb, '/v1/search/contacts', { filterGroups: [], sorts: ['updated_at', 'id'], after, limit: N });
        expect(body.total).toBe(120);
        return { records: body.results, next: body.paging?.next?.after };
      }),
  },
  {
    name: 'marked feed (cursor, no deletions yet)',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/marked/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        return { records: body.data, next: body.next_cursor ? `/v1/marked/contacts?limit=${N}&cursor=${body.next_cursor}` : undefined };
      }),
  },
  {
    name: 'sync feed next_since',
    order: 'updated',
    walk: (sb) =>
      walk<string>(`/v1/sync/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        expect(body.deleted_ids).toEqual([]);
        return { records: body.items, next: body.has_more ? `/v1/sync/contacts?limit=${N}&since=${encodeURIComponent(body.next_since)}` : undefined };
      }),
  },
  {
    name: 'delta token (stops on a short page)',
    order: 'id',
    walk: (sb) =>
      walk<string>(`/v1/delta/contacts?limit=${N}`, async (path) => {
        const { body } = await get(sb, path);
        return { records: body.items, next: body.items.length === N ? `/v1/delta/contacts?limit=${N}&token=${body.deltaToken}` : undefined };
      }),
  },
];

describe('pagination families', () => {
  it.each(styles)('$name walks every contact exactly once', async ({ walk: run, order }) => {
    const truth = sb.source.list('contacts');
    const got = await run(sb);
    expect(new Set(ids(got)).size).toBe(got.length);
    expect([...ids(got)].sort()).toEqual(ids(truth));
    const snowKey = (c: { id: string; updated_at: string }) => ({ id: c.id, updated_at: snowTime(c.updated_at) });
    const expected = order === 'id' ? ids(truth) : order === 'snow' ? ids(sortedByKey(truth.map(snowKey))) : ids(sortedByKey(truth));
    expect(ids(got)).toEqual(expected);
    const byId = new Map(truth.map((c) => [c.id, c]));
    for (const r of got) expect(r).toMatchObject(byId.get(r.id)!);
  });

  it('ServiceNow rows carry sys_id and a second-precision sys_updated_on', async () => {
    const { body, headers } = await get(sb, '/v1/snow/contacts?sysparm_limit=1');
    const [row] = body.result;
    expect(row.sys_id).toBe(row.id);
    expect(row.sys_updated_on).toBe(snowTime(row.updated_at));
    expect(headers.get('x-total-count')).toBe('120');
  });

  it('clamps page sizes to 100 and rejects junk', async () => {
    const big = await get(sb, '/v1/contacts?limit=500');
    expect(big.body.data).toHaveLength(100);
    expect((await get(sb, '/v1/contacts?limit=abc')).status).toBe(400);
    expect((await get(sb, '/v1/crm/contacts?after=not-a-token')).status).toBe(400);
    expect((await get(sb, '/v1/paged/contacts?page=0')).status).toBe(400);
  });

  it('GitHub Link has next+last before the end, prev+first after page 1, and no next on the last page', async () => {
    const first = await get(sb, '/v1/gh/contacts?per_page=50');
    expect(first.headers.get('link')).toMatch(/rel="next".*rel="last"/);
    const last = await get(sb, '/v1/gh/contacts?per_page=50&page=3');
    expect(last.headers.get('link')).not.toMatch(/rel="next"/);
    expect(last.headers.get('link')).toMatch(/rel="prev"/);
    expect(last.body).toHaveLength(20);
  });

  it('Stripe-style companies list carries the company fields', async () => {
    const { body } = await get(sb, '/v1/companies?limit=100');
    expect(ids(body.data)).toEqual(ids(sb.source.list('companies')));
    expect(Object.keys(body.data[0]).sort()).toEqual(['created_at', 'domain', 'employees', 'founded', 'id', 'industry', 'name', 'updated_at', 'website']);
  });
});
