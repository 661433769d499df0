/**
 * The fault-injection suite: `syncspec run` in child processes against a sandbox answering 5% of
 * requests with a 5xx, 5% with a 429 and a quarter of them slowly, the processes SIGKILLed at
 * seeded-random points and rerun, the source written to between runs. After every process the
 * committed state must match what its checkpoint passed, and the run's counters what that passing
 * delivered (chaos.ts); once the faults stop and a last cycle runs, the database must equal the
 * source, and the run history must count every delivery exactly once.
 *
 * Seeds are explicit below; each prints one line of figures. A failing seed replays its faults,
 * kill points and writes: kills are planned by progress (crash points, answers), never by time.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox, type SourceRecord } from '../../sandbox/server.js';
import type { RunRecord } from '../../engine/store/store.js';
import { removeScratchDirs, sandboxSpec } from '../support/cli.js';
import { syncOf, type SpecObject } from '../support/project.js';
import { seededRandom, type Random } from '../support/prng.js';
import { Chaos, type KillOptions } from './chaos.js';
import { figuresOf, summary, total, type SeedFigures } from './figures.js';
import { fromRow, fromSource, type ContactFields } from './ledger.js';
import { passedByBackfill, passedByKeysetDelta, passedByPageNumber } from './positions.js';
import { isBadContact, noWrites, randomWrites } from './writes.js';

afterAll(removeScratchDirs);

const BACKFILL_SEEDS = [101, 202, 303];
const DELTA_SEEDS = [404, 505, 606];
const PAGED_SEEDS = [707, 808];
// Pages fetched ahead of the one committing (pageConcurrency), once the first page tells the total.
const PAGES_AHEAD = 3;

// Small pages: many requests (and faults) per process, a process costing ~0.5 s to start. A full
// backfill cycle reads some 60 pages, the delta's first load some 80.
const CONTACTS = 400;
const BACKFILL_PAGE_SIZE = 7;
const DELTA_PAGE_SIZE = 5;
// Below the page sizes and no divisor of them: pages split over commits (2 + 2 + 2 + 1, 2 + 2 + 1),
// so kills land between the commits of one page.
const MAX_CHANGES_PER_COMMIT = 2;
const FAULTS = { rate5xx: 0.05, rate429: 0.05, slowMs: 25, slowRate: 0.25, retryAfterSeconds: 0 };
// Two attempts: about one request in a hundred runs out of them, so some runs fail on their own
// (exit 1) and are rerun like killed ones. Backoff stays within milliseconds.
const RETRY = { attempts: 2, baseDelayMs: 5, maxDelayMs: 50 };

const BACKFILL_CYCLES = 2;
// The initial load, then this many cycles after writes: half of them the delta's, half the
// delete stream's (flip-flop).
const DELTA_CYCLES_AFTER_LOAD = 4;
// Kills per cycle (1 to maxPerCycle), each at a crash point or answer within the first maxRequests requests (chaos.ts).
const FULL_CYCLE_KILLS: KillOptions = { maxPerCycle: 3, maxRequests: 35 };
const SMALL_CYCLE_KILLS: KillOptions = { maxPerCycle: 2, maxRequests: 3 };

function faultySandbox(seed: number): Promise<Sandbox> {
  return startSandbox({ seed: 42, counts: { contacts: CONTACTS }, faults: { ...FAULTS, seed } });
}

/** The keyset delta with a flip-flop delete stream (the sandbox's audit log of deletions). */
function flipFlopSpec(): SpecObject {
  const spec = sandboxSpec({ pageSize: DELTA_PAGE_SIZE, maxChangesPerCommit: MAX_CHANGES_PER_COMMIT, deltaBufferSeconds: 0, retry: RETRY });
  syncOf(spec, 'contactsDelta').deletes = {
    stream: {
      request: { path: '/v1/contacts/deleted', query: { since: '{{cursor.value}}' } },
      records: '$.data[*]',
      key: '$.id',
      paginate: { type: 'token', token: { path: '$.next_cursor' }, param: 'cursor', pageSize: { value: 3, param: 'limit' } },
      cursor: { field: '$.deleted_at', bufferSeconds: 0 },
    },
  };
  return spec;
}

