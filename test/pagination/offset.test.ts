import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { collection, ids, walk } from './walk.js';

const serve = useServers();

describe('offset pagination', () => {
  test('Jira: startAt / maxResults, stopping at total without an extra request', async () => {
    const all = collection(7);
    const server = await serve((req, res) => {
      const startAt = Number(req.query.get('startAt'));
      const maxResults = Number(req.query.get('maxResults'));
      sendJson(res, 200, { startAt, maxResults, total: all.length, issues: all.slice(startAt, startAt + maxResults) });
    });
    const result = await walk({
      server,
      spec: { type: 'offset', param: 'startAt', pageSize: { value: 3, param: 'maxResults' }, stop: { total: '$.total' } },
      path: '/rest/api/3/search',
      query: { jql: 'project = X' },
      records: '$.issues[*]',
    });
    expect(ids(result.pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(result.reason).toBe('total');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/rest/api/3/search?jql=project+%3D+X&maxResults=3&startAt=0',
      '/rest/api/3/search?jql=project+%3D+X&maxResults=3&startAt=3',
      '/rest/api/3/search?jql=project+%3D+X&maxResults=3&startAt=6',
    ]);
  });

  test('stops on the empty page by default; advances by the records received when the API caps the size', async () => {
    const all = collection(5);
    const server = await serve((req, res) => {
      const offset = Number(req.query.get('offset'));
      const limit = Math.min(2, Number(req.query.get('limit'))); // asks for 10, gets 2
      sendJson(res, 200, all.slice(offset, offset + limit));
    });
    const result = await walk({ server, spec: { type: 'offset', pageSize: { value: 10, param: 'limit' } }, path: '/items' });
    expect(ids(result.pages)).toEqual([[1, 2], [3, 4], [5], []]);
    expect(result.reason).toBe('emptyPage');
    expect(result.requests.map((r) => r.query.get('offset'))).toEqual(['0', '2', '4', '5']);
  });

  test('an empty page before the announced total is an offset that does not advance', async () => {
    const server = await serve((req, res) => {
      const offset = Number(req.query.get('offset'));
      sendJson(res, 200, { total: 10, items: offset === 0 ? collection(3) : [] });
    });
    await expect(
      walk({ server, spec: { type: 'offset', pageSize: 3, stop: { total: '$.total' } }, path: '/items', records: '$.items[*]' }),
    ).rejects.toThrow(
      `GET ${server.url}/items?offset=3: the next offset 3 is the same as the current one; the API's pagination is not advancing`,
    );
  });
});
