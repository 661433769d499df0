/**
 * The four ways a spec can learn about deletions, each a spec under specs/ and a recipe for
 * driving it: which cycle a random step runs, and what one convergence pass is.
 */
import type { Random } from '../support/prng.js';

export type StrategyName = 'sweep' | 'sweep-paged' | 'markers' | 'flip-flop' | 'event-feed' | 'stripe-events';

/** Syncs of one cycle step: run one after the other, or all at once (overlapping cycles). */
export interface CyclePlan {
  syncs: string[];
  overlap: boolean;
}

export interface Strategy {
  /** The spec, relative to the repository root. */
  spec: string;
  /** The cycle that starts the run (the initial load). */
  first: CyclePlan;
  /** A cycle of the random phase. */
  step(random: Random): CyclePlan;
  /**
   * One convergence pass: after it, every deletion and change older than the buffer must be in the
   * database. A flip-flop sync needs two cycles for that, one per phase.
   */
  pass: string[];
  /**
   * Deletions wait for a pass's last sync (the backfill's sweep): before it, the live contacts must
   * already be exact, and only removed ones may linger.
   */
  deletesOnlyAtEnd: boolean;
  /**
   * The feed's versions have whole seconds: the mutator also writes one record several times within
   * one second (created, updated, deleted), the ties a version order cannot break by itself.
   */
  sameSecondWrites?: boolean;
  /**
   * The backfill pages by position (page numbers): a write while it pages shifts the records after it,
   * hiding one from that cycle and its sweep — the style's own hazard, not the engine's. Writes go
   * between cycles only.
   */
  positional?: boolean;
}

const sequential = (...syncs: string[]): CyclePlan => ({ syncs, overlap: false });

/** A delta most steps, the backfill (and its sweep) some, and now and then both at once, as two schedules (or two processes) would run them. */
function sweepStep(random: Random): CyclePlan {
  const roll = random.next();
  if (roll < 0.6) return sequential('c.delta');
  if (roll < 0.85) return sequential('c.backfill');
  return { syncs: ['c.delta', 'c.backfill'], overlap: true };
}

export const strategies = {
  sweep: {
    spec: 'test/convergence/specs/sweep.yaml',
    first: sequential('c.backfill'),
    step: sweepStep,
    pass: ['c.delta', 'c.backfill'],
    deletesOnlyAtEnd: true,
  },
  // The sweep with a backfill that fetches pages ahead (pageConcurrency).
  'sweep-paged': {
    spec: 'test/convergence/specs/sweep-paged.yaml',
    first: sequential('c.backfill'),
    step: sweepStep,
    pass: ['c.delta', 'c.backfill'],
    deletesOnlyAtEnd: true,
    positional: true,
  },
  markers: {
    spec: 'test/convergence/specs/markers.yaml',
    first: sequential('c.delta'),
    step: () => sequential('c.delta'),
    pass: ['c.delta'],
    deletesOnlyAtEnd: false,
  },
  'flip-flop': {
    spec: 'test/convergence/specs/flip-flop.yaml',
    first: sequential('c.delta'),
    step: () => sequential('c.delta'),
    pass: ['c.delta', 'c.delta'],
    deletesOnlyAtEnd: false,
  },
  'event-feed': {
    spec: 'test/convergence/specs/event-feed.yaml',
    first: sequential('c.events'),
    step: () => sequential('c.events'),
    pass: ['c.events'],
    deletesOnlyAtEnd: false,
  },
  'stripe-events': {
    spec: 'test/convergence/specs/stripe-events.yaml',
    first: sequential('c.events'),
    step: () => sequential('c.events'),
    pass: ['c.events'],
    deletesOnlyAtEnd: false,
    sameSecondWrites: true,
  },
} satisfies Record<StrategyName, Strategy>;
