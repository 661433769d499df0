import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compilePaginator as compileModel, type Position } from '../../engine/pagination/paginate.js';
import { paginatorModel } from '../support/model.js';
import { paginators } from '../../engine/pagination/registry.js';
import { Redactor } from '../../engine/http/redact.js';
import type { HttpRequest, HttpResponse } from '../../engine/http/request.js';
import type { Paginator } from '../../engine/spec/types.generated.js';
import { sendJson, useServers } from '../support/http-server.js';
import { ROOT } from '../support/project.js';
import { walk } from './walk.js';

const serve = useServers();
const compilePaginator = (spec: Paginator, ...rest: Parameters<typeof compileModel> extends [unknown, ...infer R] ? R : never) => compileModel(paginatorModel(spec), ...rest);
const BASE = 'https://api.x/v1';
const request: HttpRequest = { method: 'GET', url: '/items', query: { q: 'x' }, headers: {} };
const response = (body: unknown, req: HttpRequest = { ...request, url: `${BASE}/items` }): HttpResponse => ({
  status: 200,
  headers: {},
  body,
  url: `${BASE}/items?q=x`,
  request: req,
});

describe('compilePaginator', () => {
  test('the registry holds every style of the schema, in its order', () => {
    const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/connector.schema.json'), 'utf8'));
    const types = (schema.$defs.paginator.oneOf as { $ref: string }[]).map(({ $ref }) => schema.$defs[$ref.replace('#/$defs/', '')].properties.type.const);
    expect(Object.keys(paginators)).toEqual(types);
    expect(types).toEqual(expect.arrayContaining(['none', 'token', 'nextUrl', 'linkHeader', 'pageNumber', 'offset', 'keyset', 'relay', 'requery']));
  });

  test('no paginator: one page', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, [{ id: 1 }, { id: 2 }]));
    const result = await walk({ server, spec: undefined, path: '/items' });
    expect(result.pages).toEqual([[{ id: 1 }, { id: 2 }]]);
    expect(result.requests).toHaveLength(1);
  });

  test('first positions are JSON and apply is pure', () => {
    const first = (spec: Paginator) => compilePaginator(spec, BASE).first();
    expect(first({ type: 'none' })).toEqual({ at: null });
    expect(first({ type: 'token', token: { path: '$.next' }, param: 'cursor' })).toEqual({ at: null });
    expect(first({ type: 'pageNumber' })).toEqual({ at: 1 });
    expect(first({ type: 'offset', pageSize: 10, start: 5 })).toEqual({ at: 5 });

    const paginator = compilePaginator({ type: 'offset', pageSize: { value: 10, param: 'limit' } }, BASE);
    expect(paginator.apply(request, { at: 20 })).toEqual({ ...request, query: { q: 'x', limit: '10', offset: '20' } });
    expect(request.query).toEqual({ q: 'x' });
    expect(paginator.pageSize).toBe(10);
  });

  test('positions and page sizes can go into headers and nested body fields', () => {
    const paginator = compilePaginator(
      {
        type: 'token',
        token: { path: '$.next' },
        param: { in: 'body', name: 'variables.page.after' },
        pageSize: { value: 50, param: { in: 'header', name: 'X-Page-Size' } },
      },
      BASE,
    );
    const body = { query: 'q', variables: { first: 50 } };
    expect(paginator.apply({ ...request, method: 'POST', body }, { at: 'c1' })).toEqual({
      ...request,
      method: 'POST',
      headers: { 'X-Page-Size': '50' },
      body: { query: 'q', variables: { first: 50, page: { after: 'c1' } } },
    });
    expect(body).toEqual({ query: 'q', variables: { first: 50 } });
    expect(() => paginator.apply({ ...request, body: ['not', 'an', 'object'] }, { at: 'c1' })).toThrow(
      'cannot put a value at variables.page.after of the request body: the body is not a JSON object',
    );
  });

  test('keyset exposes its position as {{cursor}}; other styles leave the cursor alone', () => {
    const keyset = compilePaginator({ type: 'keyset', field: '$.ts', idField: '$.id', pageSize: 2 }, BASE);
    expect(keyset.templateCursor({ at: null })).toBeUndefined();
    expect(keyset.templateCursor({ at: { value: 5, id: '9' } })).toEqual({ value: 5, id: '9' });
    const token = compilePaginator({ type: 'token', token: { path: '$.n' }, param: 'c' }, BASE);
    expect(token.templateCursor({ at: 'abc' })).toBeUndefined();
  });

  test('a checkpoint position of another shape is refused, not misread', () => {
    const paginator = compilePaginator({ type: 'pageNumber' }, BASE, { where: 'syncs.issues.paginate' });
    expect(() => paginator.apply(request, 3)).toThrow('syncs.issues.paginate: 3 is not a pagination position ({ at, previousPage? })');
    expect(() => paginator.apply(request, undefined)).toThrow('syncs.issues.paginate: undefined is not a pagination position');
  });

  test('keyset without pageSize needs a stop that does not compare with it', () => {
    expect(() => compilePaginator({ type: 'keyset', field: '$.ts', idField: '$.id' }, BASE, { where: 'syncs.a.paginate' })).toThrow(
      'syncs.a.paginate: keyset pagination stops on a short page unless told otherwise (its default stop is shortPage, emptyPage), ' +
        'and a page is short compared with the page size, but the paginator has no pageSize',
    );
    expect(() => compilePaginator({ type: 'keyset', field: '$.ts', idField: '$.id', stop: { emptyPage: true } }, BASE)).not.toThrow();
  });

  test('positions carry the digest of the page before, and secrets in messages are redacted', () => {
    const paginator = compilePaginator({ type: 'token', token: { path: '$.next' }, param: 'cursor' }, BASE, {
      redactor: new Redactor(['sekret-token']),
    });
    const records = [{ id: 1 }];
    const next = paginator.next({ response: response({ next: 'sekret-token' }), records, position: { at: null } });
    expect(next).toEqual({ done: false, position: { at: 'sekret-token', previousPage: expect.any(String) } });
    const position = (next as { position: Position }).position;
    expect(() =>
      paginator.next({
        response: response({ next: 'sekret-token' }, { ...request, url: `${BASE}/items`, query: { cursor: 'sekret-token' } }),
        records: [{ id: 2 }],
        position,
      }),
    ).toThrow(
      `GET ${BASE}/items?cursor=[REDACTED]: the next page token '[REDACTED]' is the same as the current one; ` +
        "the API's pagination is not advancing",
    );
  });
});
