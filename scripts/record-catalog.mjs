#!/usr/bin/env node
/**
 * Re-records the fixtures of a catalog connector: `node scripts/record-catalog.mjs github-issues`
 * (after `npm run build`).
 *
 * No vendor is reachable from CI, so each connector's fixtures come from `syncspec test --record`
 * against a stand-in for the vendor's API on loopback — `connectors/catalog/fixtures/NAME/vendor.mjs`,
 * which answers in the vendor's documented request and response shapes and changes its data between
 * cycles. The stand-in's origin is then written as the vendor's own (`origin`) in every fixture file,
 * so the recordings read as the real API's. To record the real API instead:
 * `syncspec test connectors/catalog/NAME.yaml --fixtures DIR --record` with its secrets set.
 *
 * vendor.mjs exports a function returning { origin, environment, vars?, cycles?, cycle?(n), handle(request, response) }.
 */
import http from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testConnector } from '../dist/engine/testing/connector-test.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const name = process.argv[2];
if (!name) {
  console.error('usage: node scripts/record-catalog.mjs NAME   (connectors/catalog/NAME.yaml)');
  process.exit(2);
}
const spec = join(root, 'connectors/catalog', `${name}.yaml`);
const fixtures = join(root, 'connectors/catalog/fixtures', name);
const vendor = (await import(pathToFileURL(join(fixtures, 'vendor.mjs')).href)).default();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const request = { method: req.method, url: req.url, path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    Promise.resolve(vendor.handle(request, res)).catch((error) => {
      res.writeHead(599);
      res.end(String(error));
    });
  });
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const local = `http://127.0.0.1:${server.address().port}`;
try {
  const result = await testConnector({
    target: spec,
    fixtures,
    mode: 'record',
    cycles: vendor.cycles ?? 2,
    vars: { ...vendor.vars, baseUrl: local },
    env: { ...process.env, ...vendor.environment },
    beforeCycle: (cycle) => vendor.cycle?.(cycle),
    version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
  });
  for (const cycle of result.cycles) {
    console.log(`cycle ${cycle.cycle}: ${cycle.syncs.map((sync) => `${sync.sync} ${sync.status} +${sync.upserted} -${sync.deleted}${sync.error ? ` (${sync.error})` : ''}`).join(', ')}`);
  }
  if (!result.ok) process.exitCode = 1;
} finally {
  server.close();
}
// The stand-in's origin becomes the vendor's, in recordings, snapshots (next-page URLs in state) and vars.
for (const file of readdirSync(fixtures).filter((file) => file.endsWith('.json') || file.endsWith('.har'))) {
  const path = join(fixtures, file);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.split(local).join(vendor.origin).split(encodeURIComponent(local)).join(encodeURIComponent(vendor.origin)));
}
