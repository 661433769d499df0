import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { collection, ids, walk } from './walk.js';

const serve = useServers();

/** `?page=N&per_page=M` over `all`, pages counted from `first`. */
function pagedApi(all: { id: number }[], first = 1, extra: (page: number, perPage: number) => object = () => ({})) {
  return serve((req, res) => {
    const page = Number(req.query.get('page') ?? first);
    const perPage = Number(req.query.get('per_page') ?? 3);
    const index = page - first;
    sendJson(res, 200, { items: all.slice(index * perPage, (index + 1) * perPage), ...extra(page, perPage) });
  });
}

describe('pageNumber pagination', () => {
  test('stops on the empty page by default', async () => {
    const server = await pagedApi(collection(7));
    const result = await walk({
      server,
      spec: { type: 'pageNumber', pageSize: { value: 3, param: 'per_page' } },
      path: '/items',
      records: '$.items[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6], [7], []]);
    expect(result.reason).toBe('emptyPage');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/items?per_page=3&page=1',
      '/items?per_page=3&page=2',
      '/items?per_page=3&page=3',
      '/items?per_page=3&page=4',
    ]);
    expect(result.positions.map((p) => p.at)).toEqual([1, 2, 3, 4]);
  });

  test('stops at the total page count, without requesting past it', async () => {
    const server = await pagedApi(collection(6), 1, (_page, perPage) => ({ total_pages: Math.ceil(6 / perPage) }));
    const result = await walk({
      server,
      spec: { type: 'pageNumber', pageSize: { value: 3, param: 'per_page' }, stop: { total: '$.total_pages' } },
      path: '/items',
      records: '$.items[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(result.reason).toBe('total');
  });

  test('pages counted from 0, a custom parameter, the total as text', async () => {
    const server = await serve((req, res) => {
      const p = Number(req.query.get('p'));
      sendJson(res, 200, { items: collection(5).slice(p * 2, p * 2 + 2), pages: '3' });
    });
    const result = await walk({
      server,
      spec: { type: 'pageNumber', param: 'p', start: 0, pageSize: 2, stop: { total: '$.pages' } },
      path: '/items',
      records: '$.items[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5]]);
    expect(result.requests.map((r) => r.url)).toEqual(['/items?p=0', '/items?p=1', '/items?p=2']);
  });

  test('stops on a short page', async () => {
    const server = await pagedApi(collection(7));
    const result = await walk({
      server,
      spec: { type: 'pageNumber', pageSize: { value: 3, param: 'per_page' }, stop: { shortPage: true } },
      path: '/items',
      records: '$.items[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(result.reason).toBe('shortPage');
  });

  test('an API that ignores the page parameter is caught on the first repeat', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { items: collection(3) }));
    await expect(
      walk({ server, spec: { type: 'pageNumber', param: 'pg' }, path: '/items', records: '$.items[*]' }),
    ).rejects.toThrow(
      `GET ${server.url}/items?pg=2: this page has the same records as the page before it; the API's pagination is not ` +
        'advancing (does it read the page number where the spec sends it?)',
    );
    expect(server.requests).toHaveLength(2);
  });
});
