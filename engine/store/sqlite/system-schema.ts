/**
 * The system tables, versioned with `PRAGMA user_version`: migration N (1-based) brings a file from
 * version N-1 to N. Append new migrations; never edit a released one. Managed tables (one per
 * database) are not here: see tables.ts.
 */
import { writeTransaction, type Connection } from './connection.js';
import { StoreError } from '../errors.js';
import { quoteIdentifier } from './quote.js';

/** Exported so that tests can build a file as an older syncspec left it. */
/** SQL, or — where the statements depend on what the file holds — a function run in the same transaction. */
export type Migration = string | ((db: Connection) => void);

export const migrations: readonly Migration[] = [
  `
  -- One counter per file: each commit takes the next value and stamps every row it writes with it.
  CREATE TABLE _sequence (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
  );
  INSERT INTO _sequence (id, value) VALUES (1, 0);

  -- Managed tables. NOCASE mirrors SQLite's own (ASCII) case-insensitive table names.
  CREATE TABLE _databases (
    name       TEXT PRIMARY KEY COLLATE NOCASE,
    created_at TEXT NOT NULL
  );

  -- Property columns of managed tables, with the type each was created for (migration checks)
  -- and, for relations, where back-links go. Columns are never dropped: a property missing from
  -- the latest definition is kept with active = 0.
  CREATE TABLE _columns (
    database          TEXT NOT NULL COLLATE NOCASE REFERENCES _databases (name),
    property          TEXT NOT NULL COLLATE NOCASE,
    type              TEXT NOT NULL,
    date_format       TEXT,
    relation_database TEXT COLLATE NOCASE,
    back_link         TEXT,
    active            INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (database, property)
  );
  CREATE INDEX _columns_back_links ON _columns (relation_database) WHERE back_link IS NOT NULL;

  -- Two-way relations, one row per (source row, property, target key).
  CREATE TABLE _links (
    source_db  TEXT NOT NULL COLLATE NOCASE,
    source_key TEXT NOT NULL,
    property   TEXT NOT NULL COLLATE NOCASE,
    target_key TEXT NOT NULL,
    target_db  TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (source_db, source_key, property, target_key)
  ) WITHOUT ROWID;
  CREATE INDEX _links_target ON _links (target_db, target_key);

  -- AUTOINCREMENT: an id is never reused, so a stale process cannot write into a newer cycle.
  CREATE TABLE _cycles (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sync       TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('replace', 'incremental')),
    started_at TEXT NOT NULL,
    start_seq  INTEGER NOT NULL,
    closed_at  TEXT,
    -- Rows deleted by the closing sweep; NULL when the cycle was abandoned (--full, reset).
    swept      INTEGER
  );
  CREATE UNIQUE INDEX _cycles_open ON _cycles (sync) WHERE closed_at IS NULL;

  CREATE TABLE _checkpoints (
    sync          TEXT NOT NULL,
    partition     TEXT NOT NULL,
    -- JSON text; NULL when the sync returned no state (undefined).
    state         TEXT,
    cycle         INTEGER NOT NULL REFERENCES _cycles (id),
    done_in_cycle INTEGER REFERENCES _cycles (id),
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (sync, partition)
  );

  CREATE TABLE _runs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sync       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    upserted   INTEGER NOT NULL DEFAULT 0,
    deleted    INTEGER NOT NULL DEFAULT 0,
    failed     INTEGER NOT NULL DEFAULT 0,
    requests   INTEGER NOT NULL DEFAULT 0,
    retries    INTEGER NOT NULL DEFAULT 0,
    error      TEXT
  );
  CREATE INDEX _runs_sync ON _runs (sync, id);

  CREATE TABLE _run_failures (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES _runs (id) ON DELETE CASCADE,
    key    TEXT,
    reason TEXT NOT NULL
  );
  CREATE INDEX _run_failures_run ON _run_failures (run_id, id);
  `,
  `
  -- Full cycles sweep what they did not write when they close: every replace cycle, and the
  -- periodic, --full and resync cycles of incremental syncs.
  ALTER TABLE _cycles ADD COLUMN full INTEGER NOT NULL DEFAULT 0 CHECK (full IN (0, 1));
  UPDATE _cycles SET full = (mode = 'replace');
  -- A sync's history, for "when did its last full cycle close".
  CREATE INDEX _cycles_sync ON _cycles (sync, id);

  -- Event anchors: a delta's position snapshotted when its paired backfill started (JSON text);
  -- the delta starts there while it has no checkpoint of its own.
  CREATE TABLE _anchors (
    sync       TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  -- Versioned deletions: the newest version each key was deleted at, so that an older upsert
  -- delivered late (by a lagging page, or a concurrent sync) cannot resurrect the record.
  CREATE TABLE _tombstones (
    database TEXT NOT NULL COLLATE NOCASE,
    key      TEXT NOT NULL,
    version  REAL NOT NULL,
    PRIMARY KEY (database, key)
  ) WITHOUT ROWID;
  `,
  `
  -- Sync locks: who runs a sync now. A holder renews heartbeat_at while it runs; a row left by a
  -- process that died is recognized (stale heartbeat, or a pid gone on the same host) and taken over.
  CREATE TABLE _locks (
    sync         TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    host         TEXT NOT NULL,
    since        TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
  );
  `,
  `
  -- Records that failed to map without a key, per cycle: a full cycle that had any cannot tell
  -- every row it saw, so it closes without sweeping.
  ALTER TABLE _cycles ADD COLUMN unkeyed_failures INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Operations: why a run ran, how far it is (percent, when the source tells a total), whether a
  -- queued run (status pending, syncspec trigger) asked for a full cycle. "trigger" is quoted:
  -- it is an SQL keyword.
  ALTER TABLE _runs ADD COLUMN "trigger" TEXT NOT NULL DEFAULT 'manual' CHECK ("trigger" IN ('manual', 'schedule', 'trigger'));
  ALTER TABLE _runs ADD COLUMN progress REAL CHECK (progress BETWEEN 0 AND 100);
  ALTER TABLE _runs ADD COLUMN full INTEGER NOT NULL DEFAULT 0 CHECK (full IN (0, 1));
  -- A service polls for queued runs.
  CREATE INDEX _runs_pending ON _runs (id) WHERE status = 'pending';

  -- What a run reported as it went (syncspec runs logs <id>): its start, every commit, failed
  -- records, its end. fields: JSON text or NULL.
  CREATE TABLE _run_logs (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES _runs (id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    level   TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
    message TEXT NOT NULL,
    fields  TEXT
  );
  CREATE INDEX _run_logs_run ON _run_logs (run_id, id);
  `,
  `
  -- What a partition committed of a page split over several commits (ExecuteResult.pageLog): one row
  -- per item, appended with each part, so a large page costs a row per record instead of a checkpoint
  -- rewriting every key so far. seq keeps the order items were appended in.
  CREATE TABLE _page_log (
    sync      TEXT NOT NULL,
    partition TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    item      TEXT NOT NULL,
    PRIMARY KEY (sync, partition, seq)
  ) WITHOUT ROWID;
  `,
  `
  -- The cycle that wrote a tombstone's version: within one cycle of a newest-first feed, an equal
  -- version delivered later is older (rows.ts). NULL for tombstones written before this existed.
  ALTER TABLE _tombstones ADD COLUMN cycle INTEGER;
  `,
  `
  -- Waits a rate limit imposed on a run's requests (Retry-After, a spent budget): how many, how long.
  ALTER TABLE _runs ADD COLUMN waits INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE _runs ADD COLUMN waited_ms INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- What kind of failure ended a run and its stable code (HTTP_STATUS, storage-full, …), beside its text.
  ALTER TABLE _runs ADD COLUMN error_code TEXT;
  ALTER TABLE _runs ADD COLUMN error_kind TEXT;
  `,
  // Managed tables no longer index _seq: keeping the index cost a third of a backfill's time, and
  // the sweep it served reads every row of a full cycle once, at its end, which a scan does as well.
  (db) => {
    for (const { name } of db.prepare('SELECT name FROM _databases').all() as { name: string }[]) {
      db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(`${name}._seq`)}`);
    }
  },
  `
  -- Pacer budgets shared by every process on this file (pacer-slots.ts): a row per request a pacer
  -- let through, until its window has passed. ended_at is NULL while the request is in flight;
  -- expires_at is when a slot never released (its process died) counts as ended. Epoch ms.
  CREATE TABLE _pacer_slots (
    id         INTEGER PRIMARY KEY,
    pacer      TEXT NOT NULL,
    holder     TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX _pacer_slots_pacer ON _pacer_slots (pacer, ended_at);
  -- A rate limit one process was told of (429, a spent budget) holds every process's requests until then.
  CREATE TABLE _pacer_pauses (
    pacer TEXT PRIMARY KEY,
    until INTEGER NOT NULL
  );
  `,
];

export const systemSchemaVersion = migrations.length;

function runMigration(db: Connection, migration: Migration): void {
  if (typeof migration === 'string') db.exec(migration);
  else migration(db);
}

function userVersion(db: Connection): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the system tables of `db` to the current version; safe when several processes start at once. */
export function migrateSystemSchema(db: Connection, file: string): void {
  if (userVersion(db) === systemSchemaVersion) return;
  writeTransaction(db, () => {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const version = userVersion(db);
    if (version > systemSchemaVersion) {
      throw new StoreError('store-newer-schema', 
        `The SQLite database ${file} has schema version ${version}, newer than this syncspec understands ` +
          `(${systemSchemaVersion}); upgrade syncspec to open it`,
      );
    }
    for (let next = version; next < systemSchemaVersion; next++) runMigration(db, migrations[next]);
    db.pragma(`user_version = ${systemSchemaVersion}`);
  });
}
