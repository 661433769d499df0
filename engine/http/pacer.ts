/**
 * A rate budget shared by every sync that names it: never more than `allowedRequests` request starts in
 * any window of `intervalMs` (a sliding window, not fixed buckets, so no burst at a bucket edge). Waiters
 * are served first come, first served, so syncs sharing a pacer split its budget fairly. A rate-limit answer
 * seen by one of them pauses all of them (`pauseUntil`).
 */
import { abortReason } from './sleep.js';

export interface PacerOptions {
  allowedRequests: number;
  intervalMs: number;
}

interface Waiter {
  resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class Pacer {
  private readonly allowed: number;
  private readonly intervalMs: number;
  /** Start times of the requests still inside the window, oldest first (monotonic clock). */
  private readonly starts: number[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pausedUntil = 0;

  constructor(
    readonly name: string,
    options: PacerOptions,
    /** A monotonic clock in ms; wall-clock jumps must not open or close the window. */
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(options.allowedRequests) || options.allowedRequests < 1) {
      throw new Error(`pacer ${name}: allowedRequests must be a whole number of at least 1`);
    }
    if (!(options.intervalMs > 0)) throw new Error(`pacer ${name}: intervalMs must be positive`);
    this.allowed = options.allowedRequests;
    this.intervalMs = options.intervalMs;
  }

  /** Resolves when this caller may start a request; rejects with the signal's reason if it aborts first. */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        signal,
        onAbort: () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(abortReason(signal!));
          this.pump();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Holds every waiter until the given wall-clock time (a Date or epoch ms); never shortens a pause. */
  pauseUntil(until: Date | number): void {
    const delay = (typeof until === 'number' ? until : until.getTime()) - Date.now();
    if (delay <= 0) return;
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + delay);
    if (this.queue.length > 0) this.pump();
  }

  private pump(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const now = this.clock();
      while (this.starts.length > 0 && this.starts[0] <= now - this.intervalMs) this.starts.shift();
      const windowOpensAt = this.starts.length >= this.allowed ? this.starts[0] + this.intervalMs : now;
      const readyAt = Math.max(windowOpensAt, this.pausedUntil);
      if (readyAt > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.ceil(readyAt - now));
        return;
      }
      const waiter = this.queue.shift()!;
      this.starts.push(now);
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
  }
}
