import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Pacer } from '../../engine/http/pacer.js';

// The pacer's time is the test's: its windows and pauses open as the test advances the fake clock
// (setTimeout, Date and the monotonic performance.now), so no test sleeps or depends on speed.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the pacer's timers (advancing the clock as far as they need) until `promise` settles. */
async function drive<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

/** Starts that fall inside one window of `intervalMs` (with 1 ms for timer rounding). */
function maxStartsInAnyWindow(starts: number[], intervalMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j] - sorted[i] < intervalMs - 1) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('Pacer', () => {
  test('never lets more than allowedRequests start within any window, with several concurrent callers', async () => {
    const pacer = new Pacer('shared', { allowedRequests: 3, intervalMs: 50 });
    const starts: number[] = [];
    const t0 = performance.now();
    const caller = async () => {
      for (let i = 0; i < 4; i++) {
        const release = await pacer.wait();
        // Stamped before the release that starts the slot's window, so a caller resumed late under
        // load cannot make two windows look like one.
        starts.push(performance.now());
        release();
      }
    };
    await drive(Promise.all([caller(), caller(), caller()]));
    expect(starts).toHaveLength(12);
    expect(maxStartsInAnyWindow(starts, 50)).toBe(3);
    // 12 starts at 3 per 50 ms: the last window opens at 150 ms, and the pacer does not dawdle.
    expect(performance.now() - t0).toBe(150);
  });

  test('serves waiters first come, first served', async () => {
    const pacer = new Pacer('fifo', { allowedRequests: 1, intervalMs: 5 });
    const order: number[] = [];
    await drive(Promise.all([0, 1, 2, 3, 4].map((n) => pacer.wait().then((release) => { release(); order.push(n); }))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  test('shares the budget between owners, not calls: round robin, first come first served within an owner', async () => {
    const pacer = new Pacer('owners', { allowedRequests: 1, intervalMs: 5 });
    const order: string[] = [];
    const take = (owner: string, n: number) =>
      pacer.wait(undefined, owner).then((release) => {
        order.push(`${owner}${n}`);
        release();
      });
    // Sync A has four requests waiting (partitions in flight), sync B two, queued after A's.
    await drive(Promise.all([take('a', 1), take('a', 2), take('a', 3), take('a', 4), take('b', 1), take('b', 2)]));
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'a4']);
  });

  test('an owner that joins late is served at the next slot, not behind the backlog', async () => {
    const pacer = new Pacer('late', { allowedRequests: 1, intervalMs: 5 });
    const order: string[] = [];
    const take = (owner: string, n: number) =>
      pacer.wait(undefined, owner).then((release) => {
        order.push(`${owner}${n}`);
        release();
      });
    const early = [1, 2, 3, 4, 5, 6].map((n) => take('a', n));
    // One slot at 0 ms, the next at 5 ms: a has two served and four waiting when b joins.
    await vi.advanceTimersByTimeAsync(5);
    expect(order).toEqual(['a1', 'a2']);
    await drive(Promise.all([...early, take('b', 1)]));
    expect(order).toEqual(['a1', 'a2', 'b1', 'a3', 'a4', 'a5', 'a6']);
  });

  test('a burst up to the budget starts at once', async () => {
    const pacer = new Pacer('burst', { allowedRequests: 5, intervalMs: 1000 });
    const t0 = performance.now();
    await drive(Promise.all([1, 2, 3, 4, 5].map(() => pacer.wait().then((release) => release()))));
    expect(performance.now() - t0).toBe(0);
  });

  test('pauseUntil holds every waiter', async () => {
    const pacer = new Pacer('paused', { allowedRequests: 100, intervalMs: 1000 });
    await pacer.wait();
    pacer.pauseUntil(Date.now() + 80);
    pacer.pauseUntil(Date.now() + 10); // a shorter pause never shortens the longer one
    const t0 = performance.now();
    await drive(Promise.all([pacer.wait(), pacer.wait()]));
    expect(performance.now() - t0).toBe(80);
  });

  test('pausedForMs says how long a pause still holds', async () => {
    const pacer = new Pacer('paused-for', { allowedRequests: 1, intervalMs: 10 });
    expect(pacer.pausedForMs()).toBe(0);
    pacer.pauseUntil(Date.now() + 500);
    expect(pacer.pausedForMs()).toBe(500);
    pacer.pauseUntil(Date.now() - 1000); // the past is not a pause
    expect(pacer.pausedForMs()).toBe(500);
    await vi.advanceTimersByTimeAsync(200);
    expect(pacer.pausedForMs()).toBe(300);
    await vi.advanceTimersByTimeAsync(300);
    expect(pacer.pausedForMs()).toBe(0);
  });

  test('an aborted waiter leaves the queue without using a slot', async () => {
    // Had the aborted waiter used a slot, `next` would wait two intervals (400 ms).
    const pacer = new Pacer('abort', { allowedRequests: 1, intervalMs: 200 });
    (await pacer.wait())();
    const t0 = performance.now();
    const controller = new AbortController();
    const aborted = expect(pacer.wait(controller.signal)).rejects.toThrow('cancelled');
    const next = pacer.wait();
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error('cancelled'));
    await aborted;
    await drive(next);
    expect(performance.now() - t0).toBe(200);
    await expect(pacer.wait(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  test('holds a slot while its request is in flight; the window runs from the response', async () => {
    const pacer = new Pacer('inflight', { allowedRequests: 1, intervalMs: 30 });
    const release = await pacer.wait();
    const t0 = performance.now();
    let started = false;
    const next = pacer.wait().then(() => (started = true));
    // The first request takes 50 ms: the second may not start 30 ms after the first *started*
    // (the server may have seen the first arrive late), only 30 ms after it *finished*.
    await vi.advanceTimersByTimeAsync(50);
    expect(started).toBe(false);
    release();
    await drive(next);
    expect(performance.now() - t0).toBe(80);
  });

  test('rejects a budget it cannot keep', () => {
    expect(() => new Pacer('bad', { allowedRequests: 0, intervalMs: 10 })).toThrow(
      'pacer bad: allowedRequests must be a whole number of at least 1',
    );
    expect(() => new Pacer('bad', { allowedRequests: 1, intervalMs: 0 })).toThrow('pacer bad: intervalMs must be positive');
  });
});

describe('a pacer with a shared budget (every process on the database)', () => {
  /** A budget of `allowed` per `intervalMs` as the store keeps it, with what it was asked. */
  function sharedBudget(allowed: number, intervalMs: number) {
    const ended: number[] = [];
    let inFlight = 0;
    const given: number[] = [];
    let next = 1;
    return {
      given,
      ended,
      take: async (nowMs: number) => {
        const live = ended.filter((at) => at > nowMs - intervalMs);
        if (live.length + inFlight >= allowed) return { retryAt: Math.min(...live) + intervalMs };
        inFlight++;
        return { slot: next++ };
      },
      release: async (slot: number, nowMs: number, used: boolean) => {
        inFlight--;
        if (used) ended.push(nowMs);
        else given.push(slot);
      },
      pause: async () => undefined,
    };
  }

  test('a slot goes only when the shared window has one too', async () => {
    const pacer = new Pacer('shared', { allowedRequests: 10, intervalMs: 1000 });
    const budget = sharedBudget(2, 1000);
    pacer.share(budget);
    const starts: number[] = [];
    await drive(Promise.all(Array.from({ length: 5 }, async () => {
      const release = await pacer.wait();
      starts.push(Date.now());
      release();
    })));
    expect(starts).toHaveLength(5);
    // The local budget would let all five go at once; the shared one holds them to two a window.
    expect(maxStartsInAnyWindow(starts, 1000)).toBe(2);
    expect(budget.ended).toHaveLength(5);
  });

  test('the store failing fails the waiter with why, not a request over a budget it cannot see', async () => {
    const pacer = new Pacer('shared', { allowedRequests: 10, intervalMs: 1000 });
    pacer.share({ take: () => Promise.reject(new Error('database is locked')), release: async () => undefined, pause: async () => undefined });
    const refused = expect(pacer.wait()).rejects.toThrow('database is locked');
    await vi.runAllTimersAsync();
    await refused;
  });

  test('a waiter that gives up while the store is asked leaves its slot unused: it is given back', async () => {
    const pacer = new Pacer('shared', { allowedRequests: 10, intervalMs: 1000 });
    const budget = sharedBudget(2, 1000);
    pacer.share(budget);
    const controller = new AbortController();
    const stopped = expect(pacer.wait(controller.signal)).rejects.toThrow('stopped');
    controller.abort(new Error('stopped'));
    await vi.runAllTimersAsync();
    await stopped;
    expect(budget.given).toEqual([1]);
    expect(budget.ended).toEqual([]);
  });
});
