import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations, systemSchemaVersion } from '../../../engine/store/sqlite/system-schema.js';
import { batch, contacts, useStores } from './fixture.js';

const stores = useStores();

/** A file as syncspec left it at schema version 1: two syncs' history and a contacts table without `_version`. */
function buildVersion1(path: string): void {
  const db = new Database(path);
  db.exec(migrations[0]);
  db.pragma('user_version = 1');
  db.exec(`
    UPDATE _sequence SET value = 2;
    INSERT INTO _databases (name, created_at) VALUES ('crm.contacts', '2024-01-01T00:00:00.000Z');
    INSERT INTO _columns (database, property, type) VALUES ('crm.contacts', 'Name', 'title'), ('crm.contacts', 'Age', 'number'),
      ('crm.contacts', 'VIP', 'checkbox');
    CREATE TABLE "crm.contacts" (_key TEXT PRIMARY KEY, _seq INTEGER NOT NULL, _icon TEXT, _content TEXT, _updated_at TEXT,
      "Name" TEXT, "Age" REAL, "VIP" INTEGER);
    CREATE INDEX "crm.contacts._seq" ON "crm.contacts" (_seq);
    INSERT INTO "crm.contacts" (_key, _seq, "Name") VALUES ('a', 1, 'Ada'), ('b', 2, 'Bob');
    INSERT INTO _cycles (sync, mode, started_at, start_seq, closed_at, swept) VALUES
      ('crm.backfill', 'replace', '2024-01-01T00:00:00.000Z', 0, '2024-01-01T00:05:00.000Z', 0),
      ('crm.backfill', 'replace', '2024-01-02T00:00:00.000Z', 1, '2024-01-02T00:01:00.000Z', NULL),
      ('crm.delta', 'incremental', '2024-01-03T00:00:00.000Z', 1, '2024-01-03T00:01:00.000Z', 0),
      ('crm.delta', 'incremental', '2024-01-04T00:00:00.000Z', 2, NULL, NULL);
    INSERT INTO _checkpoints (sync, partition, state, cycle, done_in_cycle, updated_at) VALUES
      ('crm.delta', '', '{"cursor":2}', 4, NULL, '2024-01-04T00:00:30.000Z');
  `);
  db.close();
}

describe('system schema migration 2', () => {
  it('brings a version 1 file forward: full cycles, anchors, tombstones and versioned rows', async () => {
    buildVersion1(stores.path());
    const store = stores.open();
    const db = new Database(stores.path(), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(systemSchemaVersion);
    expect(db.prepare('SELECT id, full FROM _cycles ORDER BY id').raw().all()).toEqual([[1, 1], [2, 1], [3, 0], [4, 0]]);
    db.close();

    // Replace cycles were full; the abandoned one does not count. The delta never had a full cycle.
    expect(await store.lastFullCycleAt('crm.backfill')).toBe('2024-01-01T00:05:00.000Z');
    expect(await store.lastFullCycleAt('crm.delta')).toBe('2024-01-03T00:00:00.000Z');
    const open = await store.openCycle('crm.delta', 'incremental', { full: true });
    expect(open).toEqual({
      id: 4, sync: 'crm.delta', mode: 'incremental', startedAt: '2024-01-04T00:00:00.000Z', startSeq: 2, full: false, resumed: true, unkeyedFailures: 0,
    });
    expect(await store.setAnchor('crm.events', { after: 1 })).toBe(true);

    // The managed table gets its `_version` column when first used; its rows start unversioned.
    const runId = await store.startRun('crm.delta');
    const result = await store.commit(batch(runId, open, contacts, [
      { type: 'upsert', key: 'a', version: 5, properties: { Age: 36 } },
      { type: 'delete', key: 'b', version: 5 },
      { type: 'upsert', key: 'b', version: 4, properties: { Name: 'Old Bob' } },
    ]));
    expect(result).toEqual({ upserted: 1, deleted: 1, stale: 1 });
    expect((await store.readRows(contacts)).rows).toEqual([{ _key: 'a', Name: 'Ada', Age: 36, VIP: false }]);
    const after = new Database(stores.path(), { readonly: true });
    expect(after.prepare('SELECT _key, _version FROM "crm.contacts"').raw().all()).toEqual([['a', 5]]);
    after.close();
  });

  it('adds `_version` to a table that was recorded before, when the definition is ensured', async () => {
    buildVersion1(stores.path());
    await stores.open().ensureDatabase(contacts);
    const db = new Database(stores.path(), { readonly: true });
    const columns = db.prepare(`SELECT name FROM pragma_table_info('crm.contacts')`).pluck().all();
    db.close();
    expect(columns).toEqual(['_key', '_seq', '_icon', '_content', '_updated_at', 'Name', 'Age', 'VIP', '_version', '_version_cycle']);
  });
});

describe('system schema migration 5', () => {
  it('keeps the history of a version 4 file: its runs become manual runs without progress, and can have logs', async () => {
    const path = stores.path();
    const db = new Database(path);
    for (const migration of migrations.slice(0, 4)) db.exec(migration);
    db.pragma('user_version = 4');
    db.exec(`INSERT INTO _runs (sync, status, started_at, ended_at, upserted) VALUES ('crm.delta', 'completed', '2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000Z', 7)`);
    db.close();

    const store = stores.open();
    expect(await store.getRun(1)).toMatchObject({ sync: 'crm.delta', status: 'completed', upserted: 7, trigger: 'manual', progress: null });
    expect(await store.pendingRuns()).toEqual([]);
    await store.appendRunLogs(1, [{ at: '2024-01-01T00:01:00.000Z', level: 'info', message: 'completed' }]);
    expect(await store.listRunLogs(1)).toEqual([{ at: '2024-01-01T00:01:00.000Z', level: 'info', message: 'completed' }]);
  });
});

describe('system schema migration 10', () => {
  it('drops the _seq index of every managed table of an older file', async () => {
    const path = stores.path();
    const db = new Database(path);
    for (const migration of migrations.slice(0, 9)) db.exec(migration as string);
    db.pragma('user_version = 9');
    db.exec(`CREATE TABLE "crm.contacts" (_key TEXT PRIMARY KEY, _seq INTEGER NOT NULL, _icon TEXT, _content TEXT, _updated_at TEXT, _version REAL, _version_cycle INTEGER, "Name" TEXT, "Age" REAL, "VIP" INTEGER)`);
    db.exec(`CREATE INDEX "crm.contacts._seq" ON "crm.contacts" (_seq)`);
    db.exec(`INSERT INTO _databases (name, created_at) VALUES ('crm.contacts', '2024-01-01T00:00:00.000Z')`);
    db.close();

    const store = stores.open();
    await store.getRun(1);
    const after = new Database(path, { readonly: true });
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'crm.contacts'`).pluck().all()).toEqual(['sqlite_autoindex_crm.contacts_1']);
    expect(after.pragma('user_version', { simple: true })).toBe(systemSchemaVersion);
    after.close();
  });
});
