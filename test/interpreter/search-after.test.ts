/**
 * `paginate: { type: searchAfter }` through `syncspec run` against a loopback `_search` shaped like
 * Elasticsearch's: the last hit's `sort` array goes back as `search_after` in the JSON body, a position
 * survives a failed run in the checkpoint (as JSON, its number still a number), and the walk ends on an
 * empty page.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers, type ReceivedRequest } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

/** Ten hits sorted by (ts, id), ts tied in threes. */
const HITS = Array.from({ length: 10 }, (_, i) => {
  const id = `d${String(i + 1).padStart(2, '0')}`;
  return { _index: 'items', _id: id, _source: { name: `Item ${id}` }, sort: [1_700_000_000_000 + Math.floor(i / 3) * 1000, id] as [number, string] };
});

function searchPage(request: ReceivedRequest): unknown {
  const body = JSON.parse(request.body) as { size: number; search_after?: [number, string] };
  const [ts, id] = body.search_after ?? [-1, ''];
  const hits = HITS.filter((hit) => hit.sort[0] > ts || (hit.sort[0] === ts && hit.sort[1] > id)).slice(0, body.size);
  return { took: 1, timed_out: false, hits: { total: { value: HITS.length, relation: 'eq' }, hits } };
}

const SYNC = {
  request: { method: 'POST', path: '/items/_search', body: { query: { match_all: {} }, sort: [{ ts: 'asc' }, { id: 'asc' }] } },
  records: '$.hits.hits[*]',
  map: { Name: '$._source.name', ID: '$._id' },
  paginate: { type: 'searchAfter', pageSize: { value: 4, param: { in: 'body', name: 'size' } } },
};

const afterOf = (requests: ReceivedRequest[]) => requests.map((request) => (JSON.parse(request.body) as { search_after?: unknown }).search_after ?? null);

describe('searchAfter through syncspec run', () => {
  test('pages by the sort values of the last hit and ends on the empty page', async () => {
    const api = await serve((req, res) => sendJson(res, 200, searchPage(req)));
    const { config, cli } = apiProject(api.url, itemsSpec({}, SYNC));
    expect((await cli('validate', config)).code).toBe(0);
    const result = await cli('run', config, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)[0]).toMatchObject({ status: 'completed', upserted: 10, requests: 4 });
    expect(afterOf(api.requests)).toEqual([null, [1_700_000_001_000, 'd04'], [1_700_000_002_000, 'd08'], [1_700_000_003_000, 'd10']]);
    expect(JSON.parse(api.requests[1].body)).toEqual({ query: { match_all: {} }, sort: [{ ts: 'asc' }, { id: 'asc' }], size: 4, search_after: [1_700_000_001_000, 'd04'] });
  });

  test('a failed run resumes from the checkpointed sort values', async () => {
    let failed = false;
    const api = await serve((req, res) => {
      if (!failed && (afterOf([req])[0] as unknown[] | null)?.[1] === 'd08') {
        failed = true;
        return sendJson(res, 404, { error: 'gone for now' });
      }
      sendJson(res, 200, searchPage(req));
    });
    const { config, cli } = apiProject(api.url, itemsSpec({}, SYNC));
    const first = await cli('run', config, '--json');
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)[0]).toMatchObject({ status: 'failed', upserted: 8 });
    const second = await cli('run', config, '--json');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)[0]).toMatchObject({ status: 'completed', upserted: 2 });
    // The resumed run starts at the position the first one could not fetch, its number still a number.
    expect(afterOf(api.requests).slice(3)).toEqual([[1_700_000_002_000, 'd08'], [1_700_000_003_000, 'd10']]);
  });
});
