import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from '../../../engine/core/types.js';
import { codecNameOf, codecOf, describeValue } from '../../../engine/store/sqlite/codec.js';

const date = (dateFormat?: PropertyDefinition['dateFormat']): PropertyDefinition => ({ name: 'd', type: 'date', dateFormat });

describe('codecs', () => {
  it('share a storage format only between kinds that store the same shape', () => {
    expect(codecNameOf({ type: 'title' })).toBe(codecNameOf({ type: 'status' }));
    expect(codecNameOf(date())).toBe('text');
    expect(codecNameOf(date('dateTime'))).toBe('text');
    expect(codecNameOf(date('dateRange'))).toBe('dateRange');
    expect(codecNameOf({ type: 'relation' })).toBe(codecNameOf({ type: 'multiSelect' }));
    expect(codecNameOf({ type: 'file' })).not.toBe(codecNameOf({ type: 'place' }));
  });

  it.each<[PropertyDefinition['type'], unknown]>([
    ['title', 3],
    ['checkbox', 'true'],
    ['number', Number.POSITIVE_INFINITY],
    ['number', '1'],
    ['multiSelect', ['a', 1]],
    ['multiSelect', 'a'],
    ['file', { name: 'f.pdf' }],
    ['file', ['https://x/f.pdf']],
    ['place', { latitude: '51.5', longitude: 0, name: null, address: null }],
    ['place', { latitude: 51.5, longitude: 0, name: 7, address: null }],
  ])('%s refuses %j', (type, value) => {
    expect(codecOf({ type }).encode(value)).toBeUndefined();
  });

  it('refuses a date range without a start', () => {
    expect(codecOf(date('dateRange')).encode({ end: '2024-01-02' })).toBeUndefined();
  });

  it('stores JSON values in a canonical shape', () => {
    expect(codecOf({ type: 'file' }).encode({ url: 'https://x/f.pdf', extra: 1 })).toBe('{"url":"https://x/f.pdf","name":null}');
    expect(codecOf(date('dateRange')).encode({ end: null, start: '2024-01-01' })).toBe('{"start":"2024-01-01","end":null}');
  });

  it('describes rejected values without printing them', () => {
    expect([1, 'secret', [], {}, null, undefined, Number.NaN, true].map(describeValue)).toEqual([
      'a number', 'a string', 'an array', 'an object', 'null', 'undefined', 'NaN', 'a boolean',
    ]);
  });
});
