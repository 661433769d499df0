/**
 * Optional server-wide request budget (fixed window). Off by default so tests and benchmarks run at
 * full speed; when on, the engine's pacer must stay under it or meet 429/403 answers.
 */
import type { Clock } from './clock.js';

export interface RateLimitOptions {
  /** Requests allowed per window. */
  requests: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends, epoch ms. */
  resetAt: number;
}

/** What GitHub-style headers report when no budget is configured: a budget that never runs out. */
const NOTIONAL = { requests: 5000, windowMs: 3_600_000 };

export class RateLimiter {
  private windowStart = -Infinity;
  private used = 0;

  constructor(
    private readonly clock: Clock,
    private config: RateLimitOptions | undefined,
  ) {}

  configure(config: RateLimitOptions | undefined): void {
    if (config && (!(config.requests >= 1) || !(config.windowMs >= 1))) throw new RangeError('rateLimit needs requests >= 1 and windowMs >= 1');
    this.config = config;
    this.windowStart = -Infinity;
    this.used = 0;
  }

  get options(): RateLimitOptions | undefined {
    return this.config;
  }

  /** The budget as it stands, without spending any (for headers on answers that cost nothing). */
  peek(): RateDecision {
    const now = this.clock.now();
    if (!this.config) return { allowed: true, limit: NOTIONAL.requests, remaining: NOTIONAL.requests, resetAt: now + NOTIONAL.windowMs };
    const { requests, windowMs } = this.config;
    if (now >= this.windowStart + windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    return { allowed: this.used < requests, limit: requests, remaining: requests - this.used, resetAt: this.windowStart + windowMs };
  }

  /** Spends one request if any is left; refused requests cost nothing. */
  take(): RateDecision {
    const decision = this.peek();
    if (!decision.allowed || !this.config) return decision;
    this.used++;
    return { ...decision, remaining: decision.remaining - 1 };
  }
}
