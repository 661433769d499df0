/**
 * searchAfter pagination against a loopback search API shaped like Elasticsearch's `_search`: hits sorted
 * by (ts, id), each with its `sort` array; `search_after` in the JSON body continues after those values.
 */
import { describe, expect, test } from 'vitest';
import type { Paginator } from '../../engine/spec/types.generated.js';
import { sendJson, useServers, type ReceivedRequest } from '../support/http-server.js';
import { walk } from './walk.js';

const serve = useServers();

/** Ten hits; ts ties in threes, so only (ts, id) orders them. */
const HITS = Array.from({ length: 10 }, (_, i) => {
  const id = `d${String(i + 1).padStart(2, '0')}`;
  const ts = 1_700_000_000_000 + Math.floor(i / 3) * 1000;
  return { _index: 'items', _id: id, _source: { name: `Item ${id}` }, sort: [ts, id] as [number, string] };
});

const after = (hit: (typeof HITS)[number], [ts, id]: [number, string]) => hit.sort[0] > ts || (hit.sort[0] === ts && hit.sort[1] > id);

/** `_search`: `size` hits after `search_after` (read from the body, or from the query when `from` says so). */
function searchApi(options: { ignoreSearchAfter?: boolean; noSort?: boolean; from?: 'body' | 'query' } = {}) {
  return (req: ReceivedRequest, res: Parameters<typeof sendJson>[0]) => {
    const body = JSON.parse(req.body || '{}') as { size?: number; search_after?: [number, string] };
    const position = options.from === 'query' ? JSON.parse(req.query.get('search_after') ?? 'null') : body.search_after;
    const from = position && !options.ignoreSearchAfter ? HITS.filter((hit) => after(hit, position)) : HITS;
    const hits = from.slice(0, body.size ?? 10).map((hit) => (options.noSort ? { ...hit, sort: undefined } : hit));
    sendJson(res, 200, { took: 1, timed_out: false, hits: { total: { value: HITS.length, relation: 'eq' }, max_score: null, hits } });
  };
}

const spec: Paginator = { type: 'searchAfter', pageSize: { value: 4, param: { in: 'body', name: 'size' } } };
const search = { method: 'POST' as const, path: '/items/_search', body: { sort: [{ ts: 'asc' }, { id: 'asc' }] }, records: '$.hits.hits[*]' };
const bodies = (requests: ReceivedRequest[]) => requests.map((request) => JSON.parse(request.body));
const pageIds = (pages: unknown[][]) => pages.map((page) => page.map((hit) => (hit as { _id: string })._id));

describe('searchAfter pagination', () => {
  test("sends the last hit's sort values back as JSON, ties on ts included, and ends on an empty page", async () => {
    const server = await serve(searchApi());
    const result = await walk({ server, spec, ...search });
    expect(pageIds(result.pages)).toEqual([['d01', 'd02', 'd03', 'd04'], ['d05', 'd06', 'd07', 'd08'], ['d09', 'd10'], []]);
    expect(result.reason).toBe('emptyPage');
    expect(bodies(result.requests).map((body) => body.search_after)).toEqual([
      undefined, [1_700_000_001_000, 'd04'], [1_700_000_002_000, 'd08'], [1_700_000_003_000, 'd10'],
    ]);
    expect(bodies(result.requests)[1]).toEqual({ sort: [{ ts: 'asc' }, { id: 'asc' }], size: 4, search_after: [1_700_000_001_000, 'd04'] });
  });

  test('a short page ends the walk a request earlier when the stop says so', async () => {
    const server = await serve(searchApi());
    const result = await walk({ server, spec: { ...spec, stop: { shortPage: true } } as Paginator, ...search });
    expect(pageIds(result.pages)).toEqual([['d01', 'd02', 'd03', 'd04'], ['d05', 'd06', 'd07', 'd08'], ['d09', 'd10']]);
    expect(result.reason).toBe('shortPage');
  });

  test('in a query parameter the values go as JSON text', async () => {
    const server = await serve(searchApi({ from: 'query' }));
    const result = await walk({ server, spec: { ...spec, param: 'search_after' } as Paginator, ...search });
    expect(result.pages.flat()).toHaveLength(10);
    expect(result.requests[1].query.get('search_after')).toBe('[1700000001000,"d04"]');
  });

  test('an API that ignores search_after is caught on the second page, not walked forever', async () => {
    const server = await serve(searchApi({ ignoreSearchAfter: true }));
    await expect(walk({ server, spec, ...search })).rejects.toThrow(
      `POST ${server.url}/items/_search: the next search_after position [1700000001000,"d04"] is the same as the current one; ` +
        "the API's pagination is not advancing",
    );
  });

  test('hits without sort values (a request that does not sort) fail naming the path', async () => {
    const server = await serve(searchApi({ noSort: true }));
    await expect(walk({ server, spec, ...search })).rejects.toThrow(
      `POST ${server.url}/items/_search: the page's last record has no search_after values at $.sort (object with keys _index, _id, _source); ` +
        'the request must sort',
    );
  });
});