/** Stored rows that differ from the live, well-formed source records, by key. */
async function rowMismatches(chaos: Chaos, sandbox: Sandbox): Promise<string[]> {
  const rows = await chaos.read(async (opened) => {
    const database = opened.syncs.find((sync) => sync.name === chaos.qualified)!.database;
    return (await opened.store.readRows(database, { limit: 100_000 })).rows;
  });
  const stored = new Map(rows.map((row) => [row._key as string, fromRow(row)]));
  const expected = new Map<string, ContactFields>(goodLive(sandbox).map((record) => [record.id, fromSource(record)]));
  const mismatches: string[] = [];
  for (const [key, fields] of expected) {
    const actual = stored.get(key);
    if (JSON.stringify(actual) !== JSON.stringify(fields)) mismatches.push(`${key}: stored ${JSON.stringify(actual)}, source ${JSON.stringify(fields)}`);
  }
  for (const key of stored.keys()) if (!expected.has(key)) mismatches.push(`${key}: stored, but not a live well-formed record`);
  return mismatches;
}

const goodLive = (sandbox: Sandbox): SourceRecord[] => sandbox.source.list('contacts').filter((record) => !isBadContact(sandbox, record));

/** What must hold once a project has converged, whatever the scenario. */
function expectConverged(chaos: Chaos, sandbox: Sandbox, mismatches: string[], runs: RunRecord[]): void {
  expect(chaos.problems.slice(0, 10)).toEqual([]);
  expect(mismatches.slice(0, 10)).toEqual([]);
  expect(chaos.figures.upserted).toBe(chaos.ledger.total.good);
  expect(runs[0].status).toBe('completed');
  expect(chaos.figures.kills).toBeGreaterThan(0);
  expect(sandbox.source.stats.faults['5xx']).toBeGreaterThan(0);
  expect(sandbox.source.stats.faults['429']).toBeGreaterThan(0);
}

/** The end of a backfill seed: a last cycle without faults, its figures printed, and everything converged with no checkpoint left. */
async function lastBackfillCycle(label: string, chaos: Chaos, sandbox: Sandbox, writes: ReturnType<typeof noWrites>, started: number, extra = ''): Promise<SeedFigures> {
  sandbox.source.faults.set({});
  await chaos.cycle();
  const mismatches = await rowMismatches(chaos, sandbox);
  const runs = await chaos.finalRuns();
  const figures = figuresOf(chaos, sandbox, writes, mismatches);
  console.log(summary(label, figures, Date.now() - started) + extra);
  expectConverged(chaos, sandbox, mismatches, runs);
  expect(await chaos.read((opened) => opened.store.listCheckpoints(chaos.qualified))).toEqual([]);
  return figures;
}

/** A backfill seed: two cycles under faults, kills and writes (mid-cycle too), then a clean one. */
async function backfillSeed(seed: number): Promise<SeedFigures> {
  const started = Date.now();
  const sandbox = await faultySandbox(seed);
  try {
    const random: Random = seededRandom(seed);
    const writes = noWrites();
    const spec = sandboxSpec({ pageSize: BACKFILL_PAGE_SIZE, maxChangesPerCommit: MAX_CHANGES_PER_COMMIT, retry: RETRY });
    const chaos = new Chaos({ sandbox, spec, sync: 'contactsBackfill', rule: 'perCycle', random, passed: passedByBackfill });
    // Writes land mid-cycle too, between a killed process and its successor, sparing the
    // committed part of a split page: this suite's per-process check reads a split page's
    // progress as a count in page order (split-page-resume.test.ts covers removals there).
    const writeMidCycle = () => randomWrites(sandbox, random, writes, { keep: new Set(chaos.lastPassed.splitPage) });
    for (let cycle = 0; cycle < BACKFILL_CYCLES; cycle++) {
      await chaos.cycle({ kills: FULL_CYCLE_KILLS, afterInterrupted: writeMidCycle });
      randomWrites(sandbox, random, writes);
    }
    return await lastBackfillCycle(`backfill seed ${seed}`, chaos, sandbox, writes, started);
  } finally {
    await sandbox.close();
  }
}

/** The backfill paging by page number with a total, several pages fetched ahead (pageConcurrency). */
function pagedBackfillSpec(): SpecObject {
  const spec = sandboxSpec({ pageSize: BACKFILL_PAGE_SIZE, maxChangesPerCommit: MAX_CHANGES_PER_COMMIT, retry: RETRY });
  const backfill = syncOf(spec, 'contactsBackfill');
  backfill.request = { path: '/v1/paged/contacts' };
  backfill.records = '$.items[*]';
  backfill.paginate = { type: 'pageNumber', param: 'page', pageSize: { value: BACKFILL_PAGE_SIZE, param: 'per_page' }, stop: { total: '$.total_pages' } };
  backfill.pageConcurrency = PAGES_AHEAD;
  return spec;
}

/**
 * A page-number backfill seed with pages fetched ahead: faults answer some of the pages in flight,
 * kills land while later pages are fetched; commits stay in order, each page with its checkpoint.
 * Writes go between cycles only (a page number is a position in the order of the moment).
 */
