#!/usr/bin/env node
/**
 * One engine run for the benchmark, in a process of its own (so its peak RSS is its own): a spec
 * for bench/source.mjs written into DIR, then cycles of one sync through the library entry
 * (openProject + runProject), timed from the first request to the last commit.
 *
 *   node bench/engine-run.mjs --url URL --dir DIR --sync items|delta [--cycles N] [--partitions K] [--pages-ahead K] [--rate N/MS]
 *
 * `items`: a replace backfill, offset-paged with a total. `delta`: the same records as an
 * incremental sync on updated_at. `--partitions K`: K shards read side by side. `--pages-ahead K`:
 * one stream with up to K pages in flight (pageConcurrency). `--rate`: a pacer.
 * Prints one JSON line per cycle: { records, requests, ms, cpuMs, maxRssMb }.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { limitHeapGrowth, openProject, runProject } from '../dist/engine/index.js';

// As `syncspec` does for its own process (engine/core/heap.ts): the bench measures the product.
limitHeapGrowth();

const { values } = parseArgs({
  options: {
    url: { type: 'string' }, dir: { type: 'string' }, sync: { type: 'string', default: 'items' }, cycles: { type: 'string', default: '1' },
    partitions: { type: 'string', default: '1' }, 'pages-ahead': { type: 'string', default: '1' }, rate: { type: 'string' },
  },
});
const shards = Number(values.partitions);

const MAP = { Name: '$.name', ID: '$.id', Email: '$.email', Status: '$.status', Amount: '$.amount', Updated: '$.updated_at' };
const paginate = { type: 'offset', param: 'offset', pageSize: { value: 100, param: 'limit' }, stop: { total: '$.total' } };
const sharded = shards > 1
  ? { partitions: { values: Array.from({ length: shards }, (_, i) => String(i)) }, partitionConcurrency: shards }
  : {};
const shardQuery = shards > 1 ? { shard: '{{partition}}', shards: String(shards) } : {};
const [allowedRequests, intervalMs] = values.rate ? values.rate.split('/').map(Number) : [];
const paced = values.rate ? { pacer: 'source' } : {};
const ahead = Number(values['pages-ahead']) > 1 ? { pageConcurrency: Number(values['pages-ahead']) } : {};

const spec = {
  syncspec: 1,
  name: 'bench',
  vars: { baseUrl: {} },
  api: { baseUrl: '{{vars.baseUrl}}', retry: { attempts: 3 } },
  ...(values.rate && { pacers: { source: { allowedRequests, intervalMs } } }),
  databases: {
    items: {
      primaryKeyProperty: 'ID',
      properties: {
        Name: 'title', ID: 'richText', Email: 'email', Status: { type: 'select', options: ['open', 'pending', 'closed'] },
        Amount: 'number', Updated: { type: 'date', format: 'dateTime' },
      },
    },
  },
  syncs: {
    items: { database: 'items', request: { path: '/items', query: shardQuery }, records: '$.data[*]', paginate, map: MAP, ...sharded, ...paced, ...ahead },
    delta: {
      database: 'items', mode: 'incremental', fullSync: 'off',
      request: { path: '/items', query: { ...shardQuery, updated_after: '{{cursor.value}}' } },
      records: '$.data[*]', paginate, map: MAP, cursor: { field: '$.updated_at', bufferSeconds: 0 }, ...sharded, ...paced,
    },
  },
};
writeFileSync(join(values.dir, 'bench.yaml'), stringify(spec));
const config = ['syncspec: 1', 'database: { type: sqlite, path: ./bench.db }', 'connectors:', '  bench:', '    spec: ./bench.yaml', '    vars: { baseUrl: { env: BENCH_URL } }'];
const configPath = join(values.dir, 'config.yaml');
writeFileSync(configPath, `${config.join('\n')}\n`);

const opened = await openProject(configPath, { env: { ...process.env, BENCH_URL: values.url } });
// The hand loop imports its HTTP client before its clock starts; the engine loads got on first use,
// so it is loaded here too (process start is measured on its own).
await import('got');
try {
  for (let cycle = 0; cycle < Number(values.cycles); cycle++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const [summary] = await runProject(opened, { syncs: [values.sync] });
    const ms = performance.now() - started;
    if (summary.status !== 'completed') throw new Error(`${values.sync}: ${summary.status}: ${summary.error}`);
    const records = summary.upserted + summary.failed;
    const cpu = process.cpuUsage(cpuStarted);
    console.log(JSON.stringify({ records, requests: summary.requests, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  }
} finally {
  await opened.close();
}
