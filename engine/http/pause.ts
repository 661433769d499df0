/**
 * A client's rate-limit pause and the waits it causes. The pause lives in the client's pacer when it
 * has one — every sync on that budget sits it out — else in the client itself. It keeps why it was set
 * (the headers of the answer that spent the budget), so each wait it imposes can say so: the caller's
 * metrics hear of every wait as it starts (SyncMetrics.onWait); the runtime logs it and counts it.
 */
import type { RateLimitWait } from '../core/types.js';
import type { Pacer } from './pacer.js';
import { formatTime } from './rate-limit.js';

export class RateLimitPause {
  private ownUntil = 0;
  private ownNote = '';

  constructor(private readonly pacer: Pacer | undefined) {}

  /** Holds requests until `epochMs` (never shortens a pause); `note` says why. */
  set(epochMs: number, note: string): void {
    if (this.pacer) this.pacer.pauseUntil(epochMs, note);
    else if (epochMs > this.ownUntil) {
      this.ownUntil = epochMs;
      this.ownNote = note;
    }
  }

  remainingMs(): number {
    return this.pacer ? this.pacer.pausedForMs() : Math.max(0, this.ownUntil - Date.now());
  }

  note(): string {
    return (this.pacer ? this.pacer.pauseNote : this.ownNote) || 'set by another request on this budget';
  }
}

/** Tells of a wait: the call's own counters when they listen, else the client's. */
export function recordWait(listeners: ({ onWait?: (wait: RateLimitWait) => void } | undefined)[], wait: RateLimitWait): void {
  listeners.find((metrics) => metrics?.onWait !== undefined)?.onWait?.(wait);
}

/** `the API asks to wait until 2024-01-02T04:00:00Z (in 3600 s), longer than the longest wait (900 s)` */
export function tooLong(waitMs: number, maxWaitMs: number): string {
  // To the second: resets come in whole seconds, and the pacer's pause has drifted a ms from its wall-clock origin.
  const until = formatTime(Math.round((Date.now() + waitMs) / 1000) * 1000);
  return `the API asks to wait until ${until} (in ${Math.ceil(waitMs / 1000)} s), longer than the longest wait (${Math.round(maxWaitMs / 1000)} s)`;
}
