#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: syncspec against hand-written loops, side by side in one run on the
 * same loopback source (bench/source.mjs, its own process). Every run is a process of its own, so
 * each peak RSS is its own. Prints figures and ratios; asserts nothing (timings are the machine's).
 *
 * - throughput at 100k and 1M records (pages of 100, a fresh SQLite file each): the engine, the
 *   hand loop on got (the engine's client) and on Node's fetch (undici), both with the next request
 *   overlapped with the current write; rounds interleaved, the best of each kept;
 * - latency-bound: the source waits 50 ms per answer; the engine with one offset stream fetching
 *   4 pages ahead (pageConcurrency), and with 4 range partitions, against the hand loop with 4
 *   requests in flight;
 * - one page of 100k records (split into commits of 100);
 * - an idle delta cycle (requests, ms); a pacer-bound run (achieved against allowed rate, 429s);
 * - process start: `syncspec validate` on the bench's config against bare `node`.
 */
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from '../dist/engine/cli/format.js';
import { singlePage } from './single-page.mjs';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('usage: npm run bench [-- --quick]   (--quick: 100k only, one round)');
  process.exit(0);
}
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'syncspec-bench-'));
let runs = 0;
const fresh = () => {
  const dir = join(root, `run-${++runs}`);
  mkdirSync(dir);
  return dir;
};
const fixed = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a, b) => `${fixed(a / b, 2)}×`;

/** The source in its own process; `stats()` is what it served since the last `clear()`. */
async function startSource(args) {
  const child = spawn(process.execPath, [here('./source.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [url] = await once(lines, 'line');
  lines.close();
  return {
    url,
    stats: async () => (await fetch(`${url}/_stats`)).json(),
    clear: async () => (await fetch(`${url}/_stats`, { method: 'POST' })).json(),
    close: async () => {
      child.kill();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Runs a node script in a child process; resolves with the JSON lines it printed. */
function child(script, args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [here(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    proc.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').map((line) => JSON.parse(line))) : reject(new Error(`${script} ${args.join(' ')} exited with ${code}`))));
  });
}

const engine = async (url, args = []) => child('./engine-run.mjs', ['--url', url, '--dir', fresh(), ...args]);
const hand = async (url, client, args = []) => (await child('./hand-loop.mjs', ['--url', url, '--db', join(fresh(), 'hand.db'), '--client', client, ...args]))[0];
const best = (results) => results.reduce((a, b) => (b.ms < a.ms ? b : a));

async function throughput(records, rounds) {
  const source = await startSource(['--records', String(records)]);
  try {
    const results = { engine: [], got: [], fetch: [] };
    for (let round = 0; round < rounds; round++) {
      results.engine.push((await engine(source.url))[0]);
      results.got.push(await hand(source.url, 'got'));
      results.fetch.push(await hand(source.url, 'fetch'));
    }
    return { engine: best(results.engine), got: best(results.got), fetch: best(results.fetch) };
  } finally {
    await source.close();
  }
}

async function latencyBound() {
  const source = await startSource(['--records', '20000', '--latency-ms', '50']);
  try {
    const [ahead] = await engine(source.url, ['--pages-ahead', '4']);
    const [partitions] = await engine(source.url, ['--partitions', '4']);
    return { ahead, partitions, hand: await hand(source.url, 'got', ['--in-flight', '4']) };
  } finally {
    await source.close();
  }
}

async function idleDelta() {
  const source = await startSource(['--records', '10000']);
  try {
    const [, idle] = await engine(source.url, ['--sync', 'delta', '--cycles', '2']);
    return idle;
  } finally {
    await source.close();
  }
}

async function pacerBound() {
  const [allowed, intervalMs] = [20, 1000];
  const source = await startSource(['--records', '12000', '--rate', `${allowed}/${intervalMs}`]);
  try {
    const [run] = await engine(source.url, ['--rate', `${allowed}/${intervalMs}`]);
    const stats = await source.stats();
    return { run, stats, allowed, allowedPerSecond: (allowed * 1000) / intervalMs };
  } finally {
    await source.close();
  }
}

/** Median ms of `node args…` over `times` runs. */
function startMs(args, times = 7) {
  const samples = [];
  const env = { ...process.env, BENCH_URL: 'http://127.0.0.1:9' };
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore', env });
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)];
}

async function main() {
  console.log(`syncspec benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; command: npm run bench${values.quick ? ' -- --quick' : ''}\n`);
  const sizes = values.quick ? [[100_000, 1]] : [[100_000, 3], [1_000_000, 1]];
  const rows = [];
  const rss = {};
  for (const [records, rounds] of sizes) {
    const r = await throughput(records, rounds);
    rss[records] = r.engine.maxRssMb;
    const rate = (run) => (run.records / run.ms) * 1000;
    rows.push([`${fixed(records)} records`, `${fixed(rate(r.engine))}/s`, `${fixed(rate(r.got))}/s`, ratio(rate(r.engine), rate(r.got)),
      `${fixed(rate(r.fetch))}/s`, ratio(rate(r.engine), rate(r.fetch)), `${fixed(r.engine.maxRssMb)} MB`, `${fixed(r.got.maxRssMb)} MB`]);
  }
  console.log(table(['throughput', 'syncspec', 'hand: got, overlapped', 'ratio', 'hand: fetch (undici), overlapped', 'ratio', 'syncspec peak RSS', 'hand peak RSS'], rows));
  if (rss[1_000_000]) console.log(`peak RSS 1M vs 100k: ${ratio(rss[1_000_000], rss[100_000])}`);

  const latency = await latencyBound();
  const page = await singlePage(root, 100_000);
  const idle = await idleDelta();
  const pacer = await pacerBound();
  const bare = startMs(['-e', '0']);
  const cli = startMs([here('../bin/syncspec.js'), 'validate', join(root, 'run-1', 'config.yaml')]);
  // After the first window's burst of `allowed`, every request waits for the window: the steady rate.
  const achieved = (pacer.run.requests - pacer.allowed) / (pacer.run.ms / 1000);
  console.log(`\n${table(['scenario', 'figure', 'against'], [
    ['latency-bound (50 ms per answer, 20k records): one stream, 4 pages ahead vs 4 in flight', `${fixed(latency.ahead.ms)} ms`, `${fixed(latency.hand.ms)} ms, ratio ${ratio(latency.hand.ms, latency.ahead.ms)}`],
    ['latency-bound: 4 range partitions vs 4 in flight', `${fixed(latency.partitions.ms)} ms`, `${fixed(latency.hand.ms)} ms, ratio ${ratio(latency.hand.ms, latency.partitions.ms)}`],
    ['one page of 100,000 records, commits of 100', `${fixed(page)} ms`, `${fixed((100_000 / page) * 1000)} records/s`],
    ['idle delta cycle', `${idle.requests} request(s)`, `${fixed(idle.ms, 1)} ms`],
    [`pacer-bound (${pacer.allowedPerSecond} requests/s allowed), after the first window`, `${fixed(achieved, 2)} requests/s`, `${fixed((achieved / pacer.allowedPerSecond) * 100, 1)}% of allowed, ${pacer.stats.limited} 429s, at most ${pacer.stats.maxInWindow} in a window`],
    ['process start: syncspec validate', `${fixed(cli)} ms`, `bare node ${fixed(bare)} ms, +${fixed(cli - bare)} ms`],
  ])}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
}).finally(() => rmSync(root, { recursive: true, force: true }));
