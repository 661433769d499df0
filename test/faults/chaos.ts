/**
 * One sync of one project, run by the real CLI in child processes that are SIGKILLed at seeded
 * steps while the sandbox injects faults. Kills are planned by progress — a crash point (as the run
 * starts, inside the n-th commit, after it: engine/core/failpoints.ts) or the n-th answer — never
 * by time, so a seed kills at the same steps on a loaded machine as on an idle one. After every process — killed, failed or done — the
 * committed state is checked against the source: each record its checkpoint passed is stored at the
 * version passed, and the run's counters equal what that passing delivered (so a page applied
 * twice, or skipped, shows). Problems are collected, not thrown, so a seed's figures always print.
 */
import type { Sandbox, SourceRecord } from '../../sandbox/server.js';
import type { OpenedProject } from '../../engine/project.js';
import type { RunRecord } from '../../engine/store/store.js';
import { onRequest, scratchDir, spawnCli, withProject, type CliResult } from '../support/cli.js';
import { sandboxEnv, writeConfig, type SpecObject } from '../support/project.js';
import type { Random } from '../support/prng.js';
import { readSql } from '../support/sqlite.js';
import { DeliveryLedger, fromRow, type ContactFields, type DeliveryRule } from './ledger.js';
import type { Passed } from './positions.js';
import { isBadContact } from './writes.js';

export interface KillOptions {
  /** Each cycle's first 1 to `maxPerCycle` processes are killed (unless one finishes first). */
  maxPerCycle: number;
  /**
   * A kill lands as the 1st to this many answer arrives, or inside or after the 1st to three times
   * this many commits (or, one time in five, as the run starts).
   */
  maxRequests: number;
}

export interface ChaosOptions {
  sandbox: Sandbox;
  spec: SpecObject;
  /** The bare sync name in the spec. */
  sync: string;
  rule: DeliveryRule;
  /** What the sync's committed state has read; `closed`: its last cycle is closed. */
  passed(live: SourceRecord[], state: unknown, closed: boolean): Passed;
  random: Random;
}

export interface ChaosFigures {
  runs: number;
  cycles: number;
  kills: number;
  /** Kills that left a page half committed (checkpoint skip > 0). */
  midPage: number;
  /** Kills before the sandbox answered the process anything: startup, opening the store, the first request. */
  beforeFirstAnswer: number;
  /** Runs that failed on their own: a request out of attempts. */
  failedRuns: number;
  upserted: number;
  recordFailures: number;
  deleted: number;
  /** Retries the run history recorded (a killed run keeps those of its committed pages only). */
  retries: number;
}

type KillPlan = { afterAnswers: number } | { failpoint: string };

interface CycleRow {
  id: number;
  closed_at: string | null;
  swept: number | null;
}

interface Observation {
  rows: Map<string, ContactFields>;
  runs: RunRecord[];
  state: unknown;
  cycles: CycleRow[];
}

/** The message of a run whose request ran out of attempts (engine/http/errors.ts). */
const OUT_OF_ATTEMPTS = /: (429|5\d\d) [^\n]* \(gave up after \d+ attempts\)$/;
const MAX_PROCESSES_PER_CYCLE = 40;

export class Chaos {
  readonly figures: ChaosFigures = {
    runs: 0, cycles: 0, kills: 0, midPage: 0, beforeFirstAnswer: 0, failedRuns: 0, upserted: 0, recordFailures: 0, deleted: 0, retries: 0,
  };
  readonly problems: string[] = [];
  readonly ledger: DeliveryLedger;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly qualified: string;
  /** What the last process left: the split page it may have left, for writes that must spare it. */
  lastPassed: Passed = { records: [], splitPage: [] };
  private last: Observation = { rows: new Map(), runs: [], state: undefined, cycles: [] };
  private readonly killedRuns = new Set<number>();

  constructor(private readonly options: ChaosOptions) {
    this.configPath = writeConfig(scratchDir('syncspec-faults-'), { crm: { spec: options.spec } });
    this.env = sandboxEnv(options.sandbox);
    this.qualified = `crm.${options.sync}`;
    this.ledger = new DeliveryLedger(options.rule, (record) => isBadContact(options.sandbox, record));
  }

  /**
   * Runs processes until one exits 0 (its cycle is done), killing some as `kills` says (none
   * without). `afterInterrupted` runs after each process that did not finish: writes mid-cycle.
   */
  async cycle(options: { kills?: KillOptions; afterInterrupted?: () => void } = {}): Promise<void> {
    const kills = options.kills ? this.options.random.int(1, options.kills.maxPerCycle) : 0;
    let killsThisCycle = 0;
    for (let attempt = 1; attempt <= MAX_PROCESSES_PER_CYCLE; attempt++) {
      const plan = options.kills && killsThisCycle < kills ? this.planKill(options.kills.maxRequests) : undefined;
      const { result, answered } = await this.spawn(plan);
      const killed = result.signal === 'SIGKILL';
      if (killed) killsThisCycle++;
      await this.observe(result, killed, answered);
      if (result.code === 0) return;
      if (!killed && result.code !== 1) throw new Error(`${this.qualified}: a process exited with ${result.code}: ${this.problems.at(-1)}`);
      options.afterInterrupted?.();
    }
    throw new Error(`${this.qualified}: no run finished its cycle in ${MAX_PROCESSES_PER_CYCLE} processes; problems: ${this.problems.slice(0, 5).join('; ')}`);
  }

  /** Statuses of the run history; a run still `running` must be one that was killed. */
  async finalRuns(): Promise<RunRecord[]> {
    const runs = await withProject(this.configPath, this.env, (opened) => opened.store.listRuns({ sync: this.qualified }));
    for (const run of runs) {
      if (run.status === 'running' && !this.killedRuns.has(run.id)) this.problems.push(`run ${run.id} was not killed but is still running`);
    }
    return runs;
  }

