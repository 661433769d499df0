#!/usr/bin/env node
/**
 * The hand-written reference: the least a program must do to copy the source into SQLite, written
 * the way a careful person would by hand. HTTP GET with keep-alive (got, the engine's client, or
 * Node's fetch, which is undici), JSON.parse, one prepared upsert per record, one transaction per
 * page with a checkpoint row, and the next request sent before the current page is written (or
 * `--in-flight K` requests at once). The same pragmas as the engine's store (WAL, synchronous NORMAL).
 *
 *   node bench/hand-loop.mjs --url URL --db FILE --client got|fetch [--in-flight K]
 *
 * Prints one JSON line: { records, requests, ms, cpuMs, maxRssMb }.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import got from 'got';

const { values } = parseArgs({
  options: { url: { type: 'string' }, db: { type: 'string' }, client: { type: 'string', default: 'got' }, 'in-flight': { type: 'string', default: '1' }, 'page-size': { type: 'string', default: '100' } },
});
const pageSize = Number(values['page-size']);
const inFlight = Number(values['in-flight']);

const db = new Database(values.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS items (_key TEXT PRIMARY KEY, name TEXT, email TEXT, status TEXT, amount REAL, updated TEXT);
  CREATE TABLE IF NOT EXISTS checkpoint (sync TEXT PRIMARY KEY, state TEXT)`);
const upsert = db.prepare(`INSERT INTO items (_key, name, email, status, amount, updated) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT(_key) DO UPDATE SET name = excluded.name, email = excluded.email, status = excluded.status, amount = excluded.amount, updated = excluded.updated`);
const checkpoint = db.prepare('INSERT INTO checkpoint (sync, state) VALUES (?, ?) ON CONFLICT(sync) DO UPDATE SET state = excluded.state');
const writePage = db.transaction((items, next) => {
  for (const item of items) upsert.run(item.id, item.name, item.email, item.status, item.amount, item.updated_at);
  checkpoint.run('items', JSON.stringify({ offset: next }));
});

const agent = new http.Agent({ keepAlive: true });
const client = got.extend({ agent: { http: agent }, retry: { limit: 0 }, headers: { accept: 'application/json' } });
async function fetchPage(offset) {
  const url = `${values.url}/items?offset=${offset}&limit=${pageSize}`;
  const text = values.client === 'got' ? await client.get(url).text() : await (await fetch(url, { headers: { accept: 'application/json' } })).text();
  return JSON.parse(text);
}

const started = performance.now();
const cpuStarted = process.cpuUsage();
let records = 0;
let requests = 0;
if (inFlight === 1) {
  // Sequential, with the next request overlapped with the current write.
  let offset = 0;
  let pending = fetchPage(offset);
  for (;;) {
    const body = await pending;
    requests++;
    const next = offset + body.data.length;
    const more = body.data.length > 0 && next < body.total;
    if (more) pending = fetchPage(next);
    writePage(body.data, next);
    records += body.data.length;
    if (!more) break;
    offset = next;
  }
} else {
  // K requests in flight over the offsets the first page's total tells.
  const first = await fetchPage(0);
  requests++;
  writePage(first.data, first.data.length);
  records += first.data.length;
  const offsets = [];
  for (let offset = pageSize; offset < first.total; offset += pageSize) offsets.push(offset);
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let offset = offsets.shift(); offset !== undefined; offset = offsets.shift()) {
      const body = await fetchPage(offset);
      requests++;
      writePage(body.data, offset + body.data.length);
      records += body.data.length;
    }
  }));
}
const ms = performance.now() - started;
agent.destroy();
db.close();
const cpu = process.cpuUsage(cpuStarted);
console.log(JSON.stringify({ records, requests, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
