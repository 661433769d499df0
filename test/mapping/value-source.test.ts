import { describe, expect, it } from 'vitest';
import { SyncError } from '../../engine/core/errors.js';
import { MappingError } from '../../engine/mapping/mapping-error.js';
import { compileValueSource, isMultiMatchPath, type SourceScope } from '../../engine/mapping/value-source.js';
import type { ValueSource } from '../../engine/spec/types.generated.js';

/**
 * The generated types read `value`/`default` (schema: any JSON) as objects; parsed YAML holds any
 * JSON there, so tests pass such sources through this cast.
 */
const loose = (source: unknown) => source as ValueSource;

const record = {
  id: 7,
  first: 'Ann',
  last: 'Lee',
  count: 3,
  empty: null,
  tags: ['a', 'b'],
  contacts: [{ email: 'x@example.com' }, { email: 'y@example.com' }],
  from: '2024-01-01',
  to: '2024-01-05',
  created: 1700000000,
  doc: { href: 'https://x.io/r.pdf', title: 'Report' },
  geo: { lat: '48.85', lon: 2.35 },
};
const scope: SourceScope = { record, vars: { region: 'eu', limit: 10 }, partition: { repo: 'acme/api' } };

/** [name, source, value] */
const sources: [string, ValueSource, unknown][] = [
  ['JSONPath first match', '$.first', 'Ann'],
  ['JSONPath missing', '$.nope', undefined],
  ['JSONPath null', '$.empty', null],
  ['JSONPath array node', '$.tags', ['a', 'b']],
  ['JSONPath wildcard takes all', '$.tags[*]', ['a', 'b']],
  ['JSONPath recursive descent takes all', '$..email', ['x@example.com', 'y@example.com']],
  ['JSONPath index', '$.contacts[1].email', 'y@example.com'],
  ['JSONPath slice takes all', '$.tags[0:1]', ['a']],
  ['JSONPath wildcard with no match is missing', '$.nope[*]', undefined],
  ['JSONPath bracket notation', "$['first']", 'Ann'],
  ['template text', '{{record.first}} {{record.last}}', 'Ann Lee'],
  ['template single expression keeps type', '{{record.count}}', 3],
  ['template reads vars and partition', '{{vars.region}}/{{partition.repo}}', 'eu/acme/api'],
  ['string without braces is a constant text', 'Imported', 'Imported'],
  ['number constant', 5, 5],
  ['boolean constant', true, true],
  ['null constant', null, null],
  ['object path', { path: '$.first' }, 'Ann'],
  ['object template', { template: '{{record.first}}!' }, 'Ann!'],
  ['object template may start with $', { template: '${{record.count}}' }, '$3'],
  ['object value', loose({ value: { any: 'thing' } }), { any: 'thing' }],
  ['object value null', loose({ value: null }), null],
  ['convert', { path: '$.created', convert: 'fromEpochSeconds' }, '2023-11-14T22:13:20.000Z'],
  ['convert chain', { path: '$.first', convert: ['uppercase', { map: { ANN: 'Annie' } }] }, 'Annie'],
  ['default when missing', loose({ path: '$.nope', default: 'n/a' }), 'n/a'],
  ['default when null', loose({ path: '$.empty', default: 0 }), 0],
  ['default when a wildcard matches nothing', loose({ path: '$.nope[*]', default: [] }), []],
  ['default not used when present', loose({ path: '$.count', default: 0 }), 3],
  ['default is converted like the value', loose({ path: '$.nope', default: '0', convert: 'toNumber' }), 0],
  ['no default leaves null for convert', { path: '$.empty', convert: 'toNumber' }, null],
  ['dateRange', { start: '$.from', end: '$.to' }, { start: '2024-01-01', end: '2024-01-05' }],
  ['dateRange without end', { start: '$.from' }, { start: '2024-01-01', end: null }],
  ['dateRange missing end is null', { start: '$.from', end: '$.nope' }, { start: '2024-01-01', end: null }],
  [
    'dateRange fields have their own convert',
    { start: { path: '$.created', convert: 'fromEpochSeconds' }, end: null },
    { start: '2023-11-14T22:13:20.000Z', end: null },
  ],
  ['file', { url: '$.doc.href', name: '$.doc.title' }, { url: 'https://x.io/r.pdf', name: 'Report' }],
  ['file without name', { url: '$.doc.href' }, { url: 'https://x.io/r.pdf', name: null }],
  [
    'place',
    { latitude: '$.geo.lat', longitude: '$.geo.lon', name: 'HQ', address: loose({ path: '$.nope', default: 'unknown' }) },
    { latitude: '48.85', longitude: 2.35, name: 'HQ', address: 'unknown' },
  ],
];

