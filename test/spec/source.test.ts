import { describe, expect, test } from 'vitest';
import { parseSource } from '../../engine/spec/source.js';
import { yaml } from './harness.js';

const text = yaml`
  base: &base
    method: GET
    query: { limit: "10" }
  syncs:
    a:
      request:
        <<: *base
        path: /a
    b:
      request: *base
      map:
        - first
        - second
`;

describe('parseSource', () => {
  const { source, diagnostics, usable } = parseSource(text, 'spec.yaml');

  test('gives the plain value with merge keys applied', () => {
    expect(diagnostics).toEqual([]);
    expect(usable).toBe(true);
    expect(source.value).toMatchObject({
      syncs: { a: { request: { method: 'GET', query: { limit: '10' }, path: '/a' } }, b: { request: { method: 'GET' } } },
    });
  });

  test('locates scalars at their value, block maps at their key, list items by index', () => {
    expect(source.locate(['syncs', 'a', 'request', 'path'])).toEqual({ line: 8, column: 13 });
    expect(source.locate(['syncs', 'a', 'request'])).toEqual({ line: 6, column: 5 });
    expect(source.locate(['syncs', 'b', 'map', 1])).toEqual({ line: 13, column: 9 });
    expect(source.locateKey(['syncs', 'a', 'request', 'path'])).toEqual({ line: 8, column: 7 });
  });

  test('follows merge keys and aliases to the anchored node', () => {
    expect(source.locate(['syncs', 'a', 'request', 'method'])).toEqual({ line: 2, column: 11 });
    expect(source.locate(['syncs', 'b', 'request', 'query', 'limit'])).toEqual({ line: 3, column: 19 });
  });

  test('a missing path falls back to the key of its nearest existing ancestor', () => {
    expect(source.locate(['syncs', 'a', 'request', 'headers', 'Accept'])).toEqual({ line: 6, column: 5 });
    expect(source.has(['syncs', 'a', 'request', 'headers'])).toBe(false);
    expect(source.locate([])).toEqual({ line: 1, column: 1 });
  });

  test('finds the path at an offset', () => {
    expect(source.pathAt(text.indexOf('/a'))).toEqual(['syncs', 'a', 'request', 'path']);
    expect(source.pathAt(text.indexOf('second'))).toEqual(['syncs', 'b', 'map', 1]);
  });

  test('syntax errors are diagnostics with positions, not exceptions', () => {
    const broken = parseSource('a: [1, 2\nb: 3\n', 'x.yaml');
    expect(broken.usable).toBe(false);
    expect(broken.diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([[2, 1, 'yaml-syntax']]);
  });

  test('an empty file parses to null', () => {
    const empty = parseSource('', 'empty.yaml');
    expect(empty.usable).toBe(true);
    expect(empty.source.value).toBeNull();
  });
});
