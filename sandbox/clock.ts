/**
 * The sandbox's notion of "now". Wall-clock based, but tests may push it forward (`advance`) to expire
 * tokens or pass a consistency lag without sleeping. It never goes backwards: a write stamped after
 * another must never look older, or keyset cursors in the engine would be tested against an API that
 * cannot exist.
 */

export interface Clock {
  /** Milliseconds since the epoch; non-decreasing. */
  now(): number;
  /** Moves the clock forward by `ms` (negative values are ignored). */
  advance(ms: number): void;
}

export function createClock(source: () => number = Date.now): Clock {
  let offset = 0;
  let last = -Infinity;
  return {
    now() {
      last = Math.max(last, source() + offset);
      return last;
    },
    advance(ms) {
      if (ms > 0) offset += ms;
    },
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
