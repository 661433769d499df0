/**
 * One randomized run: a sandbox with replica lag, a project on a temp SQLite file running one
 * deletion strategy, a random phase of writes between and during cycles, then convergence passes
 * until the database stops changing. The report carries what the test asserts and prints.
 */
import { startSandbox } from '../../sandbox/server.js';
import type { OpenedProject } from '../../engine/project.js';
import { loadSpec, projectAt, type SpecObject } from '../support/project.js';
import { seededRandom } from '../support/prng.js';
import { CycleRunner } from './cycle-runner.js';
import { Mutator, type MutationCounts } from './mutator.js';
import { databaseRows, diffRows, NO_DIFF, sameRows, sourceRows, type ContactRow, type RowDiff } from './rows.js';
import { strategies, type Strategy, type StrategyName } from './strategies.js';

/** bufferSeconds of every sync in specs/, in ms. */
export const BUFFER_MS = 1000;
/** Backdating stays this far inside buffer − lag: the engine's clock reads are not instantaneous. */
const BACKDATE_MARGIN_MS = 100;
/** Past the buffer (and the lag), before the convergence passes start. */
const SETTLE_MS = 150;
const MAX_PASSES = 6;

export interface ScenarioOptions {
  strategy: StrategyName;
  seed: number;
  lagMs: number;
  steps: number;
  contacts: number;
  /**
   * `fullSync` of every incremental sync of the spec (the specs say `off`): with `1s`, about one
   * cycle a second is a full one (replace semantics, a sweep at the end), racing the writes like
   * any other cycle.
   */
  fullSync?: string;
}

export interface ScenarioReport extends ScenarioOptions {
  mutations: MutationCounts;
  /** Writes made inside a running cycle (from the sandbox's request hook). */
  midCycle: number;
  /** The most requests the sandbox answered at once: above 1 when pages were fetched ahead. */
  maxInFlight: number;
  /** Cycles of the random phase (the first included), and how many steps ran two syncs at once. */
  cycles: number;
  overlaps: number;
  /** Cycles with replace semantics: backfills, and full cycles of incremental syncs. */
  fullCycles: number;
  /** Convergence passes run, their cycles, and how many passes in a row changed nothing at the end. */
  passes: number;
  convergenceCycles: number;
  unchangedPasses: number;
  /** Rows deleted by delete changes (markers, events, the delete stream), rows swept, stale changes refused. */
  deleted: number;
  swept: number;
  stale: number;
  /** Runs that did not complete cleanly: status, error, failed records. */
  problems: string[];
  /** Rows deleted by a cycle while their record was live at the source. */
  deletedLive: string[];
  /** Sweep only: live contacts not exact right before the pass's sweep (deletions may linger). */
  liveBeforeSweep: RowDiff;
  /** The database against the source, after the last pass. */
  diff: RowDiff;
  rows: number;
  durationMs: number;
  /** Every write, in order. */
  log: string[];
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const strategy = strategies[options.strategy];
  const sandbox = await startSandbox({
    seed: options.seed, lagMs: options.lagMs, clean: true,
    counts: { contacts: options.contacts, companies: 3, repos: 1, issuesPerRepo: 1 },
  });
  // Answers that take a few ms keep pages fetched ahead in flight together, where the sandbox counts them.
  if ('positional' in strategy) sandbox.source.faults.set({ slowMs: 5 });
  const project = await projectAt(sandbox.url, { c: { spec: specOf(strategy.spec, options.fullSync) } });
  try {
    // The engine reads the sandbox's clock: time passes between steps by moving it, not by sleeping.
    const clock = sandbox.source.clock;
    const opened = await project.open({ clock });
    const random = seededRandom(options.seed);
    const mutator = new Mutator(sandbox.source, {
      maxBackdateMs: Math.max(0, BUFFER_MS - options.lagMs - BACKDATE_MARGIN_MS),
      targetSize: options.contacts,
      sameSecondWrites: 'sameSecondWrites' in strategy && strategy.sameSecondWrites,
    });
    // Writes inside cycles draw from their own stream: whether a hook fires depends on how many
    // requests a cycle made, and the plan of the steps should not shift with it.
    const cycles = new CycleRunner(opened, sandbox, mutator, seededRandom(options.seed ^ 0x5bd1e995));

    const positional = 'positional' in strategy && strategy.positional === true;
    await cycles.run(strategy.first, 'first cycle');
    for (let step = 1; step <= options.steps; step++) {
      clock.advance(random.int(0, 150));
      const writes = random.int(0, 3);
      for (let i = 0; i < writes; i++) mutator.mutate(random, `before step ${step}`);
      const plan = strategy.step(random);
      // Most delta cycles make one or two requests: the first is the likeliest place to interrupt.
      const during = random.chance(0.5) ? { atRequest: random.pick([1, 1, 2, 3]), writes: random.int(1, 3) } : undefined;
      if (!positional) {
        await cycles.run(plan, `step ${step}`, during);
        continue;
      }
      // A positional backfill reads a source that holds still: the writes before it visible, none during it.
      clock.advance(options.lagMs);
      await cycles.run(plan, `step ${step}`);
    }
    const randomPhaseCycles = cycles.count;

    clock.advance(BUFFER_MS + options.lagMs + SETTLE_MS);
    const expected = sourceRows(sandbox.source.list('contacts'));
    const converged = await converge(opened, strategy, cycles, expected);
    return {
      ...options,
      mutations: mutator.counts,
      midCycle: cycles.midCycle,
      maxInFlight: sandbox.source.stats.maxInFlight,
      cycles: randomPhaseCycles,
      overlaps: cycles.overlaps,
      fullCycles: cycles.full,
      passes: converged.passes,
      convergenceCycles: cycles.count - randomPhaseCycles,
      unchangedPasses: converged.unchangedPasses,
      deleted: cycles.deleted,
      swept: cycles.swept,
      stale: cycles.stale,
      problems: cycles.problems,
      deletedLive: cycles.deletedLive,
      liveBeforeSweep: converged.liveBeforeSweep,
      diff: diffRows(converged.rows, expected),
      rows: converged.rows.length,
      durationMs: Date.now() - started,
      log: mutator.log,
    };
  } finally {
    await project.close();
    await sandbox.close();
  }
}

