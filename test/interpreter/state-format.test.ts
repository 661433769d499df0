/**
 * The stored state's format (engine/interpreter/state-format.ts): a state without `v` is format 1,
 * loaded as it is; `v: 1` is the same state; a newer format is refused by loadState and left
 * unread, as JSON, by describeState. (How describeState reads format 1: test/cli/state-display.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { SyncError } from '../../engine/core/errors.js';
import { describeState, loadState, STATE_FORMAT, type SpecState } from '../../engine/interpreter/state-format.js';

const state: SpecState = {
  phase: 'deletes',
  cursor: { value: '2024-05-01T09:59:50.000Z', id: 'cus_000012' },
  deletes: { cursor: { value: 'evt_0042', id: null }, page: { position: { at: 'tok_7' }, skip: 2, done: ['a', 'b'] } },
  failing: 'delta',
};

describe('loadState', () => {
  test('a state without a version is format 1, loaded as the very object stored', () => {
    expect(STATE_FORMAT).toBe(1);
    expect(loadState(state)).toBe(state);
    expect(loadState(undefined)).toBeUndefined();
    expect(loadState({})).toEqual({});
  });

  test('`v: 1` is the same state, without the key', () => {
    expect(loadState({ v: 1, ...state } as SpecState)).toEqual(state);
  });

  test('a newer (or unknown) format is refused, not misread', () => {
    for (const v of [2, '1', null]) {
      const stored = { v, ...state } as SpecState;
      expect(() => loadState(stored)).toThrow(SyncError);
      expect(() => loadState(stored)).toThrow(`state format ${JSON.stringify(v)}`);
    }
  });
});

describe('describeState and the format', () => {
  const view = {
    phase: 'deletes', failing: 'delta', cursor: '2024-05-01T09:59:50.000Z (cus_000012)', deleteCursor: 'evt_0042', page: 'deletes at tok_7, 2 committed', rest: undefined,
  };

  test('with or without `v: 1`, a state reads the same', () => {
    expect(describeState(state)).toEqual(view);
    expect(describeState({ v: 1, ...state })).toEqual(view);
  });

  test('a state of another format is left whole, as JSON', () => {
    const future = { v: 2, ...state };
    expect(describeState(future)).toEqual({ phase: '-', failing: '-', cursor: '-', deleteCursor: '-', page: '-', rest: JSON.stringify(future) });
  });
});
