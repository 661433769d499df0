/**
 * Checkpoints written by earlier engines keep loading (engine/interpreter/state-format.ts): a state
 * row of the previous shape — a split page whose committed identities sit in `page.done` (before
 * the page log), without the walk's counts — written straight into the SQLite file is printed by
 * `state show` and resumed by `run`; a state of a format newer than the engine's is shown as JSON
 * and refused by `run` rather than misread.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { rowsByKey, sandboxEnv, writeConfig } from '../support/project.js';
import { onRequest, removeScratchDirs, runCli, scratchDir, tableRows, withProject } from '../support/cli.js';

afterAll(removeScratchDirs);

const SYNC = 'crm.contactsBackfill';

describe('a checkpoint of the previous state shape', () => {
  let sandbox: Sandbox;
  let dir: string;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  let storagePath: string;
  const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
  const runSync = async () => JSON.parse((await cli('run', configPath, '--sync', 'contactsBackfill', '--json')).stdout)[0];
  const writeState = (state: unknown) => {
    const db = new Database(storagePath, { fileMustExist: true });
    try {
      const { changes } = db.prepare('UPDATE _checkpoints SET state = ? WHERE sync = ?').run(JSON.stringify(state), SYNC);
      expect(changes).toBe(1);
    } finally {
      db.close();
    }
  };
  /** The backfill stopped by a 404 on its 2nd page: its checkpoint is at the 1st page's last contact. */
  const interruptedBackfill = async (): Promise<string> => {
    expect(await cli('state', 'reset', configPath)).toMatchObject({ code: 0 });
    const stop = onRequest(sandbox, (entry, count) => {
      if (count === 1 && entry.path === '/v1/contacts') sandbox.source.faults.failNext({ status: 404, pathPrefix: '/v1/contacts' });
    });
    expect(await runSync()).toMatchObject({ status: 'failed' });
    stop();
    const [checkpoint] = await withProject(configPath, env, (opened) => opened.store.listCheckpoints(SYNC));
    return (checkpoint.state as { page: { position: { at: string } } }).page.position.at;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7 });
    dir = scratchDir('syncspec-old-checkpoint-');
    configPath = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    env = sandboxEnv(sandbox);
    storagePath = await withProject(configPath, env, async (opened) => opened.project.storage.path);
  });
  afterAll(() => sandbox.close());

  test('a split page with `page.done` and no walk counts: state show prints it, run resumes after its committed records', async () => {
    const at = await interruptedBackfill();
    // The 2nd page's first two good contacts, committed (says the old state) before the interruption.
    const good = sandbox.source.list('contacts').map((c) => c.id).filter((id) => id > at && !sandbox.source.badContactIds.includes(id)).sort();
    const done = good.slice(0, 2);
    // Identities as page-parts.ts writes them: `key:` and the record's key.
    writeState({ page: { position: { at }, skip: 2, done: done.map((id) => `key:${id}`) } });

    const shown = await cli('state', 'show', configPath, '--sync', 'contactsBackfill');
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = tableRows(shown.stdout);
    // Every key is read: no `state` column of leftovers.
    expect(header).toEqual(['sync', 'partition', 'cycle', 'phase', 'cursor', 'delete cursor', 'page', 'updated']);
    expect(rows.map((row) => row.slice(0, 7))).toEqual([[SYNC, '-', 'in progress', '-', '-', '-', `at ${at}, 2 committed`]]);

    // Pages 2 to 5, and the two records the old state lists as committed are not written again.
    expect(await runSync()).toMatchObject({ status: 'completed', requests: 4 });
    const stored = await withProject(configPath, env, async (opened) => ({
      keys: [...(await rowsByKey(opened, 'crm.contacts')).keys()],
      checkpoints: await opened.store.listCheckpoints(SYNC),
    }));
    expect(stored.keys).not.toContain(done[0]);
    expect(stored.keys).not.toContain(done[1]);
    expect(stored.keys).toEqual(expect.arrayContaining(good.slice(2)));
    // The cycle closed: the next one starts from the first page.
    expect(stored.checkpoints).toEqual([]);
  });

  test('a state of a newer format is shown unread and refused by run; its checkpoint stays', async () => {
    const at = await interruptedBackfill();
    const future = { v: 2, page: { position: { at }, skip: 0 } };
    writeState(future);

    const shown = await cli('state', 'show', configPath, '--sync', 'contactsBackfill');
    const [header, ...rows] = tableRows(shown.stdout);
    expect(header.at(-1)).toBe('state');
    expect(rows[0].slice(0, 7)).toEqual([SYNC, '-', 'in progress', '-', '-', '-', '-']);
    expect(rows[0].at(-1)).toBe(JSON.stringify(future));

    const result = await cli('run', configPath, '--sync', 'contactsBackfill', '--json');
    const [summary] = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'failed', upserted: 0 });
    expect(summary.error).toContain('state format 2');
    const [checkpoint] = await withProject(configPath, env, (opened) => opened.store.listCheckpoints(SYNC));
    expect(checkpoint.state).toEqual(future);
  });
});
