/**
 * Text that is not valid Unicode, end to end: an API's JSON carries `"\ud800"`, which parses into a
 * lone UTF-16 surrogate that has no UTF-8 form. `syncspec run` stores the good records, fails the
 * bad ones alone with their reasons, and leaves a file whose every TEXT value is valid UTF-8 — the
 * rows, and the run history that reports the failures (a reason may quote the bad value).
 */
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

/** Name (title), ID (richText), Email and Tags (multiSelect a, b) from each record. */
function spec() {
  const base = itemsSpec();
  const databases = base.databases as { items: { properties: Record<string, unknown> } };
  databases.items.properties = { ...databases.items.properties, Email: 'email', Tags: { type: 'multiSelect', options: ['a', 'b'] } };
  const syncs = base.syncs as { items: { map: Record<string, unknown> } };
  syncs.items.map = { ...syncs.items.map, Email: '$.email', Tags: '$.tags' };
  return base;
}

/** Every TEXT value of every table of the file that is not valid UTF-8, as `table.column = hex`. */
function invalidUtf8(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const found: string[] = [];
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    for (const table of tables) {
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
      const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
      // CAST(… AS BLOB): the bytes as stored, not as a driver decodes (and repairs) them.
      const select = columns.map((column) => `CASE WHEN typeof(${quoted(column)}) = 'text' THEN CAST(${quoted(column)} AS BLOB) END AS ${quoted(column)}`);
      for (const row of db.prepare(`SELECT ${select.join(', ')} FROM ${quoted(table)}`).all() as Record<string, Buffer | null>[]) {
        for (const [column, bytes] of Object.entries(row)) {
          if (bytes !== null && !isUtf8(bytes)) found.push(`${table}.${column} = ${bytes.toString('hex')}`);
        }
      }
    }
    return found;
  } finally {
    db.close();
  }
}

describe('lone UTF-16 surrogates from an API', () => {
  test('the good records land; the bad ones fail with their reasons; every TEXT value in the file is valid UTF-8', async () => {
    const records = [
      { id: 'good-1', name: 'Good one', email: 'one@example.com', tags: ['a'] },
      { id: 'bad-name', name: `Bad ${LONE_HIGH} name`, email: null, tags: [] },
      // Invalid for its own reason too: the reason quotes the value, lone surrogate and all.
      { id: 'bad-email', name: 'Bad email', email: `b${LONE_HIGH}@example.com`, tags: [] },
      { id: 'bad-tags', name: 'Bad tags', email: null, tags: ['a', LONE_LOW] },
      { id: `bad-key-${LONE_LOW}`, name: 'Bad key', email: null, tags: [] },
      { id: 'good-2', name: 'Good two', email: null, tags: ['b'] },
    ];
    // JSON.stringify writes each lone surrogate as the escape `\ud800`, as an API would send it.
    const api = await serve((_req, res) => sendJson(res, 200, { data: records }));
    const project = apiProject(api.url, spec());

    const run = await project.cli('run', project.config, '--quiet');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('4 record(s) failed');

    const file = join(project.dir, 'data/sync.db');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT _key, "Name", "Email", "Tags" FROM "api.items" ORDER BY _key').all();
    db.close();
    expect(rows).toEqual([
      { _key: 'good-1', Name: 'Good one', Email: 'one@example.com', Tags: '["a"]' },
      { _key: 'good-2', Name: 'Good two', Email: null, Tags: '["b"]' },
    ]);

    const logs = await project.cli('runs', 'logs', project.config, '1');
    expect(logs.code, logs.stderr).toBe(0);
    // The list after the log lines (one of which says the same in one line).
    const failures = logs.stdout.split('\n\n4 record(s) failed:\n')[1]?.split('\n').slice(0, 4);
    expect(failures).toEqual([
      expect.stringMatching(/^ {2}bad-name: property "Name" holds a lone UTF-16 surrogate \(\\uD800\) at character 5\b/),
      // The report keeps what arrived, escaped as JSON writes it: readable, and not silently altered.
      "  bad-email: Email: invalid email 'b\\ud800@example.com'",
      "  bad-tags: Tags: '\\udc00' is not an option of Tags (options: a, b)",
      // With its key (escaped): a failure without one would stop the cycle's sweep.
      expect.stringMatching(/^ {2}bad-key-\\udc00: the key holds a lone UTF-16 surrogate \(\\uDC00\) at character 9\b/),
    ]);

    expect(invalidUtf8(file)).toEqual([]);
  });
});
