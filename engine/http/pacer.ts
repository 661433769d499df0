/**
 * A rate budget shared by every sync that names it: never more than `allowedRequests` requests in any
 * window of `intervalMs` (a sliding window, not fixed buckets, so no burst at a bucket edge). A rate-limit
 * answer seen by one of them pauses all of them (`pauseUntil`).
 *
 * Fairness is between owners (one per sync), not between calls: when a slot opens it goes to the waiting
 * owner served least recently, first come first served within an owner. A sync with four partitions in
 * flight then gets the same share as a sync with one, not four times as much, and a sync that joins late
 * is served at the next slot instead of behind everyone's backlog. Waiters without an owner form one group.
 *
 * The budget is the server's, and the server counts arrivals, which trail our starts by a varying
 * latency. So a slot is held while its request is in flight and its window runs from when the
 * response came back (`release`): the next request that reuses the slot then starts after the
 * previous one certainly arrived, and the server never sees more than the budget in a window.
 *
 * The budget is also the API's across processes: with a SharedBudget (the store's, every process on
 * the database sees it) a slot is granted only when the shared window has one as well, so two
 * `syncspec run`s back to back, or a service and a manual run, together keep to it; and a rate
 * limit one of them is told of holds the others until its reset.
 */
import type { PacerSlotGrant } from '../store/store.js';
import { abortReason } from './sleep.js';

export interface PacerOptions {
  allowedRequests: number;
  intervalMs: number;
}

/** Call when the request's response (or failure) came back. */
export type Release = () => void;

interface Slot {
  /** When the window of this slot began: Infinity while its request is in flight. */
  endedAt: number;
}

/** The budget as every process on the database keeps it (Store.takePacerSlot, bound to one pacer). */
export interface SharedBudget {
  take(nowMs: number): Promise<PacerSlotGrant>;
  release(slot: number, nowMs: number, used: boolean): Promise<void>;
  /** A rate limit this process was told of holds every process until `untilMs` (epoch ms). */
  pause(untilMs: number): Promise<void>;
}

/** A waiter gave up: the pacer was paused (a rate limit) for longer than it may wait. */
export class PauseTooLong extends Error {
  constructor(readonly pausedMs: number) {
    super(`the pacer is paused for ${pausedMs} ms`);
    this.name = 'PauseTooLong';
  }
}

