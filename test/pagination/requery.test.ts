import { describe, expect, test } from 'vitest';
import { compilePaginator as compileModel } from '../../engine/pagination/paginate.js';
import { paginatorModel } from '../support/model.js';
import type { Paginator } from '../../engine/spec/types.generated.js';
import { sendJson, useServers } from '../support/http-server.js';
import { ids, walk } from './walk.js';

const serve = useServers();
const compilePaginator = (spec: Paginator, baseUrl: string) => compileModel(paginatorModel(spec), baseUrl);

/** Ordered by `updated`; T1 and T3 are shared by more records than a page of 3 holds. */
const records = [
  { id: 'a1', updated: 'T1' },
  { id: 'a2', updated: 'T1' },
  { id: 'a3', updated: 'T1' },
  { id: 'a4', updated: 'T1' },
  { id: 'b1', updated: 'T2' },
  { id: 'c1', updated: 'T3' },
  { id: 'c2', updated: 'T3' },
  { id: 'c3', updated: 'T3' },
  { id: 'c4', updated: 'T3' },
  { id: 'c5', updated: 'T3' },
  { id: 'd1', updated: 'T4' },
];

/**
 * A search API sorting by one field, with an order of its own inside a tied value (here: ids
 * descending), so the only way through a tie is to ask for it alone, by id.
 * `?after=T` → updated > T; `?tie=true&value=T&after_id=X` → updated = T and id > X, by id.
 */
function searchApi(options: { ignoreTie?: boolean } = {}) {
  return serve((req, res) => {
    const limit = Number(req.query.get('limit'));
    const tie = req.query.get('tie') === 'true' && !options.ignoreTie;
    const value = req.query.get('value') ?? '';
    const page = tie
      ? records.filter((r) => r.updated === value && r.id > (req.query.get('after_id') ?? '')).sort((a, b) => a.id.localeCompare(b.id))
      : records.filter((r) => r.updated > value).sort((a, b) => a.updated.localeCompare(b.updated) || b.id.localeCompare(a.id));
    sendJson(res, 200, { results: page.slice(0, limit) });
  });
}

const spec = { type: 'requery' as const, field: '$.updated', idField: '$.id', pageSize: { value: 3, param: 'limit' } };
const query = { value: '{{cursor.value}}', tie: '{{cursor.tie}}', after_id: '{{cursor.id}}' };

describe('requery pagination', () => {
  test('pages through every tied value by id, then continues after it: nothing skipped, no stall', async () => {
    const server = await searchApi();
    const result = await walk({ server, spec, path: '/search', query, records: '$.results[*]' });
    expect(ids(result.pages)).toEqual([
      ['a4', 'a3', 'a2'], // full: the API's own order inside T1
      ['a1', 'a2', 'a3'], // T1 alone, from its first id
      ['a4'], // short: T1 is done
      ['b1', 'c5', 'c4'], // after T1; full again, ending in T3
      ['c1', 'c2', 'c3'],
      ['c4', 'c5'],
      ['d1'], // after T3; short outside a tie: the end
    ]);
    expect(new Set(ids(result.pages).flat())).toEqual(new Set(records.map((record) => record.id)));
    expect(result.reason).toBe('missingToken');
    expect(result.positions.map((position) => position.at)).toEqual([
      null,
      { value: 'T1', id: null, tie: true },
      { value: 'T1', id: 'a3', tie: true },
      { value: 'T1', id: null, tie: false },
      { value: 'T3', id: null, tie: true },
      { value: 'T3', id: 'c3', tie: true },
      { value: 'T3', id: null, tie: false },
    ]);
    expect(result.requests.map((request) => request.url)).toEqual([
      '/search?limit=3',
      '/search?value=T1&tie=true&limit=3',
      '/search?value=T1&tie=true&after_id=a3&limit=3',
      '/search?value=T1&tie=false&limit=3',
      '/search?value=T3&tie=true&limit=3',
      '/search?value=T3&tie=true&after_id=c3&limit=3',
      '/search?value=T3&tie=false&limit=3',
    ]);
  });

  test('a tied value that exactly fills its pages ends on an empty tie page', async () => {
    const server = await serve((req, res) => {
      const tie = req.query.get('tie') === 'true';
      const after = req.query.get('after_id') ?? '';
      const all = [{ id: 'x1', updated: 'T' }, { id: 'x2', updated: 'T' }, { id: 'x3', updated: 'T' }];
      sendJson(res, 200, { results: tie ? all.filter((r) => r.id > after) : req.query.get('value') === 'T' ? [] : all });
    });
    const result = await walk({ server, spec, path: '/search', query, records: '$.results[*]' });
    expect(ids(result.pages)).toEqual([['x1', 'x2', 'x3'], ['x1', 'x2', 'x3'], [], []]);
    expect(result.positions.map((position) => position.at)).toEqual([
      null,
      { value: 'T', id: null, tie: true },
      { value: 'T', id: 'x3', tie: true },
      { value: 'T', id: null, tie: false },
    ]);
  });

  test('an API that ignores the tie request is caught, not walked forever', async () => {
    const server = await searchApi({ ignoreTie: true });
    await expect(walk({ server, spec, path: '/search', query, records: '$.results[*]' })).rejects.toThrow(
      `GET ${server.url}/search?value=T1&tie=true&limit=3: while paging through records with $.updated = "T1", record 1 ` +
        'of the page has "T2"; when {{cursor.tie}} is true the request must ask for {{cursor.value}} alone (EQ), ' +
        'ordered by the idField, after {{cursor.id}}',
    );
  });

  test('needs a page size, and refuses stop.shortPage, which would end tie walks early', () => {
    expect(() => compilePaginator({ type: 'requery', field: '$.u', idField: '$.id' }, 'http://x')).toThrow(
      'paginate: requery pagination needs pageSize: a full page is what starts a walk through records that share one value',
    );
    expect(() => compilePaginator({ ...spec, stop: { shortPage: true } }, 'http://x')).toThrow(
      'paginate.stop.shortPage: stop.shortPage does not fit requery pagination: a short page inside a walk through tied records is not ' +
        'the end; requery stops on a short page by itself',
    );
  });
});
