/**
 * (engine/core/text.ts escapeLoneSurrogates, as the run history stores text.) Run history is a report: a failed record's key and reason, a run's error and its log lines may
 * quote what an API sent, lone UTF-16 surrogates included. They are stored escaped (`\ud800`), so
 * the file holds only valid UTF-8 that any SQLite client reads.
 */
import { isUtf8 } from 'node:buffer';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { batch, begin, contacts, upsert, useStores } from './fixture.js';

const stores = useStores();

/** The bytes of a TEXT value as stored (not as a driver decodes them). */
function storedBytes(path: string, sql: string): Buffer[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().all() as Buffer[];
  } finally {
    db.close();
  }
}

describe('report text with lone surrogates', () => {
  it('stores failures, errors and log lines escaped: valid UTF-8, and what arrived still shows', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    const failed = [{ key: 'k-\udc00', reason: "Email: invalid email 'b\ud800@example.com'" }];
    await store.commit(batch(runId, cycle, contacts, [upsert('a', { Name: 'A' })], { failed }));
    await store.appendRunLogs(runId, [{ at: new Date().toISOString(), level: 'warn', message: 'quoted \ud800 here', fields: { value: '\ud800' } }]);
    await store.finishRun(runId, { status: 'failed', error: 'GET /x: 500 {"detail":"\udfff"}' });

    expect(await store.listFailures(runId)).toEqual([{ key: 'k-\\udc00', reason: "Email: invalid email 'b\\ud800@example.com'" }]);
    expect((await store.getRun(runId))?.error).toBe('GET /x: 500 {"detail":"\\udfff"}');
    const [entry] = await store.listRunLogs(runId);
    // Fields are JSON, which escapes a lone surrogate by itself and reads it back as it was.
    expect(entry).toMatchObject({ message: 'quoted \\ud800 here', fields: { value: '\ud800' } });

    const path = stores.path();
    const texts = [
      ...storedBytes(path, 'SELECT CAST(key AS BLOB) FROM _run_failures'),
      ...storedBytes(path, 'SELECT CAST(reason AS BLOB) FROM _run_failures'),
      ...storedBytes(path, 'SELECT CAST(error AS BLOB) FROM _runs'),
      ...storedBytes(path, 'SELECT CAST(message AS BLOB) FROM _run_logs'),
      ...storedBytes(path, 'SELECT CAST(fields AS BLOB) FROM _run_logs WHERE fields IS NOT NULL'),
    ];
    expect(texts).toHaveLength(5);
    expect(texts.filter((bytes) => !isUtf8(bytes)).map((bytes) => bytes.toString('hex'))).toEqual([]);
  });

  it('leaves well-formed text as it is, emoji (surrogate pairs) included', async () => {
    const store = stores.open();
    const { runId, cycle } = await begin(store, 'crm.sync');
    await store.commit(batch(runId, cycle, contacts, [], { failed: [{ key: 'k-🦊', reason: 'Name: \\ud800 is just text here 🦊' }] }));
    expect(await store.listFailures(runId)).toEqual([{ key: 'k-🦊', reason: 'Name: \\ud800 is just text here 🦊' }]);
  });
});
