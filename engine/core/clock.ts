/**
 * The clock seam: what reads the time for schedules, buffers and run history asks a Clock, so a
 * test can drive the time instead of sleeping. Everything defaults to systemClock.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