  read<T>(read: (opened: OpenedProject) => Promise<T>): Promise<T> {
    return withProject(this.configPath, this.env, read);
  }

  private planKill(maxRequests: number): KillPlan {
    const { random } = this.options;
    // As the run starts: its run recorded, its lock taken, nothing fetched yet.
    if (random.chance(0.2)) return { failpoint: 'loop.start:1' };
    // As an answer arrives: the page is about to be mapped and committed, or the next request is on the wire.
    if (random.chance(0.3)) return { afterAnswers: random.int(1, maxRequests) };
    // Inside a commit (nothing of it may survive) or right after it (often between the commits of a page).
    const commits = random.int(1, 3 * maxRequests);
    return { failpoint: `${random.chance(0.5) ? 'store.commit' : 'loop.committed'}:${commits}` };
  }

  private async spawn(plan: KillPlan | undefined): Promise<{ result: CliResult; answered: number }> {
    const env = plan && 'failpoint' in plan ? { ...this.env, SYNCSPEC_FAILPOINT: plan.failpoint } : this.env;
    const proc = spawnCli(['run', this.configPath, '--sync', this.options.sync, '--quiet'], { env });
    let answered = 0;
    const stopListening = onRequest(this.options.sandbox, (_entry, count) => {
      answered = count;
      if (plan && 'afterAnswers' in plan && count === plan.afterAnswers) proc.child.kill('SIGKILL');
    });
    const result = await proc.done;
    stopListening();
    return { result, answered };
  }

  private async observe(result: CliResult, killed: boolean, answered: number): Promise<void> {
    const now = await this.read(async (opened) => {
      const database = opened.syncs.find((sync) => sync.name === this.qualified)!.database;
      const { rows } = await opened.store.readRows(database, { limit: 100_000 });
      const checkpoints = await opened.store.listCheckpoints(this.qualified);
      return {
        rows: new Map(rows.map((row) => [row._key as string, fromRow(row)])),
        runs: await opened.store.listRuns({ sync: this.qualified }),
        state: checkpoints[0]?.state,
        cycles: readSql<CycleRow>(opened, 'SELECT id, closed_at, swept FROM _cycles WHERE sync = ? ORDER BY id', this.qualified),
      };
    });
    const where = `process ${this.figures.runs + 1} (${killed ? `killed after ${answered} answers` : `exit ${result.code}`})`;
    const previousRun = this.last.runs[0]?.id ?? 0;
    const fresh = now.runs.filter((run) => run.id > previousRun);
    const run = fresh[0];
    this.figures.runs++;
    if (fresh.length > 1) this.problems.push(`${where}: started ${fresh.length} runs`);
    if (killed) {
      this.figures.kills++;
      if (answered === 0) this.figures.beforeFirstAnswer++;
      if (run) this.killedRuns.add(run.id);
    } else {
      this.checkExit(where, result, run);
    }

    const live = this.options.sandbox.source.list('contacts');
    const latest = now.cycles.at(-1);
    const before = latest && this.last.cycles.find((cycle) => cycle.id === latest.id);
    const closedHere = latest !== undefined && latest.closed_at !== null && (before === undefined || before.closed_at === null);
    if (closedHere) this.figures.cycles++;
    // Read off the source only when this process committed something, i.e. from the source it saw:
    // after the writes that follow a kill, the same state would place a split page's committed
    // part in a source that has shifted.
    let added = { good: 0, bad: 0 };
    if (latest && JSON.stringify([now.state, now.cycles]) !== JSON.stringify([this.last.state, this.last.cycles])) {
      this.lastPassed = this.options.passed(live, now.state, latest.closed_at !== null);
      added = this.ledger.observe(latest.id, this.lastPassed.records);
      if (killed && this.lastPassed.splitPage.length > 0) this.figures.midPage++;
    }

    // A sweep commits with the cycle's close; a kill before the run was recorded loses its count.
    const sweptUncounted = closedHere && run?.status === 'running' ? (latest.swept ?? 0) : 0;
    const vanished = [...this.last.rows.keys()].filter((key) => !now.rows.has(key)).length;
    const counted = { upserted: run?.upserted ?? 0, failed: run?.failed ?? 0, deleted: (run?.deleted ?? 0) + sweptUncounted };
    const expected = { upserted: added.good, failed: added.bad, deleted: vanished };
    if (JSON.stringify(counted) !== JSON.stringify(expected)) {
      this.problems.push(`${where}: the run counted ${JSON.stringify(counted)}; its commits delivered ${JSON.stringify(expected)}`);
    }
    this.problems.push(...this.ledger.check(now.rows, live).map((problem) => `${where}: ${problem}`));
    this.figures.upserted += counted.upserted;
    this.figures.recordFailures += counted.failed;
    this.figures.deleted += counted.deleted;
    this.figures.retries += run?.retries ?? 0;
    this.last = now;
  }

  /** A process that ended on its own: 0 and a completed run, or 1 and a run out of attempts. */
  private checkExit(where: string, result: CliResult, run: RunRecord | undefined): void {
    if (result.stderr !== '') this.problems.push(`${where}: stderr ${JSON.stringify(result.stderr)}`);
    if (result.code === 0 && run?.status === 'completed') return;
    if (result.code === 1 && run?.status === 'failed' && OUT_OF_ATTEMPTS.test(run.error ?? '')) {
      this.figures.failedRuns++;
      return;
    }
    this.problems.push(`${where}: run ${JSON.stringify(run && { status: run.status, error: run.error })}; stdout ${JSON.stringify(result.stdout.slice(0, 300))}`);
  }
}
