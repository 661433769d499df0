import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { collection, ids, walk } from './walk.js';

const serve = useServers();

describe('linkHeader pagination', () => {
  test('GitHub: rel="next" until the last page, per_page from pageSize', async () => {
    const all = collection(5);
    const server = await serve((req, res) => {
      const page = Number(req.query.get('page') ?? 1);
      const perPage = Number(req.query.get('per_page'));
      const base = `http://${req.headers.host}/repos/o/r/issues`;
      const lastPage = Math.ceil(all.length / perPage);
      const links = [
        ...(page < lastPage ? [`<${base}?per_page=${perPage}&page=${page + 1}>; rel="next"`] : []),
        `<${base}?per_page=${perPage}&page=${lastPage}>; rel="last"`,
      ];
      sendJson(res, 200, all.slice((page - 1) * perPage, page * perPage), { link: links.join(', ') });
    });
    const result = await walk({
      server,
      spec: { type: 'linkHeader', pageSize: { value: 2, param: 'per_page' } },
      path: '/repos/o/r/issues',
      query: { state: 'all' },
    });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5]]);
    expect(result.reason).toBe('missingToken');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/repos/o/r/issues?state=all&per_page=2',
      '/repos/o/r/issues?per_page=2&page=2',
      '/repos/o/r/issues?per_page=2&page=3',
    ]);
  });

  test('a configurable rel, and relative targets resolved against the URL that answered', async () => {
    const server = await serve((req, res) => {
      const n = Number(req.query.get('n') ?? 1);
      const link = n < 3 ? `<?n=${n + 1}>; rel="forward", </elsewhere>; rel="next"` : '</elsewhere>; rel="next"';
      sendJson(res, 200, [{ id: n }], { link });
    });
    const result = await walk({ server, spec: { type: 'linkHeader', rel: 'forward' }, path: '/api/feed' });
    expect(ids(result.pages)).toEqual([[1], [2], [3]]);
    expect(result.requests.map((r) => r.url)).toEqual(['/api/feed', '/api/feed?n=2', '/api/feed?n=3']);
  });

  test('a Link header pointing at the current page is an error', async () => {
    const server = await serve((req, res) => sendJson(res, 200, [{ id: 1 }], { link: `<http://${req.headers.host}${req.url}>; rel="next"` }));
    await expect(walk({ server, spec: { type: 'linkHeader' }, path: '/items', query: { page: '1' } })).rejects.toThrow(
      `GET ${server.url}/items?page=1: the next page URL '${server.url}/items?page=1' is the same as the current one`,
    );
  });
});