async function pagedBackfillSeed(seed: number): Promise<SeedFigures> {
  const started = Date.now();
  const sandbox = await faultySandbox(seed);
  try {
    const random: Random = seededRandom(seed);
    const writes = noWrites();
    const chaos = new Chaos({ sandbox, spec: pagedBackfillSpec(), sync: 'contactsBackfill', rule: 'perCycle', random, passed: passedByPageNumber(BACKFILL_PAGE_SIZE) });
    for (let cycle = 0; cycle < BACKFILL_CYCLES; cycle++) {
      await chaos.cycle({ kills: FULL_CYCLE_KILLS });
      randomWrites(sandbox, random, writes);
    }
    const figures = await lastBackfillCycle(`paged backfill seed ${seed}`, chaos, sandbox, writes, started, `; at most ${sandbox.source.stats.maxInFlight} requests in flight`);
    // Pages were fetched ahead, never more than the sync allows.
    expect(sandbox.source.stats.maxInFlight).toBeGreaterThan(1);
    expect(sandbox.source.stats.maxInFlight).toBeLessThanOrEqual(PAGES_AHEAD);
    return figures;
  } finally {
    await sandbox.close();
  }
}

/**
 * A delta seed: the first load, then cycles after writes (the delta's and the delete stream's in
 * turn), all under faults and kills, then one clean cycle of each phase.
 */
async function deltaSeed(seed: number): Promise<SeedFigures> {
  const started = Date.now();
  const sandbox = await faultySandbox(seed);
  try {
    const random: Random = seededRandom(seed);
    const writes = noWrites();
    const chaos = new Chaos({
      sandbox, spec: flipFlopSpec(), sync: 'contactsDelta', rule: 'perVersion', random,
      passed: (live, state) => passedByKeysetDelta(live, state),
    });
    // Writes between cycles only: a write during a cycle is newer than its cap (now − buffer at
    // the cycle's start), and a keyset page read past the cap is read again by the next cycle.
    await chaos.cycle({ kills: FULL_CYCLE_KILLS });
    for (let cycle = 0; cycle < DELTA_CYCLES_AFTER_LOAD; cycle++) {
      randomWrites(sandbox, random, writes, { maxBulk: 20, maxEach: 6 });
      await chaos.cycle({ kills: SMALL_CYCLE_KILLS });
    }
    sandbox.source.faults.set({});
    await chaos.cycle();
    await chaos.cycle();

    const mismatches = await rowMismatches(chaos, sandbox);
    const runs = await chaos.finalRuns();
    const figures = figuresOf(chaos, sandbox, writes, mismatches);
    console.log(summary(`delta seed ${seed}`, figures, Date.now() - started));
    expectConverged(chaos, sandbox, mismatches, runs);
    const [checkpoint] = await chaos.read((opened) => opened.store.listCheckpoints(chaos.qualified));
    expect(checkpoint.doneInCycle).toBe(checkpoint.cycle);
    // The cursor is past every record, the delete stream's past every deletion.
    const live = sandbox.source.list('contacts');
    expect(passedByKeysetDelta(live, checkpoint.state).records).toHaveLength(live.length);
    const lastDeletion = sandbox.source.deletions('contacts').at(-1);
    expect(lastDeletion).toBeDefined();
    expect((checkpoint.state as { deletes: { cursor: { value: string } } }).deletes.cursor.value >= lastDeletion!.deleted_at).toBe(true);
    return figures;
  } finally {
    await sandbox.close();
  }
}

/** Runs the seeds side by side (each its own sandbox and project), then prints their totals. */
async function allSeeds(label: string, seeds: number[], run: (seed: number) => Promise<SeedFigures>): Promise<void> {
  const settled = await Promise.allSettled(seeds.map(run));
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  const all = settled.map((outcome) => (outcome as PromiseFulfilledResult<SeedFigures>).value);
  console.log(summary(`${label}, ${seeds.length} seeds`, total(all)));
}

describe('fault injection: 5% 5xx, 5% 429, slow answers, SIGKILLs, writes between runs', () => {
  test('replace backfill: every cycle stores each record once, the last one equals the source', { timeout: 240_000 }, async () => {
    await allSeeds('backfill', BACKFILL_SEEDS, backfillSeed);
  });

  test(`page-number backfill, ${PAGES_AHEAD} pages in flight: pages commit in order, each record once, the last cycle equals the source`, { timeout: 240_000 }, async () => {
    await allSeeds('paged backfill', PAGED_SEEDS, pagedBackfillSeed);
  });

  test('keyset delta + flip-flop delete stream: each version stored once, deletions applied, the end equals the source', { timeout: 240_000 }, async () => {
    await allSeeds('delta', DELTA_SEEDS, deltaSeed);
  });
});
