import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../engine/store/open.js';
import { SqliteStore } from '../../../engine/store/sqlite/index.js';
import { systemSchemaVersion } from '../../../engine/store/sqlite/system-schema.js';
import { batch, begin, contacts, holdWriteLock, upsert, useStores } from './fixture.js';

const stores = useStores();

describe('the SQLite file', () => {
  it('is in WAL mode with the system tables at the current version', async () => {
    await stores.open().close();
    const db = new Database(stores.path(), { readonly: true });
    const mode = db.pragma('journal_mode', { simple: true });
    const version = db.pragma('user_version', { simple: true });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all();
    db.close();
    expect(mode).toBe('wal');
    expect(version).toBe(systemSchemaVersion);
    expect(tables).toEqual([
      '_anchors', '_checkpoints', '_columns', '_cycles', '_databases', '_links', '_locks', '_pacer_pauses', '_pacer_slots', '_page_log', '_run_failures', '_run_logs', '_runs', '_sequence', '_tombstones',
    ]);
  });

  it('is shared by two stores on one file, as two processes would', async () => {
    const writer = stores.open();
    const reader = stores.open();
    const { runId, cycle } = await begin(writer, 'crm.sync', 'incremental');
    await writer.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A', VIP: true })], { nextState: { cursor: 1 } }));
    expect((await reader.readRows(contacts)).rows).toEqual([{ _key: 'a', Name: 'A', Age: null, VIP: true }]);
    expect(await reader.getCheckpoint('crm.sync', '')).toMatchObject({ state: { cursor: 1 } });
    expect(await reader.getRun(runId)).toMatchObject({ upserted: 1 });

    // The reader writes too, and the first store sees it and stamps after it.
    const other = await begin(reader, 'crm.other', 'incremental');
    await reader.commit(batch(other.runId, other.cycle, contacts, [upsert('b', { Name: 'B' })]));
    expect((await writer.readRows(contacts)).total).toBe(2);
    expect((await writer.openCycle('crm.third', 'replace')).startSeq).toBe(2);
  });

  it('waits for the write lock another process holds instead of failing', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.ensureDatabase(contacts);
    const lock = holdWriteLock(stores.path(), 300);
    await lock.locked;
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })]));
    // Had it not waited it would have failed (SQLITE_BUSY); it waited and committed after the other
    // writer's commit, so it took the sequence value after it.
    const db = new Database(stores.path(), { readonly: true });
    expect(db.prepare('SELECT _seq FROM "crm.contacts"').pluck().get()).toBe(2);
    db.close();
    await lock.released;
  });

  it('reads without waiting for another process’s write lock', async () => {
    await stores.open().ensureDatabase(contacts);
    // Held far longer than the reads' busy timeout (and the test's): they can only pass by not waiting.
    const lock = holdWriteLock(stores.path(), 60_000);
    await lock.locked;
    try {
      const reader = stores.open();
      expect((await reader.readRows(contacts)).total).toBe(0);
      expect(await reader.listRuns()).toEqual([]);
    } finally {
      lock.release();
    }
    await lock.released;
  });

  it('refuses a file written by a newer schema version', () => {
    const db = new Database(stores.path());
    db.pragma(`user_version = ${systemSchemaVersion + 1}`);
    db.close();
    expect(() => new SqliteStore(stores.path())).toThrow(
      `The SQLite database ${stores.path()} has schema version ${systemSchemaVersion + 1}, newer than this syncspec understands ` +
        `(${systemSchemaVersion}); upgrade syncspec to open it`,
    );
  });

  it('names the file it cannot open', async () => {
    writeFileSync(stores.path(), 'this is not a database, just some text that is long enough to have a header.'.repeat(10));
    await expect(openStore({ type: 'sqlite', path: stores.path() })).rejects.toThrow(
      `database ${stores.path()} (the store): is not an SQLite database (file is not a database)`,
    );
  });
});
