/**
 * Crash safety, end to end: `syncspec run` in a child process is SIGKILLed at seeded-random
 * points and rerun until a run exits 0. Because a page's rows, its checkpoint and its run
 * counters commit in one transaction, the database must then equal the source, and the run
 * history must show every record applied exactly once — whatever the kills interrupted
 * (a request, a commit, the split of a page over several commits, the sweep).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox, type SourceRecord } from '../../sandbox/server.js';
import { mulberry32, type Rng } from '../../sandbox/prng.js';
import { openProject, type OpenedProject } from '../../engine/project.js';
import { sandboxEnv, tempDir, writeConfig } from '../support/project.js';
import { sandboxSpec, spawnCli, type CliResult } from '../support/cli.js';

const CONTACTS = 400;
const PAGE_SIZE = 10;
// Smaller than a page, so kills also land between the commits of one split page.
const MAX_CHANGES_PER_COMMIT = 4;
const SEEDS = [101, 202, 303];
const KILLS_PER_SEED = 3;

interface Project {
  configPath: string;
  env: NodeJS.ProcessEnv;
}

function project(sandbox: Sandbox): Project {
  const dir = tempDir('syncspec-crash-');
  const spec = sandboxSpec(dir, { pageSize: PAGE_SIZE, maxChangesPerCommit: MAX_CHANGES_PER_COMMIT });
  return { configPath: writeConfig(dir, { crm: { spec } }), env: sandboxEnv(sandbox) };
}

async function withStore<T>(p: Project, read: (opened: OpenedProject) => Promise<T>): Promise<T> {
  const opened = await openProject(p.configPath, { env: p.env });
  try {
    return await read(opened);
  } finally {
    await opened.close();
  }
}

interface KilledRuns {
  kills: number;
  runs: number;
  final: CliResult;
}

/**
 * Runs the command until it exits on its own, SIGKILLing the first `kills` attempts once the
 * sandbox has answered a random number of their requests, plus a random 0–20 ms: the kill lands
 * anywhere — mid-request, mid-commit, between commits. `afterKill` checks invariants in between.
 */
