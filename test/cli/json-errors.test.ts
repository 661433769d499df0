/**
 * Under --json, a command that fails says so in JSON on stdout — `{ error: { code, message } }`, a
 * config's diagnostics included — with the same exit codes; without it, the same errors are lines
 * on stderr.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { removeScratchDirs, runCli } from '../support/cli.js';
import { scaffoldedProject } from '../support/scaffold.js';

afterAll(removeScratchDirs);

const project = () => scaffoldedProject();

describe('errors under --json', () => {
  test('an unknown sync, an unknown run: exit 2 with a JSON error on stdout, nothing on stderr', async () => {
    const dir = await project();
    const env = { PATH: process.env.PATH, ACME_TOKEN: 'x' };
    const run = await runCli(['run', 'config.yaml', '--json', '--sync', 'itemsBackfil'], { env, cwd: dir });
    expect([run.code, run.stderr]).toEqual([2, '']);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: 'unknown-sync', message: "unknown sync 'itemsBackfil' (did you mean 'acme.itemsBackfill'? known syncs: acme.itemsBackfill, acme.itemsDelta)" },
    });
    const logs = await runCli(['runs', 'logs', 'config.yaml', 'x1', '--json'], { env, cwd: dir });
    expect([logs.code, JSON.parse(logs.stdout).error.code]).toEqual([2, 'invalid-input']);
    const state = await runCli(['state', 'show', 'config.yaml', '--json', '--sync', 'nope'], { env, cwd: dir });
    expect([state.code, JSON.parse(state.stdout).error.code]).toEqual([2, 'unknown-sync']);

    // The same error without --json: a line on stderr.
    const plain = await runCli(['run', 'config.yaml', '--sync', 'itemsBackfil'], { env, cwd: dir });
    expect([plain.code, plain.stdout, plain.stderr]).toEqual([2, '', "error: unknown sync 'itemsBackfil' (did you mean 'acme.itemsBackfill'? known syncs: acme.itemsBackfill, acme.itemsDelta)\n"]);
  });

  test("an invalid config: its diagnostics in the JSON error, each with file, line and column", async () => {
    const dir = await project();
    writeFileSync(join(dir, 'config.yaml'), 'syncspec: 1\nconnectors:\n  acme: { spec: connectors/acme.yaml, secrets: { apiToken: { env: ACME_TOKEN } }, concurrency: 2 }\n');
    const status = await runCli(['status', 'config.yaml', '--json'], { env: { PATH: process.env.PATH, ACME_TOKEN: 'x' }, cwd: dir });
    expect([status.code, status.stderr]).toEqual([2, '']);
    const { error } = JSON.parse(status.stdout);
    expect(error).toMatchObject({ code: 'invalid-config', message: 'invalid configuration: 1 error(s)' });
    expect(error.diagnostics).toEqual([expect.objectContaining({ file: 'config.yaml', line: 3, path: 'connectors.acme', code: 'unknown-key', severity: 'error' })]);
  });
});
