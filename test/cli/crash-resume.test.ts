/**
 * Crash safety, end to end: `syncspec run` in a child process is SIGKILLed at seeded-random
 * steps — inside a commit's transaction, right after a commit, or while it waits on an answer — and
 * rerun until a run exits 0. Kills are planned by progress (commits made, answers received), never by
 * time, so each lands where it was planned however loaded the machine is. Because a page's rows, its checkpoint and its run
 * counters commit in one transaction, the database must then equal the source, and the run
 * history must show every record applied exactly once — whatever the kills interrupted
 * (a request, a commit, the split of a page over several commits, the sweep).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox, type SourceRecord } from '../../sandbox/server.js';
import { mulberry32, type Rng } from '../../sandbox/prng.js';
import type { OpenedProject } from '../../engine/project.js';
import type { Checkpoint } from '../../engine/store/store.js';
import { sandboxEnv, writeConfig } from '../support/project.js';
import { onRequest, removeScratchDirs, sandboxSpec, scratchDir, spawnCli, withProject, type CliResult } from '../support/cli.js';
import { goodContacts } from '../support/truth.js';

afterAll(removeScratchDirs);

const CONTACTS = 400;
const PAGE_SIZE = 20;
// Smaller than a page, so kills also land between the commits of one split page.
const MAX_CHANGES_PER_COMMIT = 2;
const SEEDS = [101, 202, 303];
const KILLS_PER_SEED = 3;
// A cycle is 20 pages of 10 commits. A kill lands within a process's first 40 commits or 4 answers:
// 3 kills consume at most 120 of the 200 commits, so every planned kill lands before the cycle closes.
const MAX_COMMITS_BEFORE_KILL = 40;
const MAX_ANSWERS_BEFORE_KILL = 4;

/** Where a process is killed: at a crash point (engine/core/failpoints.ts), or as an answer reaches it. */
type KillPlan = { failpoint: string } | { afterAnswers: number };

function planKill(rng: Rng): KillPlan {
  const choice = rng();
  const commits = 1 + Math.floor(rng() * MAX_COMMITS_BEFORE_KILL);
  if (choice < 0.4) return { failpoint: `store.commit:${commits}` };
  if (choice < 0.8) return { failpoint: `loop.committed:${commits}` };
  return { afterAnswers: 1 + Math.floor(rng() * MAX_ANSWERS_BEFORE_KILL) };
}

interface Project {
  configPath: string;
  env: NodeJS.ProcessEnv;
}

function project(sandbox: Sandbox): Project {
  const dir = scratchDir('syncspec-crash-');
  // No consistency buffer: the delta sees edits made just before it runs (the sandbox has no lag).
  const spec = sandboxSpec({ pageSize: PAGE_SIZE, maxChangesPerCommit: MAX_CHANGES_PER_COMMIT, deltaBufferSeconds: 0 });
  return { configPath: writeConfig(dir, { crm: { spec } }), env: sandboxEnv(sandbox) };
}

const withStore = <T>(p: Project, read: (opened: OpenedProject) => Promise<T>): Promise<T> => withProject(p.configPath, p.env, read);

interface KilledRuns {
  kills: number;
  runs: number;
  /** Rows stored when each kill struck. */
  rowsAtKills: number[];
  /** Kills that struck between the commits of one page (its checkpoint has skip > 0). */
  midPage: number;
  final: CliResult;
}

/**
 * Runs the command until it exits on its own, SIGKILLing the first `kills` attempts as planKill
 * says: inside a commit (nothing of it may survive), between the commits of a split page, or as an
 * answer arrives (mid-request). `afterKill` checks the invariants and returns what the kill left behind.
 */
