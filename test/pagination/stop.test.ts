import { describe, expect, test } from 'vitest';
import { compileStop, type StopInput } from '../../engine/pagination/stop.js';
import type { Stop } from '../../engine/spec/types.generated.js';

const REQ = 'GET https://api.x/items';
const input = (overrides: Partial<StopInput>): StopInput => ({ body: {}, records: [1, 2, 3], next: 'tok', request: REQ, ...overrides });
const check = (stop: Stop, pageSize?: number, pastTotal?: (total: number, next: unknown) => boolean) =>
  compileStop(stop, { pageSize, pastTotal });

describe('stop conditions', () => {
  test.each<[string, Stop, Partial<StopInput>, string | undefined]>([
    ['hasMore true goes on', { hasMore: '$.has_more' }, { body: { has_more: true } }, undefined],
    ['hasMore false stops', { hasMore: '$.has_more' }, { body: { has_more: false } }, 'hasMore'],
    ['hasMore "false" stops', { hasMore: '$.more' }, { body: { more: 'false' } }, 'hasMore'],
    ['hasMore 0 stops', { hasMore: '$.more' }, { body: { more: 0 } }, 'hasMore'],
    ['hasMore null stops', { hasMore: '$.more' }, { body: { more: null } }, 'hasMore'],
    ['done true stops', { done: '$.done' }, { body: { done: true } }, 'done'],
    ['done "True" stops', { done: '$.done' }, { body: { done: 'True' } }, 'done'],
    ['done false goes on', { done: '$.done' }, { body: { done: false } }, undefined],
    ['missing token stops', { missingToken: true }, { next: undefined }, 'missingToken'],
    ['a token goes on', { missingToken: true }, {}, undefined],
    ['empty page stops', { emptyPage: true }, { records: [] }, 'emptyPage'],
    ['short page stops', { shortPage: true }, { records: [1, 2] }, 'shortPage'],
    ['full page goes on', { shortPage: true }, {}, undefined],
    ['any condition stops: done false but short', { done: '$.done', shortPage: true }, { body: { done: false }, records: [1] }, 'shortPage'],
    ['any condition stops: done true and full', { done: '$.done', shortPage: true }, { body: { done: true } }, 'done'],
  ])('%s', (_name, stop, overrides, expected) => {
    expect(check(stop, 3, () => false)(input(overrides))).toBe(expected);
  });

  test('total asks the style whether the next position is past it', () => {
    const seen: unknown[] = [];
    const stop = check({ total: '$.total' }, undefined, (total, next) => {
      seen.push([total, next]);
      return (next as number) >= total;
    });
    expect(stop(input({ body: { total: 7 }, next: 6 }))).toBeUndefined();
    expect(stop(input({ body: { total: '7' }, next: 9 }))).toBe('total');
    expect(seen).toEqual([
      [7, 6],
      [7, 9],
    ]);
    expect(() => stop(input({ body: { total: 'many' }, next: 1 }))).toThrow(
      'GET https://api.x/items: stop.total $.total is not a number (got string)',
    );
  });

  test('a response field that is not there is an error, not a silent stop', () => {
    expect(() => check({ hasMore: '$.hasMore' })(input({ body: { has_more: true, data: [] } }))).toThrow(
      'GET https://api.x/items: stop.hasMore path $.hasMore found nothing in the response (the response is object with keys has_more, data)',
    );
  });
  // The configuration rules (shortPage without pageSize, total on a style without one) are check.ts's:
  // test/pagination/check.test.ts.
});
