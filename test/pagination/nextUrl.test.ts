import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { collection, ids, walk } from './walk.js';

const serve = useServers();

describe('nextUrl pagination', () => {
  /** Salesforce: nextRecordsUrl is a path from the host root that repeats the base URL's prefix. */
  async function salesforce(all: { id: number }[], doneLies: boolean) {
    return serve((req, res) => {
      const start = req.path === '/services/data/v58.0/query' ? 0 : Number(req.path.split('-').pop());
      const records = all.slice(start, start + 3);
      const last = start + 3 >= all.length;
      sendJson(res, 200, {
        totalSize: all.length,
        done: doneLies ? false : last,
        records,
        ...(last ? {} : { nextRecordsUrl: `/services/data/v58.0/query/01gD0000002HU6KIAW-${start + 3}` }),
      });
    });
  }

  test('Salesforce: done flag, path-absolute next URLs under the base prefix', async () => {
    const server = await salesforce(collection(7), false);
    const result = await walk({
      server,
      baseUrl: `${server.url}/services/data/v58.0`,
      spec: { type: 'nextUrl', path: '$.nextRecordsUrl', pageSize: 3, stop: { done: '$.done', shortPage: true } },
      path: '/query',
      query: { q: 'SELECT Id FROM Contact' },
      records: '$.records[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(result.reason).toBe('done');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/services/data/v58.0/query?q=SELECT+Id+FROM+Contact',
      '/services/data/v58.0/query/01gD0000002HU6KIAW-3',
      '/services/data/v58.0/query/01gD0000002HU6KIAW-6',
    ]);
  });

  test('Salesforce: a done flag that lies is caught by the short page', async () => {
    const server = await salesforce(collection(7), true);
    const result = await walk({
      server,
      baseUrl: `${server.url}/services/data/v58.0`,
      spec: { type: 'nextUrl', path: '$.nextRecordsUrl', pageSize: 3, stop: { done: '$.done', shortPage: true } },
      path: '/query',
      records: '$.records[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(result.reason).toBe('shortPage');
  });

  test('Microsoft Graph: absolute @odata.nextLink, missing on the last page', async () => {
    const all = collection(5);
    const server = await serve((req, res) => {
      const skip = Number(req.query.get('$skiptoken') ?? 0);
      const top = Number(req.query.get('$top'));
      const more = skip + top < all.length;
      const host = `http://${req.headers.host}`;
      sendJson(res, 200, {
        value: all.slice(skip, skip + top),
        ...(more ? { '@odata.nextLink': `${host}/v1.0/users?$top=${top}&$skiptoken=${skip + top}` } : {}),
      });
    });
    const result = await walk({
      server,
      spec: { type: 'nextUrl', path: "$['@odata.nextLink']", pageSize: { value: 2, param: '$top' } },
      path: '/v1.0/users',
      records: '$.value[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5]]);
    expect(result.reason).toBe('missingToken');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/v1.0/users?%24top=2',
      '/v1.0/users?$top=2&$skiptoken=2',
      '/v1.0/users?$top=2&$skiptoken=4',
    ]);
  });

  test('relative next URLs: a path joins the base URL, a query-only URL replaces the current query', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/api/items') return sendJson(res, 200, { items: [{ id: 1 }], next: 'items?page=2' });
      if (req.url === '/api/items?page=2') return sendJson(res, 200, { items: [{ id: 2 }], next: '?page=3' });
      return sendJson(res, 200, { items: [{ id: 3 }], next: null });
    });
    const result = await walk({
      server,
      baseUrl: `${server.url}/api`,
      spec: { type: 'nextUrl', path: '$.next' },
      path: '/items',
      records: '$.items[*]',
    });
    expect(ids(result.pages)).toEqual([[1], [2], [3]]);
    expect(result.requests.map((r) => r.url)).toEqual(['/api/items', '/api/items?page=2', '/api/items?page=3']);
  });

  test('a next URL equal to the current URL is an error', async () => {
    const server = await serve((req, res) =>
      sendJson(res, 200, { items: [{ id: 1 }], next: `http://${req.headers.host}/items?since=2024` }),
    );
    await expect(
      walk({ server, spec: { type: 'nextUrl', path: '$.next' }, path: '/items', query: { since: '2024' }, records: '$.items[*]' }),
    ).rejects.toThrow(
      `GET ${server.url}/items?since=2024: the next page URL '${server.url}/items?since=2024' is the same as the current one; ` +
        "the API's pagination is not advancing",
    );
    expect(server.requests).toHaveLength(1);
  });

  test('a next URL that comes back on a later page is an error too', async () => {
    const server = await serve((req, res) =>
      sendJson(res, 200, { items: [{ id: req.url }], next: '/items/page-2' }),
    );
    await expect(walk({ server, spec: { type: 'nextUrl', path: '$.next' }, path: '/items', records: '$.items[*]' })).rejects.toThrow(
      `GET ${server.url}/items/page-2: the next page URL '${server.url}/items/page-2' is the same as the current one`,
    );
    expect(server.requests).toHaveLength(2);
  });
});
