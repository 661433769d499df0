#!/usr/bin/env node
/**
 * `npm run bench [-- --contacts N]`: how fast syncspec moves records, against the sandbox API in
 * a child process. Prints figures and ratios; asserts nothing (timings depend on the machine).
 *
 * - backfill: contactsBackfill (replace, token pagination) for several page sizes and
 *   maxChangesPerCommit values, each into a fresh database;
 * - delta: contactsDelta (keyset) from scratch, then a cycle with nothing new;
 * - raw HTTP: the same pages fetched with plain fetch() and JSON.parse, no engine;
 * - store: rows shaped like mapped contacts committed in 100-row batches, straight through
 *   store.commit, then through the runtime loop (a defineSync sync, no HTTP);
 * - one page of 10k, 50k and 100k records split into 100-record commits: linear if µs/record stay flat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openProject, runProject } from '../dist/engine/index.js';
import { table } from '../dist/engine/cli/format.js';
import { startSandboxProcess } from './sandbox.mjs';
import { benchProject } from './project.mjs';
import { commitDirectly, commitThroughLoop, syntheticChanges } from './store.mjs';
import { singlePage } from './single-page.mjs';

const USAGE = 'usage: npm run bench -- [--contacts N] [--seed N]';
const { values } = parseArgs({ options: { contacts: { type: 'string', default: '20000' }, seed: { type: 'string', default: '42' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const contacts = Number(values.contacts);
const seed = Number(values.seed);
if (!Number.isInteger(contacts) || contacts < 1 || contacts > 999_999 || !Number.isInteger(seed)) {
  console.error(`--contacts must be an integer from 1 to 999999 and --seed an integer\n${USAGE}`);
  process.exit(2);
}

const BACKFILLS = [
  { pageSize: 25, maxChangesPerCommit: 100 },
  { pageSize: 50, maxChangesPerCommit: 100 },
  { pageSize: 100, maxChangesPerCommit: 100 },
  { pageSize: 100, maxChangesPerCommit: 20 },
];
const STORE_BATCH = 100;

const fixed = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const perSecond = (records, ms) => fixed((records / ms) * 1000);

/** One cycle of `sync` in a project; returns the summary plus what the server spent. */
async function cycle(sandbox, project, sync, env) {
  const opened = await openProject(project.configPath, { env });
  try {
    await sandbox.clearStats();
    const [summary] = await runProject(opened, { syncs: [sync] });
    if (summary.status !== 'completed') throw new Error(`${sync} ${summary.status}: ${summary.error}`);
    const database = opened.syncs.find((s) => s.name === summary.sync).database;
    return { summary, served: await sandbox.served(), opened, database };
  } finally {
    await opened.close();
  }
}

/** Walks /v1/contacts like the backfill does, with nothing but fetch and JSON.parse. */
async function rawWalk(url, pageSize) {
  const started = performance.now();
  let after;
  let records = 0;
  let requests = 0;
  for (;;) {
    const query = new URLSearchParams({ limit: String(pageSize), ...(after ? { starting_after: after } : {}) });
    const response = await fetch(`${url}/v1/contacts?${query}`, { headers: { authorization: 'Bearer sandbox-token' } });
    const body = await response.json();
    requests++;
    records += body.data.length;
    if (!body.has_more) break;
    after = body.data.at(-1).id;
  }
  return { records, requests, ms: performance.now() - started };
}

