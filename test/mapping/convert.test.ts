import { describe, expect, it } from 'vitest';
import { compileConvertChain } from '../../engine/mapping/convert.js';
import { MappingError } from '../../engine/mapping/mapping-error.js';
import type { ConvertChain } from '../../engine/spec/types.generated.js';

/** The generated type reads `otherwise` (schema: any JSON) as an object; YAML may hold any value there. */
const loose = (step: unknown) => step as ConvertChain;

/** [chain, input, output] */
const converts: [string, ConvertChain, unknown, unknown][] = [
  ['toNumber string', 'toNumber', ' 12.5 ', 12.5],
  ['toNumber number', 'toNumber', 3, 3],
  ['toNumber boolean', 'toNumber', true, 1],
  ['toNumber array', 'toNumber', ['1', null, '2'], [1, null, 2]],
  ['toString number', 'toString', 12, '12'],
  ['toString boolean', 'toString', false, 'false'],
  ['toString object as JSON', 'toString', { a: [1] }, '{"a":[1]}'],
  ['toString array element-wise', 'toString', [1, { b: 2 }], ['1', '{"b":2}']],
  ['toBoolean word', 'toBoolean', 'Yes', true],
  ['toBoolean number', 'toBoolean', 0, false],
  ['toBoolean array', 'toBoolean', ['true', 'no'], [true, false]],
  ['fromEpochSeconds number', 'fromEpochSeconds', 1700000000, '2023-11-14T22:13:20.000Z'],
  ['fromEpochSeconds fraction', 'fromEpochSeconds', 1700000000.25, '2023-11-14T22:13:20.250Z'],
  ['fromEpochSeconds string', 'fromEpochSeconds', '0', '1970-01-01T00:00:00.000Z'],
  ['fromEpochMillis', 'fromEpochMillis', 1700000000123, '2023-11-14T22:13:20.123Z'],
  ['fromEpochMillis array', 'fromEpochMillis', [0, 1000], ['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:01.000Z']],
  ['toDate date-time', 'toDate', '2024-03-01T01:00:00+02:00', '2024-02-29'],
  ['toDate date', 'toDate', '2024-03-01', '2024-03-01'],
  ['fromEpochSeconds then toDate', ['fromEpochSeconds', 'toDate'], 1700000000, '2023-11-14'],
  ['trim', 'trim', '  a b  ', 'a b'],
  ['trim keeps numbers', 'trim', 4, 4],
  ['lowercase', 'lowercase', 'MiXed', 'mixed'],
  ['uppercase array', 'uppercase', ['a', 'b'], ['A', 'B']],
  ['emptyToNull empty string', 'emptyToNull', '', null],
  ['emptyToNull empty array', 'emptyToNull', [], null],
  ['emptyToNull keeps whitespace', 'emptyToNull', ' ', ' '],
  ['trim then emptyToNull', ['trim', 'emptyToNull'], '   ', null],
  ['emptyToNull keeps 0', 'emptyToNull', 0, 0],
  ['split', { split: ',' }, ' a, b,,c ', ['a', 'b', 'c']],
  ['split array flattens', { split: ';' }, ['a;b', 'c'], ['a', 'b', 'c']],
  ['split empty string', { split: ',' }, '', []],
  ['split then emptyToNull', [{ split: ',' }, 'emptyToNull'], ' , ', null],
  ['join', { join: ', ' }, ['a', 1, null, true], 'a, 1, true'],
  ['join keeps a string', { join: ',' }, 'a', 'a'],
  ['split then join', [{ split: '|' }, { join: ', ' }], 'a|b', 'a, b'],
  ['multiply cents', { multiply: 0.01 }, 1999, 19.99],
  ['multiply string', { multiply: 100 }, '0.07', 7],
  ['multiply array', { multiply: 2 }, [1, '2'], [2, 4]],
  ['map hit', { map: { open: 'Lead', won: 'Customer' } }, 'won', 'Customer'],
  ['map miss keeps input', { map: { open: 'Lead' } }, 'lost', 'lost'],
  ['map miss otherwise', loose({ map: { open: 'Lead' }, otherwise: 'Other' }), 'lost', 'Other'],
  ['map otherwise null', loose({ map: { open: 'Lead' }, otherwise: null }), 'lost', null],
  ['map number key', { map: { '1': 'Low', '2': 'High' } }, 2, 'High'],
  ['map boolean key', { map: { true: 'Yes' } }, true, 'Yes'],
  ['map array', { map: { a: 'A' } }, ['a', 'b'], ['A', 'b']],
  ['map does not see prototype keys', { map: { a: 'A' } }, 'constructor', 'constructor'],
  ['chain order', ['trim', 'lowercase', { map: { yes: true } }], ' YES ', true],
];

