/**
 * When the database itself fails — a path that cannot be, a read-only or full file system, a lock
 * held by another process, a damaged file — every command says which database, where it is
 * configured and what to do, and exits 3 (not 2, which is invalid input). Read-only commands never
 * create the database and keep working on a read-only file system.
 *
 * Real conditions, not mocks: a read-only or full file system is a small tmpfs mounted in a private
 * mount namespace (`unshare --user --map-root-user --mount`, which needs no root), a lock is a real
 * write transaction held from this process, damage is bytes overwritten in the file.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers } from '../../support/http-server.js';
import { CLI, removeScratchDirs } from '../../support/cli.js';
import { apiProject, itemsSpec } from '../../support/api-project.js';

afterAll(removeScratchDirs);
const serve = useServers();

const ids = (n: number, prefix = 'item') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** The API: `count` items, each with a long name (so a few pages fill a small disk). */
async function itemsApi(count = 20) {
  return serve((_req, res) => sendJson(res, 200, { data: ids(count).map((id) => ({ id, name: `${id} ${'x'.repeat(2000)}` })) }));
}

/**
 * Runs `steps` (syncspec argument lists) one after another in a private mount namespace where `dir`
 * is a fresh tmpfs of `size`, remounted read-only before the steps marked `readOnly`. Each step's
 * exit code and output come back.
 */
async function inTmpfs(dir: string, size: string, env: NodeJS.ProcessEnv, steps: { args: string[]; readOnly?: boolean }[], cwd = join(dir, '..')) {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const lines = [`mount -t tmpfs -o size=${size} tmpfs ${quote(dir)}`];
  steps.forEach((step, i) => {
    if (step.readOnly) lines.push(`mount -o remount,ro ${quote(dir)}`);
    lines.push(`${quote(process.execPath)} ${quote(CLI)} ${step.args.map(quote).join(' ')} > ${quote(`${dir}.out${i}`)} 2>&1; echo $? > ${quote(`${dir}.code${i}`)}`);
  });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', lines.join('\n')], { env, cwd, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`unshare exited ${code}`))));
  });
  return steps.map((_, i) => ({ code: Number(readFileSync(`${dir}.code${i}`, 'utf8')), output: readFileSync(`${dir}.out${i}`, 'utf8') }));
}

describe('database paths that cannot be', () => {
  test('a folder that cannot be created: exit 3, naming the path and where the config sets it', async () => {
    const api = await itemsApi(2);
    const project = apiProject(api.url, itemsSpec(), {}, '{ type: sqlite, path: ./blocker/data/sync.db }');
    writeFileSync(join(project.dir, 'blocker'), 'a file where a folder should be');
    const run = await project.cli('run', project.config);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `error: database ${join(project.dir, 'blocker/data/sync.db')} (database.path at config.yaml:2:33): its folder cannot be created ` +
        `(ENOTDIR: not a directory, mkdir '${join(project.dir, 'blocker/data')}'); point database.path at a folder that exists or can be made\n`,
    );
  });

  test('a directory where the file should be', async () => {
    const api = await itemsApi(2);
    const project = apiProject(api.url, itemsSpec(), {}, '{ type: sqlite, path: ./data }');
    mkdirSync(join(project.dir, 'data'));
    const run = await project.cli('run', project.config);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`database ${join(project.dir, 'data')} (database.path at config.yaml:2:33): is a directory, not a database file`);
  });

  test('read-only commands on a database that does not exist yet print what they can, and create nothing', async () => {
    const project = apiProject('http://127.0.0.1:9', itemsSpec());
    const results = await Promise.all([
      project.cli('status', project.config), project.cli('state', 'show', project.config), project.cli('runs', 'list', project.config, '--json'),
    ]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(results[0].stdout).toContain('api.items');
    expect(results[1].stdout).toBe('no checkpoints: every selected sync starts from the beginning\n');
    expect(JSON.parse(results[2].stdout)).toEqual([]);
    expect(existsSync(join(project.dir, 'data'))).toBe(false);
  });
});

