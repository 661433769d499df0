/**
 * A paginator's rules are written once (check.ts: its style's check and the stop rules): `validate`
 * reports them, and compile refuses exactly what they report. Walked over every style of the registry
 * and every stop the schema allows it, `validate` accepting a spec means compile accepts its paginator.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { checkPaginator as checkModel, describeIssue } from '../../engine/pagination/check.js';
import { paginatorModel } from '../support/model.js';
import { styleOf } from '../../engine/pagination/facts.js';
import { compilePaginator as compileModel } from '../../engine/pagination/paginate.js';
import { paginators } from '../../engine/pagination/registry.js';
import { parseSource } from '../../engine/spec/source.js';
import { checkSpec } from '../../engine/spec/semantic/index.js';
import type { Paginator, Stop } from '../../engine/spec/types.generated.js';
import { ROOT } from '../support/project.js';

/** The least each style needs (its schema's required keys); a new style adds its line here. */
const MINIMAL: Record<string, Paginator> = {
  none: { type: 'none' },
  token: { type: 'token', token: { path: '$.next' }, param: 'cursor' },
  nextUrl: { type: 'nextUrl', path: '$.next' },
  linkHeader: { type: 'linkHeader' },
  pageNumber: { type: 'pageNumber' },
  offset: { type: 'offset', pageSize: 10 },
  keyset: { type: 'keyset', field: '$.ts', idField: '$.id' },
  relay: { type: 'relay', pageInfo: '$.data.items.pageInfo' },
  requery: { type: 'requery', field: '$.ts', idField: '$.id' },
  searchAfter: { type: 'searchAfter' },
};

const STOPS: (Stop | undefined)[] = [
  undefined, { hasMore: '$.more' }, { done: '$.done' }, { missingToken: true }, { emptyPage: true },
  { shortPage: true }, { total: '$.total' }, { shortPage: true, total: '$.total' },
];

const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/connector.schema.json'), 'utf8'));
const keysOf = (type: string): string[] => {
  const ref = (schema.$defs.paginator.oneOf as { $ref: string }[]).find(({ $ref }) => schema.$defs[$ref.slice(8)].properties.type.const === type)!;
  return Object.keys(schema.$defs[ref.$ref.slice(8)].properties);
};

/** Every paginator the schema allows a style, from its minimal spec: with and without pageSize, each stop. */
function variants(type: string): Paginator[] {
  const keys = keysOf(type);
  const sizes = keys.includes('pageSize') ? [undefined, 5] : [undefined];
  const stops = keys.includes('stop') ? STOPS : [undefined];
  return sizes.flatMap((pageSize) => stops.map((stop) => {
    const spec: Record<string, unknown> = { ...MINIMAL[type] };
    if (pageSize !== undefined) spec.pageSize = pageSize;
    if (stop !== undefined) spec.stop = stop;
    return spec as unknown as Paginator;
  }));
}

/** A one-sync spec paged by `paginate`, whose request reads every {{cursor}} field the style pages by. */
function specText(paginate: Paginator): string {
  const fields = styleOf(paginate).cursor?.fields ?? [];
  const query = Object.fromEntries(fields.map((field) => [`c_${field}`, `{{#if cursor}}{{cursor.${field}}}{{/if}}`]));
  return stringify({
    syncspec: 1,
    name: 'crm',
    api: { baseUrl: 'https://api.example.com' },
    databases: { contacts: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } } },
    syncs: { contacts: { database: 'contacts', request: { path: '/contacts', query }, paginate, map: { Name: '$.name', ID: '$.id' } } },
  });
}

const checkPaginator = (spec: Paginator) => checkModel(paginatorModel(spec));
const compilePaginator = (spec: Paginator, ...rest: Parameters<typeof compileModel> extends [unknown, ...infer R] ? R : never) => compileModel(paginatorModel(spec), ...rest);

describe('paginator rules, written once', () => {
  test('every style of the registry has a minimal spec here', () => {
    expect(Object.keys(MINIMAL).sort()).toEqual(Object.keys(paginators).sort());
  });

  test.each(Object.keys(paginators))('%s: compile refuses exactly what validate reports', (type) => {
    let accepted = 0;
    for (const paginate of variants(type)) {
      const where = 'syncs.contacts.paginate';
      const { spec, diagnostics } = checkSpec(parseSource(specText(paginate), 'crm.yaml').source);
      const issues = checkPaginator(paginate);
      const compile = () => compilePaginator(paginate, 'https://api.example.com', { where });
      const shown = JSON.stringify(paginate);
      if (spec) {
        accepted++;
        expect(issues, shown).toEqual([]);
        expect(compile, shown).not.toThrow();
        continue;
      }
      // Each issue is a diagnostic at its place; compile names the first one.
      for (const issue of issues) {
        expect(diagnostics, shown).toContainEqual(expect.objectContaining({ path: [where, ...issue.path].join('.'), code: issue.code, message: issue.message }));
      }
      if (issues.length > 0) expect(compile, shown).toThrow(describeIssue(where, issues[0]));
      else expect(compile, shown).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('the rules', () => {
  test('stop.total only where the style reads a total: the styles with pastTotal, named from the registry', () => {
    expect(checkPaginator({ ...MINIMAL.token, stop: { total: '$.total' } } as Paginator)).toEqual([{
      path: ['stop', 'total'],
      code: 'bad-stop',
      message: 'stop.total applies to pageNumber and offset pagination only: the page token of token pagination cannot be compared with a total',
    }]);
    expect(checkPaginator({ type: 'pageNumber', stop: { total: '$.total' } })).toEqual([]);
    expect(checkPaginator({ type: 'offset', pageSize: 10, stop: { total: '$.total' } })).toEqual([]);
  });

  test('shortPage needs a page size, written or by default', () => {
    expect(checkPaginator({ type: 'pageNumber', stop: { shortPage: true } })).toEqual([{
      path: ['stop', 'shortPage'],
      code: 'missing-page-size',
      message: 'stop.shortPage compares each page with the page size, but the paginator has no pageSize',
    }]);
    expect(checkPaginator(MINIMAL.keyset)).toMatchObject([{ path: [], code: 'missing-page-size' }]);
    expect(checkPaginator({ ...MINIMAL.keyset, stop: { emptyPage: true } } as Paginator)).toEqual([]);
  });

  test("a style's own word on a key is not repeated by the general rule (requery on stop.shortPage)", () => {
    expect(checkPaginator({ ...MINIMAL.requery, stop: { shortPage: true } } as Paginator).map((issue) => [issue.path.join('.'), issue.code])).toEqual([
      ['', 'missing-page-size'],
      ['stop.shortPage', 'bad-stop'],
    ]);
  });
});