/** The strategy's spec file, or a variant of it with periodic full syncs, written next to the config. */
function specOf(path: string, fullSync: string | undefined): string | SpecObject {
  if (fullSync === undefined) return path;
  return loadSpec(path, (spec) => {
    for (const sync of Object.values(spec.syncs as Record<string, { mode?: string; fullSync?: string }>)) {
      if (sync.mode === 'incremental') sync.fullSync = fullSync;
    }
  });
}

/**
 * Convergence passes until two in a row leave the database as it was (or MAX_PASSES). The source
 * no longer changes, and the buffer has passed: every change must be within reach of a pass.
 */
async function converge(opened: OpenedProject, strategy: Strategy, cycles: CycleRunner, expected: ContactRow[]) {
  let liveBeforeSweep: RowDiff = NO_DIFF;
  let rows = await databaseRows(opened);
  let passes = 0;
  let unchangedPasses = 0;
  while (unchangedPasses < 2 && passes < MAX_PASSES) {
    for (const [i, sync] of strategy.pass.entries()) {
      if (strategy.deletesOnlyAtEnd && passes === 0 && i === strategy.pass.length - 1) {
        liveBeforeSweep = { ...diffRows(await databaseRows(opened), expected), extra: [] };
      }
      await cycles.run({ syncs: [sync], overlap: false }, `convergence pass ${passes + 1}`);
    }
    passes++;
    const current = await databaseRows(opened);
    unchangedPasses = sameRows(current, rows) ? unchangedPasses + 1 : 0;
    rows = current;
  }
  return { passes, unchangedPasses, liveBeforeSweep, rows };
}
