import { describe, expect, test } from 'vitest';
import { compileJsonPath, describeValue, ExtractError, selectAll, selectFirst, selectRecords } from '../../engine/extract/jsonpath.js';
import { JSONPath } from 'jsonpath-plus';

const REQ = 'GET https://api.x/v1/contacts';

describe('selectAll / selectFirst', () => {
  const doc = { data: [{ id: 1, tags: ['a'] }, { id: 2, tags: [] }], paging: { next: { after: 'abc' } }, zero: 0, no: false };

  test('select values', () => {
    expect(selectAll('$.data[*].id', doc)).toEqual([1, 2]);
    expect(selectFirst('$.paging.next.after', doc)).toBe('abc');
    expect(selectFirst("$['paging']['next']['after']", doc)).toBe('abc');
    expect(selectFirst('$.missing.deeper', doc)).toBeUndefined();
    expect(selectAll('$..id', doc)).toEqual([1, 2]);
  });

  test('falsy values and documents are found, not lost', () => {
    expect(selectFirst('$.zero', doc)).toBe(0);
    expect(selectFirst('$.no', doc)).toBe(false);
    expect(selectAll('$', 0)).toEqual([0]);
    expect(selectAll('$', null)).toEqual([null]);
    expect(selectAll('$.x', null)).toEqual([]);
    expect(selectAll('$', undefined)).toEqual([]);
  });

  test('script expressions are refused when the path is compiled', () => {
    expect(() => compileJsonPath('$.data[?(@.id > 1)]')).toThrow(
      'JSONPath $.data[?(@.id > 1)] uses a script expression ((…) or ?(…)), which is disabled',
    );
    expect(() => compileJsonPath('$.data[(@.length-1)]')).toThrow(ExtractError);
    expect(() => compileJsonPath('data')).toThrow("JSONPath data must start with '$'");
  });

  test('quoted names are names, even when they start with an operator character', () => {
    const odata = { '@odata.nextLink': 'https://graph/next', '(x)': 1, '~y': 2, '*': 3, a: 4 };
    expect(selectFirst("$['@odata.nextLink']", odata)).toBe('https://graph/next');
    expect(selectFirst('$["@odata.nextLink"]', odata)).toBe('https://graph/next');
    expect(selectFirst("$['(x)']", odata)).toBe(1);
    expect(selectFirst("$['~y']", odata)).toBe(2);
    expect(selectAll("$['*']", odata)).toEqual([3]);
  });

  test('compiled paths are cached', () => {
    expect(compileJsonPath('$.a.b')).toBe(compileJsonPath('$.a.b'));
  });
});

describe('selectRecords', () => {
  test('the items of an array container', () => {
    expect(selectRecords('$.data[*]', { data: [{ id: 1 }, { id: 2 }] }, REQ)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectRecords('$[*]', [{ id: 1 }], REQ)).toEqual([{ id: 1 }]);
    expect(selectRecords('$.result.*', { result: [[1], [2]] }, REQ)).toEqual([[1], [2]]);
  });

  test('an empty array is a page without records', () => {
    expect(selectRecords('$.data[*]', { data: [] }, REQ)).toEqual([]);
    expect(selectRecords('$[*]', [], REQ)).toEqual([]);
  });

  test('a missing container is an error naming the request, the path and what was there', () => {
    expect(() => selectRecords('$.data[*]', { error: 'unauthorized', message: 'bad key' }, REQ)).toThrow(
      'GET https://api.x/v1/contacts: records path $.data[*] found no array at $.data ' +
        '(it is missing; the response is object with keys error, message)',
    );
  });

  test('a container that is not an array is an error', () => {
    expect(() => selectRecords('$.data[*]', { data: { error: 'x', message: 'y' } }, REQ)).toThrow(
      'GET https://api.x/v1/contacts: records path $.data[*] found no array at $.data (got object with keys error, message)',
    );
    // The classic trap: an error object at the root read with the default path.
    expect(() => selectRecords('$[*]', { error: 'rate limited' }, REQ)).toThrow(
      'GET https://api.x/v1/contacts: records path $[*] found no array at $ (got object with keys error)',
    );
    expect(() => selectRecords('$[*]', null, REQ)).toThrow('records path $[*] found no array at $ (got null)');
  });

  test('recursive descent accepts the arrays it meets', () => {
    const body = { a: { items: [1, 2] }, b: { items: 'not a list' }, c: { items: [3] } };
    expect(selectRecords('$..items[*]', body, REQ)).toEqual([1, 2, 3]);
  });

  test('a path without a wildcard: an array is the records, an object is one record', () => {
    expect(selectRecords('$.data', { data: [{ id: 1 }, { id: 2 }] }, REQ)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectRecords('$', { id: 'me' }, REQ)).toEqual([{ id: 'me' }]);
    expect(() => selectRecords('$.data', { items: [] }, REQ)).toThrow(
      'GET https://api.x/v1/contacts: records path $.data found nothing (the response is object with keys items)',
    );
  });
});

describe('describeValue', () => {
  test.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [[1], 'array of 1 item'],
    [[1, 2], 'array of 2 items'],
    [{}, 'empty object'],
    [Object.fromEntries('abcdefghijk'.split('').map((k) => [k, 1])), 'object with keys a, b, c, d, e, f, g, h, i, j, …'],
    ['text', 'string'],
    [3, 'number'],
    [true, 'boolean'],
  ])('%j → %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe('plain member chains, read directly', () => {
  // Each chain must select exactly what jsonpath-plus selects, on documents of every shape.
  const paths = ['$', '$.id', '$.a.b', "$['a']['b']", '$.list[0]', '$.list[1].name', '$.name.length', '$.list.length', '$.a.b.c', '$["0"]', '$[0]', '$.constructor', '$.__proto__'];
  const documents: unknown[] = [
    { id: 'x', a: { b: 0 }, list: [{ name: 'n0' }, { name: 'n1' }], name: 'text' },
    { id: null, a: { b: { c: false } }, list: [], name: '' },
    { a: 0, list: 'ab', '0': 'zero' },
    { a: { b: null } },
    ['first', { id: 1 }],
    'string', 0, 1, '', null, false, true, [], {},
  ];
  test.each(paths)('%s', (path) => {
    for (const json of documents) {
      const library = json ? (JSONPath({ path, json: json as object, eval: false, wrap: true, resultType: 'value' }) as unknown[] | undefined) ?? [] : path === '$' && json !== undefined ? [json] : [];
      expect(selectAll(path, json), `${path} on ${JSON.stringify(json)}`).toEqual(library);
      expect(selectFirst(path, json), `${path} on ${JSON.stringify(json)}`).toEqual(library[0]);
    }
  });
});