interface Waiter {
  owner: unknown;
  /** The longest pause this waiter sits out; a longer one rejects it with PauseTooLong. */
  maxPauseMs: number;
  resolve: (release: Release) => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class Pacer {
  private readonly allowed: number;
  private readonly intervalMs: number;
  /** Slots in use: requests in flight, and finished ones whose window has not passed (monotonic clock). */
  private readonly slots: Slot[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pausedUntil = 0;
  /** Why the pacer is paused: the rate-limit headers of the answer that paused it last. */
  pauseNote = '';
  /** The turn at which each owner was last served; owners are long-lived (one per sync), so this stays small. */
  private readonly lastServed = new Map<unknown, number>();
  private turn = 0;
  private shared: SharedBudget | undefined;
  /** A shared slot is being asked for: one request to the store at a time. */
  private taking = false;
  /** The shared window is spent until then (this pacer's monotonic clock). */
  private sharedOpensAt = 0;

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

  /**
   * Resolves when this caller may start a request, with the Release to call when it completes;
   * rejects with the signal's reason if it aborts first. `owner` (any value, compared by identity) is
   * who the request is for: the budget is shared fairly between owners.
   */
  wait(signal?: AbortSignal, owner?: unknown, maxPauseMs = Infinity): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        maxPauseMs,
        resolve,
        reject,
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

  /** From now on a slot also needs one of the shared budget. */
  share(budget: SharedBudget): void {
    this.shared = budget;
  }

  /** Holds every waiter until the given wall-clock time (a Date or epoch ms); never shortens a pause. */
  pauseUntil(until: Date | number, note = ''): void {
    const untilMs = typeof until === 'number' ? until : until.getTime();
    const delay = untilMs - Date.now();
    if (delay <= 0) return;
    // The other processes on the database hold off too; should the store fail, this one still does.
    void this.shared?.pause(untilMs).catch(() => undefined);
    if (this.clock() + delay > this.pausedUntil) {
      this.pausedUntil = this.clock() + delay;
      this.pauseNote = note;
    }
    // Waiters already queued must not sit out a pause longer than they may wait either.
    const paused = this.pausedForMs();
    for (const waiter of this.queue.filter((queued) => paused > queued.maxPauseMs)) {
      this.queue.splice(this.queue.indexOf(waiter), 1);
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new PauseTooLong(paused));
    }
    if (this.queue.length > 0) this.pump();
  }

  /** How long the pacer stays paused by a rate limit (0 when it is not). */
  pausedForMs(): number {
    return Math.max(0, Math.ceil(this.pausedUntil - this.clock()));
  }

  private pump(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const now = this.clock();
      for (let i = this.slots.length - 1; i >= 0; i--) {
        if (this.slots[i].endedAt <= now - this.intervalMs) this.slots.splice(i, 1);
      }
      const windowOpensAt = this.slots.length >= this.allowed ? Math.min(...this.slots.map((slot) => slot.endedAt)) + this.intervalMs : now;
      // Every slot in flight: the next release pumps again.
      if (windowOpensAt === Infinity) return;
      const readyAt = Math.max(windowOpensAt, this.pausedUntil, this.sharedOpensAt);
      if (readyAt > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.ceil(readyAt - now));
        return;
      }
      if (this.shared) {
        this.takeShared(this.shared);
        return;
      }
      this.serve(undefined);
    }
  }

  /** Asks the shared budget for a slot; served, the next waiter goes; refused, the pump waits until it opens. */
  private takeShared(shared: SharedBudget): void {
    if (this.taking) return;
    this.taking = true;
    shared.take(Date.now()).then(
      (grant) => {
        this.taking = false;
        if ('retryAt' in grant) {
          this.sharedOpensAt = this.clock() + Math.max(1, grant.retryAt - Date.now());
        } else if (this.queue.length === 0 || this.pausedForMs() > 0) {
          // The waiter gave up, or a rate limit paused the pacer, while the store was asked.
          void shared.release(grant.slot, Date.now(), false).catch(() => undefined);
        } else {
          this.serve({ budget: shared, slot: grant.slot });
        }
        this.pump();
      },
      (error: unknown) => {
        this.taking = false;
        // The store could not be asked (locked past its busy timeout, unwritable): the next waiter
        // fails with why rather than going over a budget it cannot see.
        const [waiter] = this.queue.splice(this.nextWaiter(), 1);
        if (waiter) {
          waiter.signal?.removeEventListener('abort', waiter.onAbort);
          waiter.reject(error instanceof Error ? error : new Error(String(error)));
        }
        this.pump();
      },
    );
  }

  private serve(shared: { budget: SharedBudget; slot: number } | undefined): void {
    const [waiter] = this.queue.splice(this.nextWaiter(), 1);
    this.lastServed.set(waiter.owner, this.turn++);
    const slot: Slot = { endedAt: Infinity };
    this.slots.push(slot);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(() => {
      // The shared slot first: its window is on record before this release lets the next request ask.
      if (shared && slot.endedAt === Infinity) void shared.budget.release(shared.slot, Date.now(), true).catch(() => undefined);
      this.release(slot);
    });
  }

  /** The first waiter of the owner served least recently (never served counts as longest ago). */
  private nextWaiter(): number {
    let best = 0;
    let bestTurn = Infinity;
    for (let i = 0; i < this.queue.length; i++) {
      const turn = this.lastServed.get(this.queue[i].owner) ?? -1;
      if (turn < bestTurn) {
        best = i;
        bestTurn = turn;
      }
    }
    return best;
  }

  private release(slot: Slot): void {
    if (slot.endedAt !== Infinity) return;
    slot.endedAt = this.clock();
    if (this.queue.length > 0) this.pump();
  }
}