async function runWithKills(sandbox: Sandbox, args: string[], p: Project, rng: Rng, kills: number, afterKill: () => Promise<AfterKill>): Promise<KilledRuns> {
  const rowsAtKills: number[] = [];
  let midPage = 0;
  let killed = 0;
  for (let runs = 1; ; runs++) {
    const plan = killed < kills ? planKill(rng) : undefined;
    const env = plan && 'failpoint' in plan ? { ...p.env, SYNCSPEC_FAILPOINT: plan.failpoint } : p.env;
    const proc = spawnCli(args, { env });
    let stopListening = () => {};
    if (plan && 'afterAnswers' in plan) {
      stopListening = onRequest(sandbox, (_entry, count) => {
        if (count === plan.afterAnswers) proc.child.kill('SIGKILL');
      });
    }
    const result = await proc.done;
    stopListening();
    if (result.signal === 'SIGKILL') {
      killed++;
      const { rows, checkpoints } = await afterKill();
      rowsAtKills.push(rows.length);
      if (checkpoints.some((c) => ((c.state as { page?: { skip: number } } | undefined)?.page?.skip ?? 0) > 0)) midPage++;
      continue;
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return { kills: killed, runs, rowsAtKills, midPage, final: result };
  }
}

/** What a kill left behind: the rows stored and the sync's checkpoints. */
interface AfterKill {
  rows: { ID: unknown }[];
  checkpoints: Checkpoint[];
}

/**
 * What must hold whenever a run was killed: the rows stored are a prefix of what the sync reads
 * (`order`: the source in the sync's order, minus the bad records), and the run history counts
 * exactly those rows — counters commit with the rows they count.
 */
async function checkAfterKill(p: Project, sync: string, order: SourceRecord[]) {
  const state = await withStore(p, async (opened) => ({
    rows: await storedContacts(opened),
    totals: await runTotals(opened, sync),
    checkpoints: await opened.store.listCheckpoints(sync),
  }));
  const stored = new Set(state.rows.map((row) => row.ID));
  expect(order.slice(0, stored.size).filter((c) => !stored.has(c.id))).toEqual([]);
  expect(state.totals.upserted).toBe(state.rows.length);
  return state;
}

/** The fields compared between a stored row and its source record. */
const fromSource = (c: SourceRecord) => ({ ID: c.id, Name: c.name, Email: c.email, Stage: c.stage, Updated: c.updated_at });
const fromRow = (row: Record<string, unknown>) => ({ ID: row._key, Name: row.Name, Email: row.Email, Stage: row.Stage, Updated: row.Updated });

async function storedContacts(opened: OpenedProject): Promise<ReturnType<typeof fromRow>[]> {
  const database = opened.syncs.find((sync) => sync.name === 'crm.contactsBackfill')!.database;
  const { rows } = await opened.store.readRows(database, { limit: 100_000 });
  return rows.map(fromRow);
}

async function runTotals(opened: OpenedProject, sync: string) {
  const runs = await opened.store.listRuns({ sync });
  return {
    runs: runs.length,
    upserted: runs.reduce((sum, run) => sum + run.upserted, 0),
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
    statuses: runs.map((run) => run.status).reverse(),
  };
}

const byPosition = (a: SourceRecord, b: SourceRecord) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id);

/** A delta cursor: a record's (updated_at, id), or a time alone (id null) once caught up. */
interface Cursor {
  value: string;
  id: string | null;
}

/** Whether a record is still ahead of the cursor, i.e. not yet passed by it. */
const isAfter = (record: SourceRecord, cursor: Cursor) =>
  record.updated_at > cursor.value || (record.updated_at === cursor.value && cursor.id !== null && record.id > cursor.id);