/** [name, source, exact load error] */
const invalid: [string, ValueSource, string][] = [
  [
    'template written as a path',
    '${{record.count}}',
    "map.X: '${{record.count}}' starts with '$', so it is read as a JSONPath; write { template: '${{record.count}}' } for a template",
  ],
  ['empty object', {}, 'map.X: give exactly one of path, template or value (got none)'],
  ['path and template', { path: '$.a', template: 'b' }, 'map.X: give exactly one of path, template or value (got path, template)'],
  ['convert alone', { convert: 'trim' }, 'map.X: give exactly one of path, template or value (got none)'],
  ['path beside start', { path: '$.a', start: '$.b' }, 'map.X: path cannot be combined with start; put them on each field'],
  ['convert beside url', { url: '$.a', convert: 'trim' }, 'map.X: convert cannot be combined with url; put them on each field'],
  [
    'name alone',
    { name: '$.n' },
    'map.X: { name } fits no single form; a structured source uses the fields of dateRange (start, end), file (url, name), place (latitude, longitude, name, address)',
  ],
  [
    'mixed forms',
    { start: '$.a', url: '$.b' },
    'map.X: { start, url } fits no single form; a structured source uses the fields of dateRange (start, end), file (url, name), place (latitude, longitude, name, address)',
  ],
  ['dateRange without start', { end: '$.to' }, 'map.X: a dateRange source needs start'],
  ['place without coordinates', { name: 'HQ', address: '$.a' }, 'map.X: a place source needs latitude and longitude'],
  ['place without longitude', { latitude: '$.a' }, 'map.X: a place source needs longitude'],
  [
    'a script filter',
    '$.contacts[?(@.email)]',
    'map.X: JSONPath $.contacts[?(@.email)] uses a script expression ((…) or ?(…)), which is disabled',
  ],
  ['bad nested field', { start: {} }, 'map.X.start: give exactly one of path, template or value (got none)'],
];

describe('compileValueSource', () => {
  it.each(sources)('%s', (_name, source, value) => {
    expect(compileValueSource(source, 'map.X').evaluate(scope)).toEqual(value);
  });

  it.each(invalid)('rejects %s at load', (_name, source, message) => {
    const compile = () => compileValueSource(source, 'map.X');
    expect(compile).toThrow(SyncError);
    expect(compile).toThrow(new SyncError('bad-mapping', message));
  });

  it('names a template syntax error with its place', () => {
    expect(() => compileValueSource('{{#if}}', 'map.X')).toThrow(/^map\.X: /);
  });

  it('marks the structured forms', () => {
    expect(compileValueSource({ start: '$.a' }, 'x').structured?.name).toBe('dateRange');
    expect(compileValueSource({ url: '$.a', name: 'n' }, 'x').structured?.name).toBe('file');
    expect(compileValueSource({ latitude: 1, longitude: 2, name: 'n' }, 'x').structured?.name).toBe('place');
    expect(compileValueSource({ path: '$.a' }, 'x').structured).toBeNull();
  });

  it('describes where the value comes from', () => {
    expect(compileValueSource('$.id', 'x').description).toBe('$.id');
    expect(compileValueSource({ path: '$.id', convert: 'toString' }, 'x').description).toBe('$.id');
    expect(compileValueSource('{{record.a}}-{{record.b}}', 'x').description).toBe('{{record.a}}-{{record.b}}');
    expect(compileValueSource(3, 'x').description).toBe('a constant');
    expect(compileValueSource({ start: '$.a', end: '$.b' }, 'x').description).toBe('{ start: $.a, end: $.b }');
  });

  it('throws the conversion failure for the record mapper to report', () => {
    const source = compileValueSource({ path: '$.first', convert: 'toNumber' }, 'x');
    expect(() => source.evaluate(scope)).toThrow(new MappingError("toNumber: not a number: 'Ann'"));
  });
});

describe('isMultiMatchPath', () => {
  it.each([
    ['$.a', false],
    ['$.a.b[0]', false],
    ["$['first']", false],
    ["$['*']", false],
    ['$["x..y"]', false],
    ['$.a[*]', true],
    ['$.a.*', true],
    ['$..a', true],
    ['$.a[?(@.b)]', true],
    ['$.a[0,1]', true],
    ['$.a[0:2]', true],
  ])('%s → %s', (path, multi) => {
    expect(isMultiMatchPath(path)).toBe(multi);
  });
});
