/** The figures of a seed of the fault-injection suite, their one-line summary and their totals. */
import type { Sandbox } from '../../sandbox/server.js';
import type { Chaos, ChaosFigures } from './chaos.js';
import type { WriteCounts } from './writes.js';

export interface SeedFigures extends ChaosFigures {
  requests: number;
  faults: { '5xx': number; '429': number; slow: number };
  writes: WriteCounts;
  delivered: number;
  mismatches: number;
}

export function figuresOf(chaos: Chaos, sandbox: Sandbox, writes: WriteCounts, mismatches: string[]): SeedFigures {
  const { faults } = sandbox.source.stats;
  return {
    ...chaos.figures,
    requests: sandbox.source.stats.count({ pathPrefix: '/v1/' }),
    faults: { '5xx': faults['5xx'] ?? 0, '429': faults['429'] ?? 0, slow: faults.slow ?? 0 },
    writes,
    delivered: chaos.ledger.total.good,
    mismatches: mismatches.length + chaos.problems.length,
  };
}

/** One line; `ms`: how long the seed took. */
export function summary(label: string, f: SeedFigures, ms?: number): string {
  return (
    `${label}: ${f.runs} runs, ${f.cycles} cycles, ${f.kills} kills (${f.midPage} mid-page, ${f.beforeFirstAnswer} before any answer), ` +
    `${f.failedRuns} runs out of attempts; ${f.requests} requests, faults 5xx ${f.faults['5xx']} · 429 ${f.faults['429']} · slow ${f.faults.slow}, ` +
    `${f.retries} retries recorded; writes +${f.writes.create} ~${f.writes.update} −${f.writes.remove} bulk ${f.writes.bulk}; ` +
    `${f.upserted} upserted = ${f.delivered} delivered, ${f.recordFailures} record failures, ${f.deleted} deleted; ` +
    `${f.mismatches} mismatches${ms === undefined ? '' : `; ${(ms / 1000).toFixed(1)} s`}`
  );
}

export function total(all: SeedFigures[]): SeedFigures {
  const sum = (pick: (f: SeedFigures) => number) => all.reduce((acc, f) => acc + pick(f), 0);
  return {
    runs: sum((f) => f.runs), cycles: sum((f) => f.cycles), kills: sum((f) => f.kills), midPage: sum((f) => f.midPage),
    beforeFirstAnswer: sum((f) => f.beforeFirstAnswer), failedRuns: sum((f) => f.failedRuns), upserted: sum((f) => f.upserted),
    recordFailures: sum((f) => f.recordFailures), deleted: sum((f) => f.deleted), retries: sum((f) => f.retries),
    requests: sum((f) => f.requests), delivered: sum((f) => f.delivered), mismatches: sum((f) => f.mismatches),
    faults: { '5xx': sum((f) => f.faults['5xx']), '429': sum((f) => f.faults['429']), slow: sum((f) => f.faults.slow) },
    writes: {
      create: sum((f) => f.writes.create), update: sum((f) => f.writes.update),
      remove: sum((f) => f.writes.remove), bulk: sum((f) => f.writes.bulk),
    },
  };
}