async function main() {
  const bootStarted = performance.now();
  const sandbox = await startSandboxProcess({ contacts, seed });
  const root = mkdtempSync(join(tmpdir(), 'syncspec-bench-'));
  const env = { ...process.env, SANDBOX_URL: sandbox.url, SANDBOX_TOKEN: 'sandbox-token' };
  console.log(`syncspec benchmark: ${fixed(contacts)} contacts, seed ${seed}, node ${process.version}; sandbox up in ${fixed(performance.now() - bootStarted)} ms\n`);
  try {
    const rows = [];
    const figures = {};
    let sample;
    for (const { pageSize, maxChangesPerCommit } of BACKFILLS) {
      const project = benchProject(root, { pageSize, maxChangesPerCommit });
      const { summary, served, database } = await cycle(sandbox, project, 'contactsBackfill', env);
      const records = summary.upserted + summary.failed;
      figures[`backfill ${pageSize}/${maxChangesPerCommit}`] = { records, ms: summary.durationMs };
      rows.push([`backfill page ${pageSize}, commit ≤ ${maxChangesPerCommit}`, fixed(records), summary.requests, fixed(summary.durationMs),
        perSecond(records, summary.durationMs), fixed(summary.durationMs / summary.requests, 1), fixed(served.serverMs / served.requests, 1)]);
      if (!sample) sample = { project, database };
    }

    const delta = benchProject(root, { pageSize: 100, maxChangesPerCommit: 100 });
    const first = await cycle(sandbox, delta, 'contactsDelta', env);
    const firstRecords = first.summary.upserted + first.summary.failed;
    rows.push(['delta page 100, first cycle', fixed(firstRecords), first.summary.requests, fixed(first.summary.durationMs),
      perSecond(firstRecords, first.summary.durationMs), fixed(first.summary.durationMs / first.summary.requests, 1), fixed(first.served.serverMs / first.served.requests, 1)]);
    const idle = await cycle(sandbox, delta, 'contactsDelta', env);
    rows.push(['delta page 100, nothing new', fixed(idle.summary.upserted), idle.summary.requests, fixed(idle.summary.durationMs), '-',
      fixed(idle.summary.durationMs / idle.summary.requests, 1), fixed(idle.served.serverMs / Math.max(1, idle.served.requests), 1)]);

    await sandbox.clearStats();
    const raw = await rawWalk(sandbox.url, 100);
    const rawServed = await sandbox.served();
    rows.push(['raw HTTP page 100 (fetch, no engine)', fixed(raw.records), raw.requests, fixed(raw.ms), perSecond(raw.records, raw.ms),
      fixed(raw.ms / raw.requests, 1), fixed(rawServed.serverMs / rawServed.requests, 1)]);

    // Store-only figures use rows exactly as the backfill stored them.
    const opened = await openProject(sample.project.configPath, { env });
    const stored = (await opened.store.readRows(sample.database, { limit: 1000 })).rows;
    await opened.close();
    const changes = syntheticChanges(stored, contacts);
    const directMs = await commitDirectly(root, sample.database, changes, STORE_BATCH);
    rows.push([`store.commit, ${STORE_BATCH}-row batches`, fixed(changes.length), 0, fixed(directMs), perSecond(changes.length, directMs), '-', '-']);
    const loopMs = await commitThroughLoop(root, sample.database, changes, STORE_BATCH);
    rows.push([`loop + store (defineSync), ${STORE_BATCH}-row batches`, fixed(changes.length), 0, fixed(loopMs), perSecond(changes.length, loopMs), '-', '-']);

    const pages = [];
    for (const records of [10_000, 50_000, 100_000]) {
      const ms = await singlePage(root, records);
      pages.push({ records, ms });
      rows.push([`one page of ${fixed(records)}, commit ≤ 100`, fixed(records), 1, fixed(ms), perSecond(records, ms), fixed(ms, 1), '-']);
    }

    console.log(table(['scenario', 'records', 'requests', 'ms', 'records/s', 'ms/request', 'server ms/req'], rows));

    const full = figures['backfill 100/100'];
    const small = figures['backfill 25/100'];
    const split = figures['backfill 100/20'];
    const ratio = (a, b) => `${fixed(a / b, 2)}×`;
    console.log(`\n${table(['ratio', 'value'], [
      ['backfill time, page 25 vs page 100', ratio(small.ms, full.ms)],
      ['backfill time, commit ≤ 20 vs ≤ 100 (page 100)', ratio(split.ms, full.ms)],
      ['backfill (HTTP + mapping + store) vs loop + store, time', ratio(full.ms, loopMs)],
      ['backfill vs raw HTTP walk, time', ratio(full.ms, raw.ms)],
      ['loop + store vs store.commit alone, time', ratio(loopMs, directMs)],
      ['store share of backfill time (loop + store / backfill)', `${fixed((loopMs / full.ms) * 100)}%`],
      // What is neither the wire nor the store: JSONPath extraction, conversions, templates, request building.
      ['mapping share of backfill time (backfill − raw HTTP − loop + store)', `${fixed(((full.ms - raw.ms - loopMs) / full.ms) * 100)}%`],
      ['delta with nothing new vs full backfill, time', `${fixed((idle.summary.durationMs / full.ms) * 100, 1)}%`],
      // Linear: the same µs per record whatever the page's length.
      ['one page: µs/record at 100k vs at 10k', ratio(pages[2].ms / pages[2].records, pages[0].ms / pages[0].records)],
    ])}`);
  } finally {
    await sandbox.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
