/**
 * The store alone, without HTTP or mapping: rows shaped exactly like mapped contacts, committed
 * in batches straight through `store.commit`, and through the runtime loop (`runCycle` over a
 * `defineSync` sync whose execute hands out the same rows) to see what the loop adds.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { defineSync, openStore, runCycle } from '../dist/engine/index.js';

/** `count` upserts with the properties of `rows` (readRows output), cycled, under fresh keys. */
export function syntheticChanges(rows, count) {
  return Array.from({ length: count }, (_, i) => {
    const { _key, ...properties } = rows[i % rows.length];
    return { type: 'upsert', key: `syn_${String(i).padStart(7, '0')}`, properties };
  });
}

async function freshStore(root) {
  return openStore({ type: 'sqlite', path: join(mkdtempSync(join(root, 'store-')), 'store.db') });
}

/** store.commit of `batchSize` rows at a time into one replace cycle, in a new store under `root`; returns elapsed ms. */
export async function commitDirectly(root, database, changes, batchSize) {
  const store = await freshStore(root);
  try {
    await store.ensureDatabase(database);
    const cycle = await store.openCycle('bench.store', 'replace');
    const runId = await store.startRun('bench.store');
    const started = performance.now();
    for (let offset = 0; offset < changes.length; offset += batchSize) {
      const next = offset + batchSize;
      await store.commit({
        runId, cycle, partition: '', database, changes: changes.slice(offset, next), failed: [],
        requests: 0, retries: 0, nextState: { offset: next }, partitionDone: next >= changes.length,
      });
    }
    await store.closeCycle(cycle, database);
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

/** The same rows through runCycle: the loop's guards, checkpoints and run history included. */
export async function commitThroughLoop(root, database, changes, batchSize) {
  const store = await freshStore(root);
  try {
    const sync = defineSync({
      name: 'bench.loop',
      database,
      maxChangesPerCommit: batchSize,
      execute: async (state) => {
        const offset = state?.offset ?? 0;
        const next = offset + batchSize;
        return { changes: changes.slice(offset, next), hasMore: next < changes.length, nextState: { offset: next } };
      },
    });
    const summary = await runCycle(sync, { store });
    if (summary.status !== 'completed') throw new Error(`bench.loop ${summary.status}: ${summary.error}`);
    return summary.durationMs;
  } finally {
    await store.close();
  }
}