describe('killed runs resume without losing or repeating a record', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 42, counts: { contacts: CONTACTS }, faults: { slowMs: 15, slowRate: 1 } });
  });
  afterAll(() => sandbox.close());

  test('replace backfill: SIGKILL at random points, rerun until it completes', { timeout: 240_000 }, async () => {
    const good = goodContacts(sandbox);
    expect(sandbox.source.badContactIds.length).toBeGreaterThan(0);
    for (const seed of SEEDS) {
      const p = project(sandbox);
      const started = Date.now();
      const outcome = await runWithKills(sandbox, ['run', p.configPath, '--sync', 'contactsBackfill', '--quiet'], p, mulberry32(seed), KILLS_PER_SEED, async () => {
        const { rows, checkpoints } = await checkAfterKill(p, 'crm.contactsBackfill', good);
        // The cycle stays open: its checkpoint, if a page was committed, says where to resume.
        expect(checkpoints.every((c) => c.doneInCycle === null)).toBe(true);
        return { rows, checkpoints };
      });
      const figures = await withStore(p, async (opened) => ({
        rows: await storedContacts(opened),
        totals: await runTotals(opened, 'crm.contactsBackfill'),
        checkpoints: await opened.store.listCheckpoints('crm.contactsBackfill'),
      }));
      console.log(
        `backfill seed ${seed}: ${outcome.kills} kills (at ${outcome.rowsAtKills.join(', ')} rows; ${outcome.midPage} mid-page), ${outcome.runs} runs (${figures.totals.statuses.join(', ')}), ` +
          `${figures.rows.length} rows, ${figures.totals.upserted} upserted, ${figures.totals.failed} failed, ${Date.now() - started} ms`,
      );
      expect(outcome.kills).toBe(KILLS_PER_SEED);
      expect(figures.rows).toEqual(good.map(fromSource));
      expect(figures.totals).toMatchObject({ upserted: good.length, failed: sandbox.source.badContactIds.length });
      expect(figures.totals.statuses.at(-1)).toBe('completed');
      expect(figures.checkpoints).toEqual([]);
    }
  });

  test('incremental delta: SIGKILL mid-cycle; the cursor never passes a record that is not stored', { timeout: 240_000 }, async () => {
    const all = sandbox.source.list('contacts').sort(byPosition);
    const good = goodContacts(sandbox);
    const goodByPosition = [...good].sort(byPosition);
    let p: Project | undefined;
    for (const seed of SEEDS) {
      p = project(sandbox);
      const started = Date.now();
      let cursorMoves = 0;
      const args = ['run', p.configPath, '--sync', 'contactsDelta', '--quiet'];
      const outcome = await runWithKills(sandbox, args, p, mulberry32(seed), KILLS_PER_SEED, async () => {
        const { rows, checkpoints } = await checkAfterKill(p!, 'crm.contactsDelta', goodByPosition);
        const cursor = (checkpoints[0]?.state as { cursor?: Cursor } | undefined)?.cursor;
        if (cursor) {
          cursorMoves++;
          const stored = new Set(rows.map((row) => row.ID));
          const passed = all.filter((c) => !isAfter(c, cursor));
          expect(passed.filter((c) => !stored.has(c.id) && !sandbox.source.badContactIds.includes(c.id))).toEqual([]);
        }
        return { rows, checkpoints };
      });
      const figures = await withStore(p, async (opened) => ({
        rows: await storedContacts(opened),
        totals: await runTotals(opened, 'crm.contactsDelta'),
        checkpoint: await opened.store.getCheckpoint('crm.contactsDelta', ''),
      }));
      console.log(
        `delta seed ${seed}: ${outcome.kills} kills (at ${outcome.rowsAtKills.join(', ')} rows; ${outcome.midPage} mid-page; ${cursorMoves} with a saved cursor), ${outcome.runs} runs, ` +
          `${figures.rows.length} rows, ${figures.totals.upserted} upserted, ${figures.totals.failed} failed, ${Date.now() - started} ms`,
      );
      expect(outcome.kills).toBe(KILLS_PER_SEED);
      // Some kill found a cursor saved mid-cycle, so the check on it above ran.
      expect(cursorMoves).toBeGreaterThan(0);
      expect(figures.rows).toEqual(good.map(fromSource));
      expect(figures.totals).toMatchObject({ upserted: good.length, failed: sandbox.source.badContactIds.length });
      // The cycle is done and its cursor is past every record (on the newest, or at now − buffer).
      const cursor = (figures.checkpoint!.state as { cursor: Cursor }).cursor;
      expect(all.filter((c) => isAfter(c, cursor)), JSON.stringify(cursor)).toEqual([]);
      expect(figures.checkpoint!.doneInCycle).toBe(figures.checkpoint!.cycle);

      const again = await runDelta(p);
      expect(again).toMatchObject({ status: 'completed', upserted: 0, failed: 0 });
    }

    // Then only what changed: three contacts edited, then one of them again.
    const edited = good.slice(0, 3).map((c) => sandbox.source.update('contacts', c.id, { name: `${c.name} (edited)` }));
    expect(await runDelta(p!)).toMatchObject({ status: 'completed', upserted: 3 });
    expect(await runDelta(p!)).toMatchObject({ status: 'completed', upserted: 0 });
    sandbox.source.update('contacts', edited[0].id, { stage: 'Churned' });
    expect(await runDelta(p!)).toMatchObject({ status: 'completed', upserted: 1 });
    expect(await withStore(p!, storedContacts)).toEqual(goodContacts(sandbox).map(fromSource));
  });
});

async function runDelta(p: Project): Promise<{ status: string; upserted: number; failed: number }> {
  const result = await spawnCli(['run', p.configPath, '--sync', 'contactsDelta', '--json', '--quiet'], { env: p.env }).done;
  expect(result.stderr).toBe('');
  const [summary] = JSON.parse(result.stdout);
  return summary;
}
