#!/usr/bin/env node
/**
 * The benchmark's source: a lean loopback API in its own process (on two cores it runs beside the
 * client under test, as a real API would), so what is measured is the client, not the server.
 *
 *   GET /items?offset=&limit=[&shard=K&shards=S][&updated_after=ISO]  → { data: [...], total }
 *   GET /_stats   → { requests, limited, maxInWindow }   POST /_stats/clear
 *
 * Records are generated, not stored: item i is `{ id, name, email, status, amount, updated_at }`,
 * all updated an hour before the server started (so a delta after a backfill finds nothing new).
 * `--latency-ms` delays every answer; `--rate N/MS` answers 429 (with Retry-After) to any request
 * past N in a sliding window of MS milliseconds, and `maxInWindow` is the most it ever saw in one.
 *
 * Prints its URL on stdout once listening.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { records: { type: 'string' }, 'latency-ms': { type: 'string', default: '0' }, rate: { type: 'string' } },
});
const records = Number(values.records);
const latencyMs = Number(values['latency-ms']);
const [allowed, windowMs] = values.rate ? values.rate.split('/').map(Number) : [Infinity, 1000];
const STATUSES = ['open', 'pending', 'closed'];
const updatedAt = new Date(Date.now() - 3_600_000).toISOString();

function item(i) {
  return { id: `item-${String(i).padStart(7, '0')}`, name: `Item ${i}`, email: `user${i}@example.com`, status: STATUSES[i % 3], amount: (i % 1000) + 0.5, updated_at: updatedAt };
}

let stats = { requests: 0, limited: 0, maxInWindow: 0 };
/** Arrival times of the requests answered within the window (for --rate). */
let arrivals = [];

function overLimit(now) {
  while (arrivals.length > 0 && arrivals[0] <= now - windowMs) arrivals.shift();
  if (arrivals.length >= allowed) return true;
  arrivals.push(now);
  stats.maxInWindow = Math.max(stats.maxInWindow, arrivals.length);
  return false;
}

function page(url) {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const shards = Number(url.searchParams.get('shards') ?? 1);
  const shard = Number(url.searchParams.get('shard') ?? 0);
  // Shard K of S holds items K, K+S, K+2S…: a range partition of the same records.
  const total = url.searchParams.has('updated_after') && url.searchParams.get('updated_after') >= updatedAt
    ? 0
    : Math.floor(records / shards) + (shard < records % shards ? 1 : 0);
  const data = [];
  for (let n = offset; n < Math.min(total, offset + limit); n++) data.push(item(shard + n * shards));
  return JSON.stringify({ data, total });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://source');
  if (url.pathname === '/_stats') {
    if (req.method === 'POST') {
      stats = { requests: 0, limited: 0, maxInWindow: 0 };
      arrivals = [];
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(stats));
  }
  stats.requests++;
  if (overLimit(performance.now())) {
    stats.limited++;
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
    return res.end('{"error":"rate limited"}');
  }
  const body = page(url);
  const answer = () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (latencyMs > 0) setTimeout(answer, latencyMs);
  else answer();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