/** [chain, input, exact reason] */
const failures: [string, ConvertChain, unknown, string][] = [
  ['toNumber text', 'toNumber', 'abc', "toNumber: not a number: 'abc'"],
  ['toNumber in array', 'toNumber', ['1', 'x'], "toNumber: not a number: 'x'"],
  ['toNumber object', 'toNumber', { a: 1 }, 'toNumber: not a number: object'],
  ['toBoolean', 'toBoolean', 'maybe', "toBoolean: not a checkbox value: 'maybe' (expected true/false, yes/no or 1/0)"],
  ['fromEpochSeconds text', 'fromEpochSeconds', 'abc', "fromEpochSeconds: expected a number, got 'abc'"],
  ['fromEpochSeconds empty', 'fromEpochSeconds', '', "fromEpochSeconds: expected a number, got ''"],
  ['fromEpochSeconds boolean', 'fromEpochSeconds', true, 'fromEpochSeconds: expected a number, got true'],
  ['fromEpochSeconds out of range', 'fromEpochSeconds', 1e20, 'fromEpochSeconds: 100000000000000000000 is out of the date range'],
  ['fromEpochMillis text', 'fromEpochMillis', '2024-01-01', "fromEpochMillis: expected a number, got '2024-01-01'"],
  ['toDate text', 'toDate', 'tomorrow', "toDate: unparsable date: 'tomorrow'"],
  [
    'toDate number',
    'toDate',
    1700000000,
    'toDate: unparsable date: 1700000000 (numbers are not read as epochs; add the conversion fromEpochSeconds or fromEpochMillis)',
  ],
  ['trim object', 'trim', { a: 1 }, 'trim: expected text, got object'],
  ['lowercase object', 'lowercase', [{ a: 1 }], 'lowercase: expected text, got object'],
  ['uppercase object', 'uppercase', { a: 1 }, 'uppercase: expected text, got object'],
  ['split number', { split: ',' }, 12, 'split: expected text, got 12'],
  ['join objects', { join: ',' }, [{ a: 1 }], 'join: expected a list of text, got array'],
  ['multiply text', { multiply: 2 }, 'two', "multiply: not a number: 'two'"],
  ['map object', { map: { a: 1 } }, { a: 1 }, 'map: expected text, a number or a boolean, got object'],
];

const everyStep: ConvertChain[] = [
  'toNumber', 'toString', 'toBoolean', 'fromEpochSeconds', 'fromEpochMillis', 'toDate', 'trim', 'lowercase',
  'uppercase', 'emptyToNull', { split: ',' }, { join: ',' }, { multiply: 3 }, loose({ map: { x: 1 }, otherwise: 'y' }),
];

describe('compileConvertChain', () => {
  it.each(converts)('%s', (_name, chain, input, output) => {
    expect(compileConvertChain(chain)(input)).toEqual(output);
  });

  it.each(failures)('%s fails', (_name, chain, input, reason) => {
    const convert = compileConvertChain(chain);
    expect(() => convert(input)).toThrow(MappingError);
    expect(() => convert(input)).toThrow(new MappingError(reason));
  });

  it.each(everyStep.map((step) => [JSON.stringify(step), step] as const))('%s lets null and undefined through', (_name, step) => {
    const convert = compileConvertChain(step);
    expect(convert(null)).toBeNull();
    expect(convert(undefined)).toBeUndefined();
  });

  it('is the identity without a chain', () => {
    const value = { a: 1 };
    expect(compileConvertChain(undefined)(value)).toBe(value);
  });
});
