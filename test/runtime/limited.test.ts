import { describe, expect, it } from 'vitest';
import { runLimited } from '../../engine/runtime/limited.js';

/** Work that records when each item starts and ends, finishing when the test says so. */
function recorder() {
  const events: string[] = [];
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const work = (item: string) =>
    new Promise<string>((resolve, reject) => {
      events.push(`start ${item}`);
      pending.set(item, {
        resolve: () => {
          events.push(`end ${item}`);
          resolve(item.toUpperCase());
        },
        reject,
      });
    });
  /** Lets the event loop run the continuations (the next starts) after finishing an item. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    events,
    work,
    running: () => [...pending.keys()],
    async finish(item: string) {
      const entry = pending.get(item);
      if (!entry) throw new Error(`${item} is not running`);
      pending.delete(item);
      entry.resolve();
      await settle();
    },
    async fail(item: string, message: string) {
      const entry = pending.get(item)!;
      pending.delete(item);
      entry.reject(new Error(message));
      await settle();
    },
    settle,
  };
}

describe('runLimited', () => {
  it('runs at most `limit` at once, starting each as a slot frees, results in item order', async () => {
    const r = recorder();
    const done = runLimited(['a', 'b', 'c', 'd'], { limit: 2 }, r.work);
    await r.settle();
    expect(r.running()).toEqual(['a', 'b']);
    await r.finish('b');
    expect(r.running()).toEqual(['a', 'c']);
    await r.finish('a');
    await r.finish('c');
    await r.finish('d');
    expect(await done).toEqual(['A', 'B', 'C', 'D']);
  });

  it('runs the items of one group one after another, in order, while other groups overlap', async () => {
    const r = recorder();
    const group = (item: string) => item[0];
    const done = runLimited(['x1', 'x2', 'y1', 'x3', 'y2'], { limit: 4, groupOf: group }, r.work);
    await r.settle();
    expect(r.running()).toEqual(['x1', 'y1']);
    await r.finish('x1');
    expect(r.running()).toEqual(['y1', 'x2']);
    await r.finish('y1');
    await r.finish('x2');
    expect(r.running()).toEqual(['y2', 'x3']);
    await r.finish('x3');
    await r.finish('y2');
    expect(await done).toEqual(['X1', 'X2', 'Y1', 'X3', 'Y2']);
  });

  it('with limit 1, runs everything in the given order', async () => {
    const r = recorder();
    const done = runLimited(['x1', 'y1', 'x2'], { limit: 1, groupOf: (item) => item[0] }, r.work);
    for (const item of ['x1', 'y1', 'x2']) {
      await r.settle();
      await r.finish(item);
    }
    await done;
    expect(r.events).toEqual(['start x1', 'end x1', 'start y1', 'end y1', 'start x2', 'end x2']);
  });

  it('after a failure starts nothing new, lets the running finish, then throws the first failure', async () => {
    const r = recorder();
    let outcome: unknown;
    const done = runLimited(['a', 'b', 'c', 'd'], { limit: 3 }, r.work).then(
      () => (outcome = 'resolved'),
      (error: Error) => (outcome = error.message),
    );
    await r.settle();
    await r.fail('a', 'a broke');
    expect(r.running()).toEqual(['b', 'c']);
    await r.fail('c', 'c broke too');
    expect(outcome).toBeUndefined();
    await r.finish('b');
    await done;
    expect(outcome).toBe('a broke');
    expect(r.events).toEqual(['start a', 'start b', 'start c', 'end b']);
  });

  it('a synchronous throw in the work is a failure like any other', async () => {
    const work = (item: string): Promise<string> => {
      if (item === 'b') throw new Error('thrown before any await');
      return Promise.resolve(item);
    };
    await expect(runLimited(['a', 'b'], { limit: 1 }, work)).rejects.toThrow('thrown before any await');
  });

  it('once stopped, starts nothing more; items never started have no result', async () => {
    const r = recorder();
    let stop = false;
    const done = runLimited(['a', 'b', 'c'], { limit: 1, stopped: () => stop }, r.work);
    await r.settle();
    stop = true;
    await r.finish('a');
    expect(await done).toEqual(['A', undefined, undefined]);
  });

  it('refuses a limit that is not a whole number of at least 1', async () => {
    await expect(runLimited(['a'], { limit: 0 }, async () => 1)).rejects.toThrow('a concurrency limit must be a whole number of at least 1, got 0');
    await expect(runLimited(['a'], { limit: Number.NaN }, async () => 1)).rejects.toThrow('got NaN');
  });

  it('resolves at once with no items', async () => {
    expect(await runLimited([], { limit: 2 }, async () => 1)).toEqual([]);
  });
});
