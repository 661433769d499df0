/**
 * Record conditions (`filter`, `deletes.when`): one field, tested against a value. Comparisons are strict
 * JSON equality — `equals: true` does not match the string "true" — and a field that is null counts as
 * absent for `exists`, since APIs write "no deletion date" as `deleted_at: null`.
 */
import type { Condition } from '../spec/model.generated.js';
import { jsonEqual } from './jsonEqual.js';
import { compileJsonPath } from './jsonpath.js';

export function matchesCondition(condition: Condition, record: unknown): boolean {
  return compileCondition(condition)(record);
}

/** Compiles the path once; every comparison the condition gives must hold. */
export function compileCondition(condition: Condition): (record: unknown) => boolean {
  const select = compileJsonPath(condition.path);
  const tests: ((value: unknown) => boolean)[] = [];
  if (Object.hasOwn(condition, 'equals')) tests.push((value) => jsonEqual(value, condition.equals));
  if (Object.hasOwn(condition, 'notEquals')) tests.push((value) => !jsonEqual(value, condition.notEquals));
  if (condition.in) {
    const options = condition.in;
    tests.push((value) => options.some((option) => jsonEqual(value, option)));
  }
  if (condition.notIn) {
    const options = condition.notIn;
    tests.push((value) => !options.some((option) => jsonEqual(value, option)));
  }
  if (condition.exists !== undefined) {
    const wanted = condition.exists;
    tests.push((value) => (value !== undefined && value !== null) === wanted);
  }
  if (tests.length === 0) {
    throw new Error(`condition on ${condition.path} gives no comparison (equals, notEquals, in, notIn or exists)`);
  }
  return (record) => {
    const value = select(record)[0];
    return tests.every((test) => test(value));
  };
}
