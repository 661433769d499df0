/**
 * One page of N records, committed in parts of maxChangesPerCommit (100, the default): what a split
 * page costs as N grows. Linear means the µs per record stay flat from 10k to 100k; before the page
 * log, every part re-read the page's keys and rewrote every key committed so far into the checkpoint.
 */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openProject, runProject } from '../dist/engine/index.js';

const SPEC = {
  syncspec: 1,
  name: 'page',
  vars: { baseUrl: {} },
  api: { baseUrl: '{{vars.baseUrl}}' },
  databases: { items: { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText', Score: 'number' } } },
  syncs: { items: { database: 'items', request: { path: '/items' }, records: '$.data[*]', map: { Name: '$.name', ID: '$.id', Score: '$.score' } } },
};

/** A server answering one page of `records` records (the body built once). */
async function onePageServer(records) {
  const body = JSON.stringify({ data: Array.from({ length: records }, (_, i) => ({ id: `item-${i}`, name: `Item ${i}`, score: i % 100 })) });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** ms to sync one page of `records` records into a fresh database. */
export async function singlePage(root, records) {
  const server = await onePageServer(records);
  const dir = mkdtempSync(join(root, 'page-'));
  writeFileSync(join(dir, 'page.yaml'), stringify(SPEC));
  const config = ['syncspec: 1', 'database: { type: sqlite, path: ./data/page.db }', 'connectors:', '  page:', '    spec: ./page.yaml', '    vars: { baseUrl: { env: PAGE_URL } }'];
  writeFileSync(join(dir, 'config.yaml'), `${config.join('\n')}\n`);
  const opened = await openProject(join(dir, 'config.yaml'), { env: { ...process.env, PAGE_URL: server.url } });
  try {
    const [summary] = await runProject(opened);
    if (summary.status !== 'completed' || summary.upserted !== records) throw new Error(`single page of ${records}: ${summary.status} ${summary.error}`);
    return summary.durationMs;
  } finally {
    await opened.close();
    await server.close();
  }
}