describe('file systems that are read-only or full', () => {
  test('read-only: syncs fail with exit 3 saying so; status and runs still read it', async () => {
    const api = await itemsApi(3);
    const project = apiProject(api.url, itemsSpec());
    const data = join(project.dir, 'data');
    mkdirSync(data);
    const [first, status, runs, again] = await inTmpfs(data, '8m', project.env, [
      { args: ['run', project.config] },
      { args: ['status', project.config], readOnly: true },
      { args: ['runs', 'list', project.config, '--json'] },
      { args: ['run', project.config] },
    ]);
    expect(first.code, first.output).toBe(0);
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain('#1 completed');
    expect(JSON.parse(runs.output)).toMatchObject([{ id: 1, status: 'completed', upserted: 3 }]);
    expect(again.code).toBe(3);
    expect(again.output).toContain(`error: database ${join(data, 'sync.db')} (database.path at config.yaml:2:33): is read-only`);
  });

  test('full: the run stops with exit 3, saying the disk is full; nothing of the failed page remains', async () => {
    const api = await itemsApi(200);
    const project = apiProject(api.url, itemsSpec({}, { maxChangesPerCommit: 10 }));
    const data = join(project.dir, 'data');
    mkdirSync(data);
    const [run, runs] = await inTmpfs(data, '300k', project.env, [{ args: ['run', project.config] }, { args: ['runs', 'list', project.config, '--json'] }]);
    expect(run.code, run.output).toBe(3);
    expect(run.output).toContain(`database ${join(data, 'sync.db')} (database.path at config.yaml:2:33): the disk is full; free space on its file system and run again`);
    expect(run.output).not.toMatch(/SqliteError|at .*\.js:\d+/);
    // What was committed before the disk filled is whole: upserted counts only committed pages, in tens.
    const [record] = JSON.parse(runs.output) as { upserted: number }[];
    expect(record.upserted % 10).toBe(0);
  });
});

describe('another process holding the write lock', () => {
  test('waits database.busyTimeoutMs, then exits 3 naming how long it waited', async () => {
    const api = await itemsApi(2);
    const project = apiProject(api.url, itemsSpec(), {}, '{ type: sqlite, path: ./data/sync.db, busyTimeoutMs: 300 }');
    expect((await project.cli('run', project.config)).code).toBe(0);
    const holder = new Database(join(project.dir, 'data/sync.db'));
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE _sequence SET value = value + 1').run();
    try {
      const run = await project.cli('run', project.config);
      expect(run.code).toBe(3);
      expect(run.stdout + run.stderr).toContain('is locked by another process: waited 0.3 s for its write lock (database.busyTimeoutMs)');
      // Reading does not wait on a writer (WAL).
      expect((await project.cli('status', project.config)).code).toBe(0);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

describe('a damaged file', () => {
  /** Overwrites the middle of the root page of `table` with garbage, after moving the WAL into the file. */
  function damage(file: string, table: string): void {
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(table) as { rootpage: number };
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, (rootpage - 1) * pageSize + 8, rootpage * pageSize - 8);
    writeFileSync(file, bytes);
  }
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  test('syncs refuse it at open with exit 3 and how to recover, writing nothing; a reader that meets the damage says the same', async () => {
    const api = await itemsApi(50);
    const project = apiProject(api.url, itemsSpec());
    expect((await project.cli('run', project.config)).code).toBe(0);
    const file = join(project.dir, 'data/sync.db');
    damage(file, 'api.items');
    const before = digest(file);
    const run = await project.cli('run', project.config);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(new RegExp(`^error: database ${file} \\(database\\.path at config\\.yaml:2:33\\): is damaged \\(PRAGMA quick_check: .+\\); restore it from a backup; or recover what can be read — sqlite3 ${file} "\\.recover" \\| sqlite3 recovered\\.db`));
    expect(digest(file)).toBe(before);

    damage(file, '_runs');
    const status = await project.cli('status', project.config);
    expect(status.code).toBe(3);
    expect(status.stderr).toContain(`error: database ${file} (database.path at config.yaml:2:33): is damaged`);
  });
});
