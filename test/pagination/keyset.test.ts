import { describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { walk } from './walk.js';

const serve = useServers();

/** Records ordered by (updated, id), with ties that straddle page boundaries. */
const records = [
  { id: 'a1', updated: '2024-01-01T00:00:00Z' },
  { id: 'a2', updated: '2024-01-01T00:00:00Z' },
  { id: 'a3', updated: '2024-01-01T00:00:00Z' },
  { id: 'a4', updated: '2024-01-01T00:00:00Z' },
  { id: 'b1', updated: '2024-01-02T00:00:00Z' },
  { id: 'c1', updated: '2024-01-03T00:00:00Z' },
  { id: 'c2', updated: '2024-01-03T00:00:00Z' },
  { id: 'd1', updated: '2024-01-04T00:00:00Z' },
];

/** `WHERE updated > :t OR (updated = :t AND id > :id) ORDER BY updated, id LIMIT :n` */
function keysetApi(data: typeof records, options: { ignoreCursor?: boolean } = {}) {
  return serve((req, res) => {
    const since = Date.parse(req.query.get('since') ?? '1970-01-01T00:00:00Z');
    const afterId = req.query.get('after_id') ?? '';
    const limit = Number(req.query.get('limit'));
    const page = data
      .filter((r) => {
        const t = Date.parse(r.updated);
        return options.ignoreCursor || t > since || (t === since && r.id > afterId);
      })
      .slice(0, limit);
    sendJson(res, 200, { records: page });
  });
}

const spec = { type: 'keyset' as const, field: '$.updated', idField: '$.id', pageSize: 3 };
const query = { since: '{{iso cursor.value}}', after_id: '{{cursor.id}}', limit: '{{page.size}}' };

describe('keyset pagination', () => {
  test('walks (timestamp, id) through ties, stopping on the short page', async () => {
    const server = await keysetApi(records);
    const result = await walk({
      server,
      spec,
      path: '/items',
      query,
      records: '$.records[*]',
      initialCursor: { value: '1970-01-01T00:00:00Z', id: null },
    });
    expect(result.pages.map((page) => page.map((r) => (r as { id: string }).id))).toEqual([
      ['a1', 'a2', 'a3'],
      ['a4', 'b1', 'c1'],
      ['c2', 'd1'],
    ]);
    expect(result.reason).toBe('shortPage');
    expect(result.requests.map((r) => r.url)).toEqual([
      '/items?since=1970-01-01T00%3A00%3A00.000Z&limit=3',
      '/items?since=2024-01-01T00%3A00%3A00.000Z&after_id=a3&limit=3',
      '/items?since=2024-01-03T00%3A00%3A00.000Z&after_id=c1&limit=3',
    ]);
    expect(result.positions.map((p) => p.at)).toEqual([
      null,
      { value: '2024-01-01T00:00:00Z', id: 'a3' },
      { value: '2024-01-03T00:00:00Z', id: 'c1' },
    ]);
  });

  test('stops on the empty page when the last page is full', async () => {
    const server = await keysetApi(records.slice(0, 6));
    const result = await walk({ server, spec, path: '/items', query, records: '$.records[*]' });
    expect(result.pages.map((page) => page.length)).toEqual([3, 3, 0]);
    expect(result.reason).toBe('emptyPage');
  });

  test('an API that ignores the keyset is caught', async () => {
    const server = await keysetApi(records, { ignoreCursor: true });
    await expect(walk({ server, spec, path: '/items', query, records: '$.records[*]' })).rejects.toThrow(
      `GET ${server.url}/items?since=2024-01-01T00%3A00%3A00.000Z&after_id=a3&limit=3: the next keyset position ` +
        `{"value":"2024-01-01T00:00:00Z","id":"a3"} is the same as the current one; the API's pagination is not advancing`,
    );
  });

  test('a keyset field missing from the last record is an error', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { records: [{ id: 'x', modified: 'y' }, { id: 'z' }, { id: 'w' }] }));
    await expect(walk({ server, spec, path: '/items', query, records: '$.records[*]' })).rejects.toThrow(
      `GET ${server.url}/items?limit=3: keyset field $.updated found nothing in the page's last record (object with keys id)`,
    );
  });
});
