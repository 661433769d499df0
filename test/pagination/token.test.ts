import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { collection, ids, walk } from './walk.js';

const serve = useServers();

describe('token pagination', () => {
  test('token from the body, absent on the last page (HubSpot paging.next.after)', async () => {
    const all = collection(7);
    const server = await serve((req, res) => {
      const start = Number(req.query.get('after') ?? 0);
      const limit = Number(req.query.get('limit'));
      const results = all.slice(start, start + limit);
      const more = start + limit < all.length;
      sendJson(res, 200, { results, ...(more ? { paging: { next: { after: String(start + limit) } } } : {}) });
    });
    const result = await walk({
      server,
      spec: { type: 'token', token: { path: '$.paging.next.after' }, param: 'after', pageSize: { value: 3, param: 'limit' } },
      path: '/crm/v3/objects/contacts',
      records: '$.results[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(result.reason).toBe('missingToken');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/crm/v3/objects/contacts?limit=3',
      '/crm/v3/objects/contacts?limit=3&after=3',
      '/crm/v3/objects/contacts?limit=3&after=6',
    ]);
  });

  test("the last record's id with a has_more flag (Stripe starting_after)", async () => {
    const all = 'abcdefg'.split('').map((id) => ({ id }));
    const server = await serve((req, res) => {
      const after = req.query.get('starting_after');
      const start = after ? all.findIndex((r) => r.id === after) + 1 : 0;
      const data = all.slice(start, start + 3);
      sendJson(res, 200, { object: 'list', data, has_more: start + 3 < all.length });
    });
    const result = await walk({
      server,
      spec: { type: 'token', token: { lastRecord: '$.id' }, param: 'starting_after', pageSize: 3, stop: { hasMore: '$.has_more' } },
      path: '/v1/customers',
      query: { limit: '{{page.size}}' },
      records: '$.data[*]',
    });
    expect(ids(result.pages)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(result.reason).toBe('hasMore');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/v1/customers?limit=3',
      '/v1/customers?limit=3&starting_after=c',
      '/v1/customers?limit=3&starting_after=f',
    ]);
  });

  test('token from a response header, sent in a request header', async () => {
    const all = collection(5);
    const server = await serve((req, res) => {
      const start = Number(req.headers['x-cursor'] ?? 0);
      const next: Record<string, string> = start + 2 < all.length ? { 'x-next-cursor': String(start + 2) } : {};
      sendJson(res, 200, all.slice(start, start + 2), next);
    });
    const result = await walk({
      server,
      spec: { type: 'token', token: { header: 'X-Next-Cursor' }, param: { in: 'header', name: 'X-Cursor' } },
      path: '/items',
    });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5]]);
    expect(result.requests.map((r) => r.headers['x-cursor'])).toEqual([undefined, '2', '4']);
  });

  test('token in a POST body, beside templated search filters (HubSpot search)', async () => {
    const all = collection(5);
    const server = await serve((req, res) => {
      const body = JSON.parse(req.body) as { after?: number; limit: number };
      const start = body.after ?? 0;
      const more = start + body.limit < all.length;
      sendJson(res, 200, { results: all.slice(start, start + body.limit), ...(more ? { paging: { next: { after: start + body.limit } } } : {}) });
    });
    const result = await walk({
      server,
      spec: { type: 'token', token: { path: '$.paging.next.after' }, param: { in: 'body', name: 'after' }, pageSize: 2 },
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      body: { limit: '{{page.size}}', filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }] },
      records: '$.results[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5]]);
    expect(result.requests.map((r) => JSON.parse(r.body))).toEqual([
      { limit: 2, filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }] },
      { limit: 2, filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }], after: 2 },
      { limit: 2, filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }], after: 4 },
    ]);
  });

  test('a repeated token is an error, not an endless loop', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { results: [{ id: 1 }], next: 'abc' }));
    await expect(
      walk({ server, spec: { type: 'token', token: { path: '$.next' }, param: 'cursor' }, path: '/contacts', records: '$.results[*]' }),
    ).rejects.toThrow(
      `GET ${server.url}/contacts?cursor=abc: the next page token 'abc' is the same as the current one; ` +
        "the API's pagination is not advancing",
    );
    expect(server.requests).toHaveLength(2);
  });

  test('has_more without a token is an error: the spec does not fit the API', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { data: [{ id: 1 }], has_more: true }));
    await expect(
      walk({
        server,
        spec: { type: 'token', token: { path: '$.next_cursor' }, param: 'cursor', stop: { hasMore: '$.has_more' } },
        path: '/items',
        records: '$.data[*]',
      }),
    ).rejects.toThrow(
      `GET ${server.url}/items: no next page token in the response, yet no stop condition holds (hasMore); ` +
        "the spec's pagination does not fit this API",
    );
  });

  test('a token that is an object is an error naming its path', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { data: [{ id: 1 }], paging: { next: { after: 'x' } } }));
    await expect(
      walk({ server, spec: { type: 'token', token: { path: '$.paging.next' }, param: 'after' }, path: '/items', records: '$.data[*]' }),
    ).rejects.toThrow(`GET ${server.url}/items: the page token at $.paging.next is not a string or number (got object with keys after)`);
  });
});
