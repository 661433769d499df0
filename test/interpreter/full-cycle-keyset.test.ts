/**
 * A full cycle sweeps every row it did not read, so a keyset delta's full cycle must read past the
 * consistency boundary (records updated within the buffer are live) and cap only the cursor it
 * leaves. Found by the randomized convergence test: stopping at the boundary swept live rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, loadSpec, rowsByKey, runSync, syncOf, type Harness } from '../support/project.js';
import { ids } from '../support/truth.js';

describe('a full cycle of a keyset delta', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reads past now − buffer and sweeps nothing live', async () => {
    const spec = loadSpec('connectors/sandbox-crm.yaml', (s) => {
      for (const name of Object.keys(s.syncs)) if (name !== 'contactsDelta' && name !== 'companies') delete s.syncs[name];
      const delta = syncOf(s, 'contactsDelta');
      delta.paginate.pageSize = 7;
      delta.cursor.bufferSeconds = 5;
    });
    h = await harness({ crm: { spec } }, { counts: { contacts: 20, companies: 3 }, clean: true });
    const { source } = h.sandbox;
    const opened = await h.open();
    await runSync(opened, 'crm.companies');
    source.bulkUpdate('contacts', source.list('contacts').slice(0, 10).map((c) => c.id), { name: 'Bulk' });
    // The bulk edit lies within the buffer: a plain delta cycle stops at the boundary.
    await runSync(opened, 'crm.contactsDelta');

    const full = await runSync(opened, 'crm.contactsDelta', { full: true });
    expect(full).toMatchObject({ status: 'completed', full: true, upserted: 20, swept: 0 });
    const rows = await rowsByKey(opened, 'crm.contacts');
    expect([...rows.keys()].sort()).toEqual(ids(source.list('contacts')));
    expect(rows.get('cus_000001')).toMatchObject({ Name: 'Bulk' });
    // The cursor it leaves is still capped at the boundary: the next delta re-reads the bulk edit.
    const [checkpoint] = await opened.store.listCheckpoints('crm.contactsDelta');
    expect(Date.parse((checkpoint.state as { cursor: { value: string } }).cursor.value)).toBeLessThanOrEqual(Date.now() - 5000);
  });
});
