import { describe, expect, test } from 'vitest';
import { nextRun, parseSchedule } from '../../engine/schedule/parse.js';

describe('parseSchedule', () => {
  test.each([
    ['manual', { kind: 'manual' }],
    ['30s', { kind: 'interval', ms: 30_000, text: '30s' }],
    ['5m', { kind: 'interval', ms: 300_000, text: '5m' }],
    ['1h', { kind: 'interval', ms: 3_600_000, text: '1h' }],
    ['1d', { kind: 'interval', ms: 86_400_000, text: '1d' }],
    ['*/15 * * * *', { kind: 'cron', expression: '*/15 * * * *' }],
    ['0 30 9 * * 1-5', { kind: 'cron', expression: '0 30 9 * * 1-5' }],
  ])('%s', (text, schedule) => {
    expect(parseSchedule(text)).toEqual({ ok: true, schedule });
  });

  test.each([
    ['5x', "invalid schedule '5x': expected 'manual', an interval such as 30s, 5m, 1h or 1d, or a 5- or 6-field cron expression"],
    ['2h30m', "invalid schedule '2h30m': expected 'manual', an interval such as 30s, 5m, 1h or 1d, or a 5- or 6-field cron expression"],
    ['0m', "invalid interval '0m': it must be greater than zero"],
    ['*/61 * * * *', "invalid cron expression '*/61 * * * *': Syntax error, max steps for part is (60)"],
    ['60 * * * *', "invalid cron expression '60 * * * *': Invalid value for minute: 60"],
    ['* * * *', "invalid cron expression '* * * *': expected 5 or 6 fields, got 4"],
  ])('%s is rejected', (text, message) => {
    expect(parseSchedule(text)).toEqual({ ok: false, message });
  });
});

describe('nextRun', () => {
  const from = new Date('2024-03-01T10:07:30Z');

  test('manual never runs by itself', () => {
    expect(nextRun({ kind: 'manual' }, from)).toBeNull();
  });

  test('an interval runs that long after the last run', () => {
    expect(nextRun({ kind: 'interval', ms: 300_000, text: '5m' }, from)?.toISOString()).toBe('2024-03-01T10:12:30.000Z');
  });

  test('cron runs at the next matching time', () => {
    expect(nextRun({ kind: 'cron', expression: '*/15 * * * *' }, from, { timezone: 'UTC' })?.toISOString()).toBe('2024-03-01T10:15:00.000Z');
    expect(nextRun({ kind: 'cron', expression: '0 9 * * 1-5' }, from, { timezone: 'UTC' })?.toISOString()).toBe('2024-03-04T09:00:00.000Z');
  });
});
