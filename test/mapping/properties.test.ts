import { describe, expect, it } from 'vitest';
import type { PropertyDefinition, PropertyKind } from '../../engine/core/types.js';
import { MappingError } from '../../engine/mapping/mapping-error.js';
import { propertyTypes, structuredForms } from '../../engine/mapping/properties/registry.js';
import { codecNameOf } from '../../engine/store/sqlite/codec.js';

function definition(type: PropertyKind, extra: Partial<PropertyDefinition> = {}): PropertyDefinition {
  return { name: 'Field', type, ...extra };
}

const stage = definition('select', { name: 'Stage', options: ['Lead', 'Qualified', 'Customer'] });
const tags = definition('multiSelect', { name: 'Tags', options: ['red', 'green', 'Blue'] });
/** Options left out: any name is one (labels, tags), kept as the source spells it. */
const labels = definition('multiSelect', { name: 'Labels' });
const kind = definition('select', { name: 'Kind' });

/** [property, raw input, stored value] */
type Accept = [PropertyDefinition, unknown, unknown];
/** [property, raw input, exact reason] */
type Reject = [PropertyDefinition, unknown, string];

const accepts: Record<string, Accept[]> = {
  title: [
    [definition('title'), 'Acme', 'Acme'],
    [definition('title'), '', ''],
    [definition('title'), 42, '42'],
    [definition('title'), true, 'true'],
    [definition('title'), null, ''],
    [definition('title'), undefined, ''],
  ],
  richText: [
    [definition('richText'), 'some *markdown*', 'some *markdown*'],
    [definition('richText'), 12.5, '12.5'],
    [definition('richText'), false, 'false'],
    [definition('richText'), null, null],
    [definition('richText'), undefined, null],
  ],
  url: [
    [definition('url'), 'https://example.com/a?b=1', 'https://example.com/a?b=1'],
    [definition('url'), ' http://example.com ', 'http://example.com'],
    [definition('url'), 'mailto:bob@example.com', 'mailto:bob@example.com'],
    [definition('url'), null, null],
  ],
  email: [
    [definition('email'), 'Bob.Smith+tag@Example.COM', 'Bob.Smith+tag@example.com'],
    [definition('email'), ' ann@sub.example.co.uk ', 'ann@sub.example.co.uk'],
    [definition('email'), null, null],
    // Plain lower-case addresses take a shortcut; these sit at its edges and must come out the same.
    [definition('email'), 'a@b.co', 'a@b.co'],
    [definition('email'), "o'neil.x-y+z@mail-1.example.org", "o'neil.x-y+z@mail-1.example.org"],
    [definition('email'), 'ann@xn--bcher-kva.example', 'ann@xn--bcher-kva.example'],
    [definition('email'), 'ann@example.xn--p1ai', 'ann@example.xn--p1ai'],
    [definition('email'), `${'l'.repeat(64)}@example.com`, `${'l'.repeat(64)}@example.com`],
  ],
  phoneNumber: [
    [definition('phoneNumber'), '+1 (555) 123-4567', '+1 (555) 123-4567'],
    [definition('phoneNumber'), '555.123.4567 ext. 89', '555.123.4567 ext. 89'],
    [definition('phoneNumber'), '555-1234 x12', '555-1234 x12'],
    [definition('phoneNumber'), '911', '911'],
    [definition('phoneNumber'), 5551234, '5551234'],
    [definition('phoneNumber'), null, null],
  ],
  checkbox: [
    [definition('checkbox'), true, true],
    [definition('checkbox'), false, false],
    [definition('checkbox'), 'TRUE', true],
    [definition('checkbox'), 'False', false],
    [definition('checkbox'), 'yes', true],
    [definition('checkbox'), ' No ', false],
    [definition('checkbox'), '1', true],
    [definition('checkbox'), '0', false],
    [definition('checkbox'), 1, true],
    [definition('checkbox'), 0, false],
    [definition('checkbox'), null, null],
  ],
  file: [
    [definition('file'), 'https://cdn.example.com/a.pdf', { url: 'https://cdn.example.com/a.pdf', name: null }],
    [definition('file'), { url: 'https://x.io/r.png', name: 'Report' }, { url: 'https://x.io/r.png', name: 'Report' }],
    [definition('file'), { url: 'https://x.io/r.png', name: null, size: 12 }, { url: 'https://x.io/r.png', name: null }],
    [definition('file'), { url: null, name: null }, null],
    [definition('file'), null, null],
  ],
  number: [
    [definition('number'), 12, 12],
    [definition('number'), -0.5, -0.5],
    [definition('number'), '12.5', 12.5],
    [definition('number'), ' 3 ', 3],
    [definition('number'), '1e3', 1000],
    [definition('number'), '-.5', -0.5],
    [definition('number', { format: 'dollar' }), '19.99', 19.99],
    [definition('number'), null, null],
  ],
  date: [
    [definition('date', { dateFormat: 'date' }), '2024-02-29', '2024-02-29'],
    [definition('date', { dateFormat: 'date' }), '2024-03-01T01:30:00+02:00', '2024-02-29'],
    [definition('date', { dateFormat: 'date' }), '2024-03-01T23:30:00Z', '2024-03-01'],
    [definition('date'), '2024-03-01', '2024-03-01'],
    [definition('date', { dateFormat: 'dateTime' }), '2024-03-01T10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    // Already canonical: kept as it is.
    [definition('date', { dateFormat: 'dateTime' }), '2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    [definition('date', { dateFormat: 'dateTime' }), '0001-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z'],
    [definition('date', { dateFormat: 'dateTime' }), '2024-03-01T10:00:00.123456Z', '2024-03-01T10:00:00.123Z'],
    [definition('date', { dateFormat: 'dateTime' }), '2024-03-01 10:00:00', '2024-03-01T10:00:00.000Z'],
    [definition('date', { dateFormat: 'dateTime' }), '2024-03-01T10:00-0530', '2024-03-01T15:30:00.000Z'],
    [definition('date', { dateFormat: 'dateTime' }), '2024-03-01', '2024-03-01T00:00:00.000Z'],
    [definition('date', { dateFormat: 'dateTime' }), null, null],
    [
      definition('date', { dateFormat: 'dateRange' }),
      { start: '2024-01-01', end: '2024-01-05' },
      { start: '2024-01-01', end: '2024-01-05' },
    ],
    [
      definition('date', { dateFormat: 'dateRange' }),
      { start: '2024-01-01T10:00:00+01:00', end: null },
      { start: '2024-01-01T09:00:00.000Z', end: null },
    ],
    [
      definition('date', { dateFormat: 'dateRange' }),
      { start: '2024-01-01T10:00:00Z', end: '2024-01-01T10:00:00Z' },
      { start: '2024-01-01T10:00:00.000Z', end: '2024-01-01T10:00:00.000Z' },
    ],
    [definition('date', { dateFormat: 'dateRange' }), '2024-01-01', { start: '2024-01-01', end: null }],
    [definition('date', { dateFormat: 'dateRange' }), { start: null, end: null }, null],
  ],
  select: [
    [kind, 'Anything At All', 'Anything At All'],
    [kind, 3, '3'],
    [stage, 'Lead', 'Lead'],
    [stage, 'lead', 'Lead'],
    [stage, 'CUSTOMER', 'Customer'],
    [definition('select', { options: ['1', '2'] }), 2, '2'],
    [definition('select', { options: ['a', 'A'] }), 'a', 'a'],
    [definition('select', { options: ['a', 'A'] }), 'A', 'A'],
    [stage, null, null],
  ],
  status: [
    [definition('status', { name: 'State', options: ['Not started', 'Done'] }), 'done', 'Done'],
    [definition('status', { name: 'State', options: ['Not started', 'Done'] }), 'Not started', 'Not started'],
  ],
  multiSelect: [
    [labels, ['bug', 'Bug', 'good first issue', 'bug'], ['bug', 'Bug', 'good first issue']],
    [labels, 'wontfix', ['wontfix']],
    [tags, ['red', 'blue'], ['red', 'Blue']],
    [tags, 'green', ['green']],
    [tags, ['red', 'RED', 'green', 'red'], ['red', 'green']],
    [tags, ['green', null, 'red'], ['green', 'red']],
    [tags, [], []],
    [tags, null, []],
  ],
  people: [
    [definition('people'), 'ann@Example.com', ['ann@example.com']],
    [definition('people'), ['ann@example.com', 'bob@example.com', 'ann@example.com'], ['ann@example.com', 'bob@example.com']],
    [definition('people'), null, []],
  ],
  place: [
    [
      definition('place'),
      { latitude: 48.8584, longitude: 2.2945, name: 'Eiffel Tower', address: null },
      { latitude: 48.8584, longitude: 2.2945, name: 'Eiffel Tower', address: null },
    ],
    [definition('place'), { lat: -33.86, lon: 151.21 }, { latitude: -33.86, longitude: 151.21, name: null, address: null }],
    [definition('place'), { lat: '90', lng: '-180' }, { latitude: 90, longitude: -180, name: null, address: null }],
    [definition('place'), { lat: 0, long: 0 }, { latitude: 0, longitude: 0, name: null, address: null }],
    [definition('place'), { latitude: null, longitude: null, name: null, address: null }, null],
    [definition('place'), null, null],
  ],
  relation: [
    [definition('relation'), 'cus_1', ['cus_1']],
    [definition('relation'), 42, ['42']],
    [definition('relation'), ['a', 7, '', '  ', 'a', null], ['a', '7']],
    [definition('relation'), 1e21, ['1000000000000000000000']],
    [definition('relation'), null, []],
  ],
};

const rejects: Record<string, Reject[]> = {
  title: [
    [definition('title'), { a: 1 }, 'expected text, got object'],
    [definition('title'), ['a'], 'expected text, got array'],
  ],
  richText: [[definition('richText'), { a: 1 }, 'expected text, got object']],
  url: [
    [definition('url'), 'foo', "not a URL: 'foo'"],
    [definition('url'), '/relative/path', "not a URL: '/relative/path'"],
    [definition('url'), 'ftp://example.com/f', "unsupported URL scheme 'ftp:' in 'ftp://example.com/f' (allowed: http, https, mailto)"],
    [definition('url'), 12, 'expected a URL, got 12'],
  ],
  email: [
    [definition('email'), 'bob@', "invalid email 'bob@'"],
    [definition('email'), '@example.com', "invalid email '@example.com'"],
    [definition('email'), 'bob@localhost', "invalid email 'bob@localhost'"],
    [definition('email'), 'bob smith@example.com', "invalid email 'bob smith@example.com'"],
    [definition('email'), 'bob..smith@example.com', "invalid email 'bob..smith@example.com'"],
    [definition('email'), 'bob@-example.com', "invalid email 'bob@-example.com'"],
    [definition('email'), 'bob@example.c0m', "invalid email 'bob@example.c0m'"],
    [definition('email'), 7, 'expected an email address, got 7'],
    [definition('email'), 'ann@example.com.', "invalid email 'ann@example.com.'"],
    [definition('email'), '.ann@example.com', "invalid email '.ann@example.com'"],
    [definition('email'), 'ann@exam_ple.com', "invalid email 'ann@exam_ple.com'"],
  ],
  phoneNumber: [
    [definition('phoneNumber'), 'call me', "invalid phone number 'call me'"],
    [definition('phoneNumber'), '12', "invalid phone number '12'"],
    [definition('phoneNumber'), '555+1234', "invalid phone number '555+1234'"],
    [definition('phoneNumber'), '555/1234', "invalid phone number '555/1234'"],
    [definition('phoneNumber'), { n: 1 }, 'expected a phone number, got object'],
  ],
  checkbox: [
    [definition('checkbox'), 'maybe', "not a checkbox value: 'maybe' (expected true/false, yes/no or 1/0)"],
    [definition('checkbox'), 2, 'not a checkbox value: 2 (expected true/false, yes/no or 1/0)'],
    [definition('checkbox'), '', "not a checkbox value: '' (expected true/false, yes/no or 1/0)"],
  ],
  file: [
    [definition('file'), 'not a url', "not a URL: 'not a url'"],
    [definition('file'), 'mailto:a@b.co', "unsupported URL scheme 'mailto:' in 'mailto:a@b.co' (allowed: http, https)"],
    [definition('file'), { url: null, name: 'Report' }, "file 'Report' has no URL"],
    [definition('file'), { url: 'https://x.io/a', name: { t: 1 } }, 'file name: expected text, got object'],
    [definition('file'), 5, 'expected a file URL or { url, name }, got 5'],
  ],
  number: [
    [definition('number'), '', "not a number: ''"],
    [definition('number'), '12abc', "not a number: '12abc'"],
    [definition('number'), 'NaN', "not a number: 'NaN'"],
    [definition('number'), 'Infinity', "not a number: 'Infinity'"],
    [definition('number'), '0x10', "not a number: '0x10'"],
    [definition('number'), '1,234', "not a number: '1,234'"],
    [definition('number'), Number.NaN, 'not a finite number: NaN'],
    [definition('number'), true, 'not a number: true'],
    [definition('number'), [1], 'not a number: array'],
  ],
  date: [
    [definition('date'), 'yesterday', "unparsable date: 'yesterday'"],
    [definition('date'), '2024-02-30', "unparsable date: '2024-02-30'"],
    [definition('date'), '2023-02-29', "unparsable date: '2023-02-29'"],
    [definition('date'), '2024-13-01', "unparsable date: '2024-13-01'"],
    [definition('date', { dateFormat: 'dateTime' }), '2024-01-01T24:00:00Z', "unparsable date: '2024-01-01T24:00:00Z'"],
    // Canonical in shape, not a real instant.
    [definition('date', { dateFormat: 'dateTime' }), '2024-02-30T10:00:00.000Z', "unparsable date: '2024-02-30T10:00:00.000Z'"],
    [definition('date', { dateFormat: 'dateTime' }), '2023-02-29T00:00:00.000Z', "unparsable date: '2023-02-29T00:00:00.000Z'"],
    [definition('date', { dateFormat: 'dateTime' }), '2024-13-01T00:00:00.000Z', "unparsable date: '2024-13-01T00:00:00.000Z'"],
    [definition('date', { dateFormat: 'dateTime' }), '2024-01-01T23:60:00.000Z', "unparsable date: '2024-01-01T23:60:00.000Z'"],
    [definition('date', { dateFormat: 'dateTime' }), '2024-01-01T23:00:60.000Z', "unparsable date: '2024-01-01T23:00:60.000Z'"],
    [definition('date', { dateFormat: 'dateTime' }), '2024-01-01T24:00:00.000Z', "unparsable date: '2024-01-01T24:00:00.000Z'"],
    [definition('date', { dateFormat: 'dateTime' }), '01/02/2024', "unparsable date: '01/02/2024'"],
    [
      definition('date'),
      1700000000,
      'unparsable date: 1700000000 (numbers are not read as epochs; add the conversion fromEpochSeconds or fromEpochMillis)',
    ],
    [definition('date'), { start: '2024-01-01' }, 'unparsable date: object'],
    [
      definition('date', { dateFormat: 'dateRange' }),
      { start: '2024-02-01', end: '2024-01-01' },
      "date range ends ('2024-01-01') before it starts ('2024-02-01')",
    ],
    [
      definition('date', { dateFormat: 'dateRange' }),
      { start: null, end: '2024-01-01' },
      "date range has an end ('2024-01-01') but no start",
    ],
    [definition('date', { dateFormat: 'dateRange' }), { start: 'soon', end: null }, "range start: unparsable date: 'soon'"],
    [definition('date', { dateFormat: 'dateRange' }), { start: '2024-01-01', end: 5 }, 
      'range end: unparsable date: 5 (numbers are not read as epochs; add the conversion fromEpochSeconds or fromEpochMillis)',
    ],
    [definition('date', { dateFormat: 'dateRange' }), 12, 'expected a date range { start, end }, got 12'],
  ],
  select: [
    [stage, 'Lead ', "'Lead ' is not an option of Stage (options: Lead, Qualified, Customer)"],
    [stage, 'Churned', "'Churned' is not an option of Stage (options: Lead, Qualified, Customer)"],
    [stage, { name: 'Lead' }, 'expected an option name, got object'],
    [
      definition('select', { name: 'Many', options: Array.from({ length: 22 }, (_, i) => `o${i}`) }),
      'x',
      "'x' is not an option of Many (options: o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15, o16, o17, o18, o19, … 2 more)",
    ],
    [
      definition('select', { name: 'Case', options: ['Lead', 'LEAD'] }),
      'lead',
      "'lead' matches several options of Case (Lead, LEAD)",
    ],
  ],
  status: [
    [definition('status', { name: 'State', options: ['Not started', 'Done'] }), 'Doing', "'Doing' is not an option of State (options: Not started, Done)"],
  ],
  multiSelect: [
    [labels, [{ name: 'bug' }], 'expected an option name, got object'],
    [tags, 'red, green', "'red, green' is not an option of Tags (options: red, green, Blue)"],
    [tags, ['red', 'pink', 'teal', 'pink'], "'pink', 'teal' are not options of Tags (options: red, green, Blue)"],
    [tags, [['red']], 'expected an option name, got array'],
  ],
  people: [
    [definition('people'), ['ann@example.com', 'bob@'], "invalid email 'bob@'"],
    [definition('people'), [{ email: 'a@b.co' }], 'expected an email address, got object'],
  ],
  place: [
    [definition('place'), { latitude: 91, longitude: 0 }, 'latitude 91 is out of range (-90..90)'],
    [definition('place'), { latitude: 0, longitude: -180.5 }, 'longitude -180.5 is out of range (-180..180)'],
    [definition('place'), { lat: 'north', lon: 2 }, "latitude is not a number: 'north'"],
    [definition('place'), { latitude: 48.8 }, 'place has a latitude but no longitude'],
    [definition('place'), { longitude: 2.3 }, 'place has a longitude but no latitude'],
    [definition('place'), { name: 'Paris', latitude: null, longitude: null }, "place 'Paris' has no latitude and longitude"],
    [definition('place'), { lat: 1, lon: 2, name: ['x'] }, 'place name: expected text, got array'],
    [definition('place'), '48.8,2.3', "expected a place { latitude, longitude }, got '48.8,2.3'"],
  ],
  relation: [[definition('relation'), [{ id: 1 }], 'expected a related key (text or number), got object']],
};

function labelled<T>(cases: [PropertyDefinition, unknown, T][]) {
  return cases.map(([property, raw, expected]) => ({ label: JSON.stringify(raw) ?? 'undefined', property, raw, expected }));
}

describe('property types', () => {
  it('covers every property kind in both tables', () => {
    expect(Object.keys(accepts).sort()).toEqual(Object.keys(propertyTypes).sort());
    expect(Object.keys(rejects).sort()).toEqual(Object.keys(propertyTypes).sort());
  });

  describe.each(Object.entries(accepts))('%s accepts', (_kind, cases) => {
    it.each(labelled(cases))('$label', ({ property, raw, expected: stored }) => {
      expect(propertyTypes[property.type].normalize(raw, property)).toEqual(stored);
    });
  });

  describe.each(Object.entries(rejects))('%s rejects', (_kind, cases) => {
    it.each(labelled(cases))('$label', ({ property, raw, expected: reason }) => {
      const normalize = () => propertyTypes[property.type].normalize(raw, property);
      expect(normalize).toThrow(MappingError);
      expect(normalize).toThrow(new MappingError(reason));
    });
  });
});

describe('email length limits (the plain-address shortcut keeps them)', () => {
  const normalize = (raw: string) => () => propertyTypes.email.normalize(raw, definition('email'));
  it.each([
    ['a local part of 65 characters', `${'l'.repeat(65)}@example.com`],
    ['a domain label of 64 characters', `ann@${'d'.repeat(64)}.com`],
    ['a domain of 255 characters', `ann@${'d.'.repeat(126)}com`],
  ])('refuses %s', (_what, raw) => {
    expect(normalize(raw)).toThrow(/^invalid email '/);
  });
  it('accepts a domain of 253 characters', () => {
    const raw = `ann@${'d.'.repeat(125)}com`;
    expect(normalize(raw)()).toBe(raw);
  });
});

describe('each property type owns its facts', () => {
  it('the shape it is stored in is a codec of the store; types of one shape share a storage format', () => {
    for (const [type, entry] of Object.entries(propertyTypes)) expect(codecNameOf({ type: type as never })).toBe(entry.stored({}));
    expect(codecNameOf({ type: 'date', dateFormat: 'dateRange' })).toBe('dateRange');
    expect(codecNameOf({ type: 'title' })).toBe(codecNameOf({ type: 'select' }));
  });

  it('the structured value-source forms are the ones the date, file and place types declare', () => {
    expect(structuredForms.map((form) => [form.name, form.keys, form.required])).toEqual([
      ['dateRange', ['start', 'end'], ['start']],
      ['file', ['url', 'name'], ['url']],
      ['place', ['latitude', 'longitude', 'name', 'address'], ['latitude', 'longitude']],
    ]);
    const dateRange = structuredForms[0];
    expect([dateRange.fits({ type: 'date', dateFormat: 'dateRange' }), dateRange.fits({ type: 'date', dateFormat: 'date' })]).toEqual([true, false]);
  });
});
