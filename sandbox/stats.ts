/**
 * Request log. Engine tests count requests per time window (to check a pacer), per path (to check
 * that nothing was fetched twice) and per fault kind (to check each injected fault was retried).
 * Admin requests are not logged, so observing the sandbox does not change what is observed.
 */
import type { FaultKind } from './faults.js';

export interface RequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query string as requested. */
  url: string;
  /** 0 when the connection was reset. */
  status: number;
  /** Arrival time, epoch ms (sandbox clock). */
  time: number;
  durationMs: number;
  faults?: FaultKind[];
}

export interface StatsFilter {
  pathPrefix?: string;
  method?: string;
  status?: number;
  /** Inclusive lower bound on `time`, epoch ms. */
  from?: number;
  /** Exclusive upper bound on `time`, epoch ms. */
  to?: number;
}

export interface StatsSummary {
  total: number;
  byStatus: Record<string, number>;
  faults: Partial<Record<FaultKind, number>>;
  tokensIssued: number;
}

export class Stats {
  readonly requests: RequestLogEntry[] = [];
  readonly faults: Partial<Record<FaultKind, number>> = {};
  tokensIssued = 0;
  /** API requests being answered now, and the most ever at once: how many a client had in flight. */
  inFlight = 0;
  maxInFlight = 0;

  /** An API request arrived; the returned function is called once it is answered (or its socket closed). */
  arrived(): () => void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let done = false;
    return () => {
      if (!done) this.inFlight--;
      done = true;
    };
  }

  record(entry: RequestLogEntry): void {
    this.requests.push(entry);
    for (const kind of entry.faults ?? []) this.faults[kind] = (this.faults[kind] ?? 0) + 1;
  }

  filter(f: StatsFilter = {}): RequestLogEntry[] {
    return this.requests.filter(
      (r) =>
        (f.pathPrefix === undefined || r.path.startsWith(f.pathPrefix)) &&
        (f.method === undefined || r.method === f.method.toUpperCase()) &&
        (f.status === undefined || r.status === f.status) &&
        (f.from === undefined || r.time >= f.from) &&
        (f.to === undefined || r.time < f.to),
    );
  }

  count(f: StatsFilter = {}): number {
    return this.filter(f).length;
  }

  summary(f: StatsFilter = {}): StatsSummary {
    const byStatus: Record<string, number> = {};
    const rows = this.filter(f);
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return { total: rows.length, byStatus, faults: { ...this.faults }, tokensIssued: this.tokensIssued };
  }

  clear(): void {
    this.requests.length = 0;
    for (const key of Object.keys(this.faults)) delete this.faults[key as FaultKind];
    this.tokensIssued = 0;
  }
}
