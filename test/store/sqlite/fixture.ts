/** Real SQLite files in a fresh temporary folder per test, closed and removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach } from 'vitest';
import type { Change, DatabaseDefinition, FailedRecord } from '../../../engine/core/types.js';
import { SqliteStore, type SqliteStoreOptions } from '../../../engine/store/sqlite/index.js';
import type { CommitBatch, Cycle } from '../../../engine/store/store.js';

export function useStores() {
  let dir = '';
  const opened: SqliteStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'syncspec-store-'));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    path: (name = 'store.db') => join(dir, name),
    /** Two calls with the same name are two connections to one file, as two processes would have. */
    open: (name = 'store.db', options: SqliteStoreOptions = {}) => {
      const store = new SqliteStore(join(dir, name), options);
      opened.push(store);
      return store;
    },
  };
}

export const contacts: DatabaseDefinition = {
  name: 'crm.contacts',
  title: 'Contacts',
  primaryKeyProperty: 'Name',
  properties: [
    { name: 'Name', type: 'title' },
    { name: 'Age', type: 'number' },
    { name: 'VIP', type: 'checkbox' },
  ],
};

export function upsert(key: string, properties: Record<string, unknown>, extra: object = {}): Change {
  return { type: 'upsert', key, properties, ...extra } as Change;
}

/** A batch with neutral defaults: one partition '', not done, no failures, no requests. */
export function batch(
  runId: number,
  cycle: Cycle,
  database: DatabaseDefinition,
  changes: Change[],
  overrides: Partial<CommitBatch> & { failed?: FailedRecord[] } = {},
): CommitBatch {
  return {
    runId,
    cycle,
    partition: '',
    database,
    changes,
    failed: [],
    requests: 0,
    retries: 0,
    nextState: undefined,
    partitionDone: false,
    ...overrides,
  };
}

/** Starts a run and a cycle of `sync`, the way the runtime does before its first commit. */
export async function begin(store: SqliteStore, sync: string, mode: 'replace' | 'incremental' = 'replace') {
  const runId = await store.startRun(sync);
  const cycle = await store.openCycle(sync, mode);
  return { runId, cycle };
}

/**
 * Holds the file's write lock from another thread (its own connection, as another process would)
 * for `ms` or until `release()`, bumping the write sequence once. Resolves `locked` once the lock
 * is held, `released` once the holder committed and ended.
 */
export function holdWriteLock(path: string, ms: number): { locked: Promise<unknown>; released: Promise<unknown>; release: () => void } {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const holder = new Worker(
    `const Database = require('better-sqlite3');
     const { parentPort, workerData } = require('node:worker_threads');
     const db = new Database(workerData.path);
     db.exec('BEGIN IMMEDIATE');
     db.prepare('UPDATE _sequence SET value = value + 1').run();
     parentPort.postMessage('locked');
     Atomics.wait(workerData.gate, 0, 0, workerData.ms);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { path, ms, gate } },
  );
  return {
    released: new Promise((resolve, reject) => holder.once('exit', resolve).once('error', reject)),
    locked: new Promise((resolve, reject) => holder.once('message', resolve).once('error', reject)),
    release: () => {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
    },
  };
}
