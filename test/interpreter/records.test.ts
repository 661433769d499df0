/**
 * Text that is not valid Unicode never reaches a row, through `syncspec run`: JSON can carry lone
 * UTF-16 surrogates (`"\ud800"`), which SQLite would store as invalid UTF-8 that other clients cannot
 * read. Such a record fails with its reason — in a value or in the key — and the rest of the page lands;
 * every text in the file stays valid UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { sendText, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

/** Every TEXT value of every table in the file, as bytes. */
function textBytes(file: string): Buffer[] {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    return tables.flatMap((table) => {
      const quoted = `"${table.replaceAll('"', '""')}"`;
      const columns = (db.prepare(`PRAGMA table_info(${quoted})`).all() as { name: string }[]).map((column) => column.name);
      return columns.flatMap((column) => {
        const q = `"${column.replaceAll('"', '""')}"`;
        return db.prepare(`SELECT CAST(${q} AS BLOB) FROM ${quoted} WHERE typeof(${q}) = 'text'`).pluck().all() as Buffer[];
      });
    });
  } finally {
    db.close();
  }
}

describe('lone surrogates', () => {
  test('a record with one in a value or in its key fails with a reason; the file holds only valid UTF-8', async () => {
    // Written as JSON text: the escapes are what an API sends; JSON.parse makes lone surrogates of them.
    const body = '{"data":[{"id":"a","name":"Fine"},{"id":"b","name":"Broken \\ud800 name"},{"id":"c\\udfff","name":"Broken key"},{"id":"d","name":"Also fine \\ud83d\\ude00"}]}';
    const api = await serve((_req, res) => sendText(res, 200, body, { 'content-type': 'application/json' }));
    const { dir, config, cli } = apiProject(api.url, itemsSpec());
    const run = await cli('run', config, '--json');
    expect(run.code, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout)[0]).toMatchObject({ status: 'completed', upserted: 2, failed: 2 });
    const logs = await cli('runs', 'logs', config, '1', '--json');
    const { failures } = JSON.parse(logs.stdout) as { failures: { key: string | null; reason: string }[] };
    expect(failures).toEqual([
      { key: 'b', reason: 'property "Name" holds a lone UTF-16 surrogate (\\uD800) at character 8, which is not valid Unicode; the record is not stored' },
      { key: null, reason: 'the key holds a lone UTF-16 surrogate (\\uDFFF) at character 2, which is not valid Unicode; the record is not stored' },
    ]);
    const texts = textBytes(join(dir, 'data/sync.db'));
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.filter((bytes) => !isUtf8(bytes)).map((bytes) => bytes.toString('hex'))).toEqual([]);
    expect(texts.map((bytes) => bytes.toString('utf8'))).toContain('Also fine 😀');
  });
});
