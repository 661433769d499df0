/**
 * Cursor kinds own their facts: how a raw value is read, ordered, capped and written back. The
 * registry holds exactly the schema's cursor types.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cursorKinds } from '../../engine/cursor/registry.js';
import { ROOT } from '../support/project.js';

describe('cursor kinds', () => {
  test('the registry holds every cursor type of the schema', () => {
    const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/connector.schema.json'), 'utf8'));
    expect(Object.keys(cursorKinds).sort()).toEqual([...schema.$defs.cursor.properties.type.enum].sort());
  });

  test('timestamps: any declared format in, ISO-8601 UTC kept, the API\'s format out; capped by the buffer', () => {
    const { timestamp } = cursorKinds;
    expect(timestamp.canonical('2024-05-01 10:00:00', 'sql')).toEqual({ value: '2024-05-01T10:00:00.000Z' });
    expect(timestamp.canonical(1714557600, 'epochSeconds')).toEqual({ value: '2024-05-01T10:00:00.000Z' });
    expect(timestamp.canonical('soon', 'iso')).toEqual({ problem: 'expected a timestamp (format iso)' });
    expect(timestamp.render('2024-05-01T10:00:00.000Z', 'sql')).toBe('2024-05-01 10:00:00');
    expect(timestamp.render('2024-05-01T10:00:00.000Z', 'epochMillis')).toBe(1714557600000);
    expect(timestamp.compare('2024-05-01T10:00:00+02:00', '2024-05-01T09:00:00Z')).toBeLessThan(0);
    expect([timestamp.capped, timestamp.start]).toEqual([true, '1970-01-01T00:00:00.000Z']);
  });

  test('numbers by value, strings by code units, opaque tokens not at all', () => {
    expect(cursorKinds.number.canonical('10', 'iso')).toEqual({ value: 10 });
    expect(cursorKinds.number.compare(9, 10)).toBeLessThan(0);
    expect(cursorKinds.string.compare('10', '9')).toBeLessThan(0);
    expect(cursorKinds.string.canonical(10, 'iso')).toEqual({ problem: 'expected a string cursor (numeric ids need type: number)' });
    expect(cursorKinds.opaque.compare('b', 'a')).toBe(0);
    expect(Object.values(cursorKinds).filter((kind) => kind.capped)).toEqual([cursorKinds.timestamp]);
    expect([cursorKinds.opaque.inDeleteStream, cursorKinds.opaque.tieBreaker, cursorKinds.opaque.start]).toEqual([false, false, undefined]);
  });
});
