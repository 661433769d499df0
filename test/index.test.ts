/**
 * The library entry: a sync written in TypeScript runs through the same loop and store as spec
 * syncs — here reading the sandbox API over HTTP, the way the Notion Workers guide's examples do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defineDatabase, defineSync, openStore, runCycle } from '../engine/index.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { tempDir } from './support/project.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3, counts: { contacts: 60 }, clean: true });
});
afterAll(() => sandbox.close());

describe('library API', () => {
  it('runs a hand-written paginated sync against a real API into SQLite', async () => {
    const database = defineDatabase('contacts', {
      primaryKeyProperty: 'ID',
      properties: { Name: 'title', ID: 'richText', Email: 'email' },
    });
    const sync = defineSync<{ after: string }>({
      name: 'contacts', database, mode: 'replace', schedule: '1h',
      execute: async (state) => {
        const url = new URL('/v1/contacts', sandbox.url);
        url.searchParams.set('limit', '25');
        if (state?.after) url.searchParams.set('starting_after', state.after);
        const response = await fetch(url, { headers: { authorization: 'Bearer sandbox-token' } });
        const body = (await response.json()) as { data: { id: string; name: string; email: string }[]; has_more: boolean };
        const last = body.data.at(-1)?.id;
        return {
          changes: body.data.map((c) => ({ type: 'upsert' as const, key: c.id, properties: { Name: c.name, ID: c.id, Email: c.email } })),
          hasMore: body.has_more,
          nextState: body.has_more && last ? { after: last } : undefined,
        };
      },
    });
    expect(sync.schedule).toEqual({ kind: 'interval', ms: 3_600_000, text: '1h' });
    const store = await openStore({ type: 'sqlite', path: join(tempDir(), 'lib.db') });
    try {
      const summary = await runCycle(sync, { store });
      expect(summary).toMatchObject({ status: 'completed', upserted: 60, failed: 0 });
      const { rows, total } = await store.readRows(database);
      expect(total).toBe(60);
      const truth = sandbox.source.list('contacts');
      expect(rows.map((row) => row._key)).toEqual(truth.map((c) => c.id));
      expect(rows[0]).toMatchObject({ Name: truth[0].name, Email: truth[0].email });
    } finally {
      await store.close();
    }
  });

  it('rejects an invalid schedule when the sync is defined', () => {
    const database = defineDatabase('x', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } });
    expect(() => defineSync({ name: 'x', database, schedule: 'every day', execute: async () => ({ changes: [], hasMore: false, nextState: undefined }) }))
      .toThrow(/^x: /);
  });
});