async function runWithKills(sandbox: Sandbox, args: string[], p: Project, rng: Rng, kills: number, afterKill: () => Promise<void>): Promise<KilledRuns> {
  let killed = 0;
  for (let runs = 1; ; runs++) {
    const proc = spawnCli(args, { env: p.env });
    let watch: NodeJS.Timeout | undefined;
    if (killed < kills) {
      const base = sandbox.source.stats.requests.length;
      const afterRequests = 1 + Math.floor(rng() * 12);
      const extraMs = Math.floor(rng() * 20);
      watch = setInterval(() => {
        if (sandbox.source.stats.requests.length - base < afterRequests) return;
        clearInterval(watch);
        setTimeout(() => proc.child.kill('SIGKILL'), extraMs);
      }, 1);
    }
    const result = await proc.done;
    clearInterval(watch);
    if (result.signal === 'SIGKILL') {
      killed++;
      await afterKill();
      continue;
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return { kills: killed, runs, final: result };
  }
}

const goodContacts = (sandbox: Sandbox): SourceRecord[] =>
  sandbox.source.list('contacts').filter((contact) => !sandbox.source.badContactIds.includes(contact.id));

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

describe('killed runs resume without losing or repeating a record', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 42, counts: { contacts: CONTACTS }, faults: { slowMs: 15, slowRate: 1 } });
  });
  afterAll(() => sandbox.close());

  test('replace backfill: SIGKILL at random points, rerun until it completes', { timeout: 60_000 }, async () => {
    const good = goodContacts(sandbox);
    expect(sandbox.source.badContactIds.length).toBeGreaterThan(0);
    for (const seed of SEEDS) {
      const p = project(sandbox);
      const started = Date.now();
      const outcome = await runWithKills(sandbox, ['run', p.configPath, '--sync', 'contactsBackfill'], p, mulberry32(seed), KILLS_PER_SEED, async () => {
        // A killed run leaves its cycle open: the checkpoint says where to resume.
        const checkpoints = await withStore(p, (opened) => opened.store.listCheckpoints('crm.contactsBackfill'));
        expect(checkpoints.length).toBeLessThanOrEqual(1);
      });
      const figures = await withStore(p, async (opened) => ({
        rows: await storedContacts(opened),
        totals: await runTotals(opened, 'crm.contactsBackfill'),
        checkpoints: await opened.store.listCheckpoints('crm.contactsBackfill'),
      }));
      console.log(
        `backfill seed ${seed}: ${outcome.kills} kills, ${outcome.runs} runs (${figures.totals.statuses.join(', ')}), ` +
          `${figures.rows.length} rows, ${figures.totals.upserted} upserted, ${figures.totals.failed} failed, ${Date.now() - started} ms`,
      );
      expect(outcome.kills).toBe(KILLS_PER_SEED);
      expect(figures.rows).toEqual(good.map(fromSource));
      expect(figures.totals).toMatchObject({ upserted: good.length, failed: sandbox.source.badContactIds.length });
      expect(figures.totals.statuses.at(-1)).toBe('completed');
      expect(figures.checkpoints).toEqual([]);
    }
  });

  test('incremental delta: SIGKILL mid-cycle; the cursor never passes a record that is not stored', { timeout: 60_000 }, async () => {
    const all = sandbox.source.list('contacts').sort(byPosition);
    const good = goodContacts(sandbox);
    let p: Project | undefined;
    for (const seed of SEEDS) {
      p = project(sandbox);
      const started = Date.now();
      let cursorMoves = 0;
      const args = ['run', p.configPath, '--sync', 'contactsDelta'];
      const outcome = await runWithKills(sandbox, args, p, mulberry32(seed), KILLS_PER_SEED, async () => {
        const { rows, checkpoint } = await withStore(p!, async (opened) => ({
          rows: await storedContacts(opened),
          checkpoint: await opened.store.getCheckpoint('crm.contactsDelta', ''),
        }));
        const cursor = (checkpoint?.state as { cursor?: { value: string; id: string } } | undefined)?.cursor;
        if (!cursor) return;
        cursorMoves++;
        const passed = all.filter((c) => c.updated_at < cursor.value || (c.updated_at === cursor.value && c.id <= cursor.id));
        const stored = new Set(rows.map((row) => row.ID));
        expect(passed.filter((c) => !stored.has(c.id) && !sandbox.source.badContactIds.includes(c.id))).toEqual([]);
      });
      const figures = await withStore(p, async (opened) => ({
        rows: await storedContacts(opened),
        totals: await runTotals(opened, 'crm.contactsDelta'),
        checkpoint: await opened.store.getCheckpoint('crm.contactsDelta', ''),
      }));
      console.log(
        `delta seed ${seed}: ${outcome.kills} kills (${cursorMoves} with a saved cursor), ${outcome.runs} runs, ` +
          `${figures.rows.length} rows, ${figures.totals.upserted} upserted, ${figures.totals.failed} failed, ${Date.now() - started} ms`,
      );
      expect(outcome.kills).toBe(KILLS_PER_SEED);
      expect(figures.rows).toEqual(good.map(fromSource));
      expect(figures.totals).toMatchObject({ upserted: good.length, failed: sandbox.source.badContactIds.length });
      // The cursor rests on the newest record, and the cycle is done.
      const newest = all.at(-1)!;
      expect(figures.checkpoint).toMatchObject({ state: { cursor: { value: newest.updated_at, id: newest.id } } });
      expect(figures.checkpoint!.doneInCycle).toBe(figures.checkpoint!.cycle);

      const again = await runDelta(p);
      expect(again).toMatchObject({ status: 'completed', upserted: 0, failed: 0 });
    }

    // Then only what changed: three contacts edited a minute ago (before the 5 s buffer), then one again.
    const edited = good.slice(0, 3).map((c) => sandbox.source.update('contacts', c.id, { name: `${c.name} (edited)` }, { at: new Date(Date.now() - 60_000) }));
    expect(await runDelta(p!)).toMatchObject({ status: 'completed', upserted: 3 });
    expect(await runDelta(p!)).toMatchObject({ status: 'completed', upserted: 0 });
    sandbox.source.update('contacts', edited[0].id, { stage: 'Churned' }, { at: new Date(Date.now() - 30_000) });
    expect(await runDelta(p!)).toMatchObject({ status: 'completed', upserted: 1 });
    expect(await withStore(p!, storedContacts)).toEqual(goodContacts(sandbox).map(fromSource));
  });
});

async function runDelta(p: Project): Promise<{ status: string; upserted: number; failed: number }> {
  const result = await spawnCli(['run', p.configPath, '--sync', 'contactsDelta', '--json'], { env: p.env }).done;
  expect(result.stderr).toBe('');
  const [summary] = JSON.parse(result.stdout);
  return summary;
}
