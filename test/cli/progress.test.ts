/**
 * Progress bars on a fake terminal (a stream that says it is a TTY): one line per running sync,
 * a percentage bar when the source tells a total, a counter otherwise; log lines above the bars.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createProgressBoard, progressLine, type SyncProgress } from '../../engine/cli/progress.js';
import type { CycleSummary } from '../../engine/runtime/loop.js';

function fakeTerminal(): { stream: PassThrough & { isTTY: true; columns: number }; screen: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true as const, columns: 120 });
  let out = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  // What a reader sees of the output, roughly: a return to the line's start (CR, or CSI 1 G) and the
  // clear that follows it mean the text after it replaces the line; other escape sequences go. (The
  // screen as a real terminal draws it is test/cli/progress-terminal.test.ts's, in tmux.)
  return {
    stream,
    screen: () => out.replace(/\x1b\[1G/g, '\r').replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '').split('\n').map((line) => line.slice(line.lastIndexOf('\r') + 1)).join('\n'),
  };
}

const finish = (sync: string, runId: number, overrides: Partial<CycleSummary> = {}): CycleSummary => ({
  sync, runId, status: 'completed', full: true, resynced: false, notSwept: null, upserted: 0, deleted: 0, swept: 0, failed: 0, stale: 0,
  requests: 0, retries: 0, durationMs: 0, error: null, failures: [], ...overrides,
});

describe('progressLine', () => {
  const base: SyncProgress = { sync: 'crm.issues', startedAt: 1_000, endedAt: null, status: 'running', pages: 4, records: 60, progress: null };
  const at = (state: SyncProgress, now = 3_000) => progressLine(state, { now, nameWidth: 14, barWidth: 10 });

  test.each([
    ['a counter when no total is known', base, 'crm.issues      running | 4 pages | 60 records | 30/s'],
    ['a bar when the source told a total', { ...base, progress: { done: 60, total: 150 } }, 'crm.issues      [####------]  40% | 4 pages | 60 records | 30/s'],
    ['singular words', { ...base, pages: 1, records: 1 }, 'crm.issues      running | 1 page | 1 record | 1/s'],
    ['the rate stops with the run; the status ends the line', { ...base, endedAt: 2_000, status: 'completed' as const }, 'crm.issues      4 pages | 60 records | 60/s | completed'],
    ['a failed run keeps the bar where it was', { ...base, endedAt: 5_000, status: 'failed' as const, progress: { done: 75, total: 150 } }, 'crm.issues      [#####-----]  50% | 4 pages | 60 records | 15/s | failed'],
  ])('%s', (_, state, line) => {
    expect(at(state)).toBe(line);
  });

  test('no time elapsed: rate 0, not a division by zero', () => {
    expect(at(base, 1_000)).toBe('crm.issues      running | 4 pages | 60 records | 0/s');
  });
});

describe('createProgressBoard', () => {
  test('draws one line per started sync, follows commits, and leaves the final lines on screen', () => {
    const terminal = fakeTerminal();
    let now = 0;
    const board = createProgressBoard(terminal.stream, { syncs: ['crm.contacts', 'crm.issues'], now: () => now, barWidth: 10 });
    board.onEvent({ type: 'start', sync: 'crm.contacts', runId: 1, full: true, resumed: false });
    board.onEvent({ type: 'start', sync: 'crm.issues', runId: 2, full: true, resumed: false });
    now = 1_000;
    board.onEvent({ type: 'commit', runId: 1, sync: 'crm.contacts', partition: '', upserted: 49, deleted: 0, failed: 1, requests: 1, progress: null });
    board.onEvent({ type: 'commit', runId: 2, sync: 'crm.issues', partition: 'a/b', upserted: 30, deleted: 0, failed: 0, requests: 1, progress: { done: 30, total: 120 } });
    now = 2_000;
    board.onEvent({ type: 'commit', runId: 1, sync: 'crm.contacts', partition: '', upserted: 50, deleted: 0, failed: 0, requests: 2, progress: null });
    board.onEvent({ type: 'finish', summary: finish('crm.contacts', 1, { upserted: 99, failed: 1 }) });
    board.stop();
    const lines = terminal.screen().split('\n').map((line) => line.trimEnd()).filter(Boolean);
    expect(lines.slice(-2)).toEqual([
      'crm.contacts  2 pages | 100 records | 50/s | completed',
      'crm.issues    [###-------]  25% | 1 page | 30 records | 15/s',
    ]);
  });

  test('log lines written while bars are drawn appear above them, whole', () => {
    const terminal = fakeTerminal();
    const board = createProgressBoard(terminal.stream, { syncs: ['crm.repos'], now: () => 0 });
    board.onEvent({ type: 'start', sync: 'crm.repos', runId: 7, full: true, resumed: false });
    board.logStream.write('crm.repos: run 7 started (full cycle)\n');
    board.stop();
    const lines = terminal.screen().split('\n').map((line) => line.trimEnd()).filter(Boolean);
    expect(lines).toContain('crm.repos: run 7 started (full cycle)');
    expect(lines.at(-1)).toBe('crm.repos  running | 0 pages | 0 records | 0/s');
    expect(lines.indexOf('crm.repos: run 7 started (full cycle)')).toBeLessThan(lines.length - 1);
  });

  test('once stopped, log lines go straight to the terminal and events are ignored', () => {
    const terminal = fakeTerminal();
    const board = createProgressBoard(terminal.stream, { syncs: ['crm.repos'] });
    board.stop();
    board.onEvent({ type: 'start', sync: 'crm.repos', runId: 1, full: true, resumed: false });
    board.logStream.write('after the bars\n');
    expect(terminal.screen()).toBe('after the bars\n');
  });

  test('a skipped sync (no run) gets no bar', () => {
    const terminal = fakeTerminal();
    const board = createProgressBoard(terminal.stream, { syncs: ['crm.repos'] });
    board.onEvent({ type: 'finish', summary: finish('crm.repos', null as unknown as number, { status: 'skipped', runId: null }) });
    board.stop();
    expect(terminal.screen().trim()).toBe('');
  });
});
