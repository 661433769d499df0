import { describe, expect, test } from 'vitest';
import { matchesCondition } from '../../engine/extract/conditions.js';
import type { Condition } from '../../engine/spec/types.generated.js';

const record = { id: 1, status: 'deleted', deleted: true, archivedAt: null, tags: ['a', 'b'], meta: { n: 2 } };

describe('matchesCondition', () => {
  test.each<[string, Condition, boolean]>([
    ['equals a string', { path: '$.status', equals: 'deleted' as never }, true],
    ['equals is strict about types', { path: '$.deleted', equals: 'true' as never }, false],
    ['equals a boolean', { path: '$.deleted', equals: true as never }, true],
    ['equals an object, key order aside', { path: '$.meta', equals: { n: 2 } }, true],
    ['equals an array', { path: '$.tags', equals: ['a', 'b'] as never }, true],
    ['notEquals', { path: '$.status', notEquals: 'active' }, true],
    ['notEquals on the same value', { path: '$.status', notEquals: 'deleted' }, false],
    ['in', { path: '$.status', in: ['archived', 'deleted'] }, true],
    ['not in', { path: '$.status', in: ['archived'] }, false],
    ['notIn', { path: '$.status', notIn: ['archived'] }, true],
    ['exists', { path: '$.deleted', exists: true }, true],
    ['null does not exist', { path: '$.archivedAt', exists: true }, false],
    ['missing does not exist', { path: '$.nope', exists: false }, true],
    ['every comparison must hold', { path: '$.status', exists: true, notEquals: 'deleted' }, false],
  ])('%s', (_name, condition, expected) => {
    expect(matchesCondition(condition, record)).toBe(expected);
  });

  test('a condition without a comparison is refused', () => {
    expect(() => matchesCondition({ path: '$.status' }, record)).toThrow(
      'condition on $.status gives no comparison (equals, notEquals, in, notIn or exists)',
    );
  });
});
