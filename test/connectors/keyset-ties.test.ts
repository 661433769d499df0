/**
 * connectors/examples/keyset.yaml through the engine when far more rows share a second than a page
 * holds: 1,200 contacts updated within two seconds, the two seconds' ids interleaved, in pages of 40.
 * Only a true keyset predicate, (updated > X) OR (updated = X AND sys_id > Y) — `^NQ` in ServiceNow's
 * language — walks all of them; the `^OR` spelling means (updated >= X) AND sys_id > Y and stops
 * early, once the cursor's id is past every id left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import { harness, rowsByKey, runSync, type Harness } from '../support/project.js';

const CONTACTS = 1200;
const PAGE_SIZE = 40; // the example's own page size
const FIRST_SECOND = Date.UTC(2024, 5, 1, 10, 0, 0);

describe('connectors/examples/keyset.yaml with many rows per second', () => {
  let h: Harness;
  let opened: OpenedProject;

  beforeAll(async () => {
    h = await harness({ keyset: { spec: 'connectors/examples/keyset.yaml' } }, { counts: { contacts: CONTACTS }, clean: true });
    // In id order, contacts alternate between the two seconds; milliseconds scatter inside each.
    h.sandbox.source.list('contacts').forEach((contact, i) => {
      const at = FIRST_SECOND + (i % 2) * 1000 + ((i * 37) % 1000);
      h.sandbox.source.update('contacts', contact.id, {}, { at: new Date(at) });
    });
    opened = await h.open();
  });
  afterAll(() => h?.close());

  it('lands every one of the 1,200 contacts', async () => {
    const source = h.sandbox.source.list('contacts');
    expect(source).toHaveLength(CONTACTS);
    expect(new Set(source.map((c) => c.updated_at.slice(0, 19)))).toEqual(new Set(['2024-06-01T10:00:00', '2024-06-01T10:00:01']));

    const summary = await runSync(opened, 'keyset.contacts');
    expect(summary).toMatchObject({ status: 'completed', error: null, failed: 0, upserted: CONTACTS });
    // Full pages, then the empty one that ends a keyset walk.
    expect(summary.requests).toBe(CONTACTS / PAGE_SIZE + 1);

    const rows = await rowsByKey(opened, 'keyset.contacts');
    expect(rows.size).toBe(CONTACTS);
    for (const contact of source) expect(rows.get(contact.id)).toMatchObject({ ID: contact.id, Updated: contact.updated_at });
  });
});
