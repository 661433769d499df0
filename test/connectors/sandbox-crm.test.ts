/**
 * connectors/sandbox-crm.yaml end to end: every Notion Schema type of the contacts database lands
 * as the source says after conversion (with icon, page content and the two-way relation's
 * back-link on companies), and the sandbox's deliberately bad contacts are reported per record
 * while the rest of their pages land.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedProject } from '../../engine/project.js';
import type { SourceRecord } from '../../sandbox/server.js';
import type { CycleSummary } from '../../engine/runtime/loop.js';
import { harness, rowsByKey, runSync, type Harness } from '../support/project.js';
import { readSql } from '../support/sqlite.js';
import { goodContacts, ids } from '../support/truth.js';

/** What the spec's contact mapping makes of a source contact, property by property. */
function expectedContactRow(contact: SourceRecord): Record<string, unknown> {
  const location = contact.location as { lat: number; lon: number } | null;
  const birthday = contact.birthday_ts as number | null;
  return {
    _key: contact.id,
    Name: contact.name, // title
    ID: contact.id, // richText
    Email: contact.email, // email
    Phone: contact.phone, // phoneNumber
    Avatar: { url: contact.avatar_url, name: contact.name }, // file, name from a template
    Company: [contact.company_id], // relation (two-way)
    Stage: contact.stage, // select
    Tags: contact.tags, // multiSelect
    Score: contact.score, // number (percent format: the stored value is the number)
    Active: contact.active, // checkbox
    Birthday: birthday === null ? null : new Date(birthday * 1000).toISOString().slice(0, 10), // date: fromEpochSeconds → toDate
    Location: location === null ? null : { latitude: location.lat, longitude: location.lon, name: null, address: null }, // place
    Owner: [contact.owner_email], // people
    Status: contact.status, // status
    Updated: contact.updated_at, // date (dateTime)
  };
}

describe('sandbox-crm contacts', () => {
  let h: Harness;
  let opened: OpenedProject;
  let companies: CycleSummary;
  let backfill: CycleSummary;

  beforeAll(async () => {
    h = await harness({ crm: { spec: 'connectors/sandbox-crm.yaml' } }, { counts: { contacts: 120, companies: 6 } });
    opened = await h.open();
    companies = await runSync(opened, 'crm.companies');
    backfill = await runSync(opened, 'crm.contactsBackfill');
  });
  afterAll(() => h?.close());

  it('stores every Schema type of every good contact as the source has it, converted', async () => {
    expect(backfill).toMatchObject({ status: 'completed', upserted: 117, failed: 3, requests: 3 });
    const rows = await rowsByKey(opened, 'crm.contacts');
    const source = goodContacts(h.sandbox);
    expect([...rows.keys()].sort()).toEqual(ids(source));
    for (const contact of source) expect(rows.get(contact.id)).toEqual(expectedContactRow(contact));

    // The fixture has each optional shape; otherwise the loop above proves less than it says.
    expect(source.some((c) => c.location === null) && source.some((c) => c.location !== null)).toBe(true);
    expect(source.some((c) => c.birthday_ts === null) && source.some((c) => c.birthday_ts !== null)).toBe(true);
    expect(new Set(source.map((c) => c.status)).size).toBe(3);
  });

  it('spot-checks conversions on fixed records', async () => {
    const rows = await rowsByKey(opened, 'crm.contacts');
    const withBoth = goodContacts(h.sandbox).find((c) => c.location !== null && c.birthday_ts !== null)!;
    const row = rows.get(withBoth.id)!;
    const birthday = new Date((withBoth.birthday_ts as number) * 1000);
    expect(row.Birthday).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(row.Birthday).toBe(`${birthday.getUTCFullYear()}-${String(birthday.getUTCMonth() + 1).padStart(2, '0')}-${String(birthday.getUTCDate()).padStart(2, '0')}`);
    expect(row.Location).toEqual({
      latitude: (withBoth.location as { lat: number }).lat, longitude: (withBoth.location as { lon: number }).lon, name: null, address: null,
    });
    expect(row.Updated).toBe(withBoth.updated_at);
    expect(row.Active).toBe(withBoth.active);
  });

  it('stores the icon and the page content of every row', () => {
    const stored = readSql<{ _key: string; _icon: string | null; _content: string | null }>(
      opened, 'SELECT _key, _icon, _content FROM "crm.contacts" ORDER BY _key',
    );
    const source = new Map(goodContacts(h.sandbox).map((c) => [c.id, c]));
    expect(stored).toHaveLength(source.size);
    for (const row of stored) {
      expect(row._icon).toBe('👤');
      expect(row._content).toBe(source.get(row._key)!.notes);
      expect(row._content).toMatch(/^## /);
    }
  });

  it('shows the two-way relation as a back-link on companies listing their contacts', async () => {
    expect(companies).toMatchObject({ status: 'completed', upserted: 6 });
    const rows = await rowsByKey(opened, 'crm.companies');
    const contacts = goodContacts(h.sandbox);
    for (const company of h.sandbox.source.list('companies')) {
      const expected = ids(contacts.filter((c) => c.company_id === company.id));
      expect(expected.length).toBeGreaterThan(0);
      expect(rows.get(company.id)).toEqual({
        _key: company.id, Name: company.name, ID: company.id, Website: company.website, Industry: company.industry,
        Employees: company.employees, Founded: company.founded, Contacts: expected,
      });
    }
  });

  it('reports each bad contact with its key and reason; the rest of its page lands', async () => {
    const expectedFailures = [
      { key: 'cus_000013', reason: "Email: invalid email 'not-an-email'" },
      { key: 'cus_000063', reason: "Score: not a number: 'high'" },
      { key: 'cus_000113', reason: "Stage: 'Prospect' is not an option of Stage (options: Lead, Qualified, Customer, Churned)" },
    ];
    expect(h.sandbox.source.badContactIds).toEqual(expectedFailures.map((f) => f.key));
    expect(backfill.failures).toEqual(expectedFailures);
    expect(await opened.store.listFailures(backfill.runId)).toEqual(expectedFailures);
    const run = await opened.store.getRun(backfill.runId);
    expect(run).toMatchObject({ status: 'completed', failed: 3, upserted: 117 });

    // Pages of 50 by id: every other contact of pages 1 (cus_000013), 2 (cus_000063) and 3 (cus_000113) landed.
    const rows = await rowsByKey(opened, 'crm.contacts');
    for (const page of [[1, 50], [51, 100], [101, 120]]) {
      const pageIds = h.sandbox.source.list('contacts').map((c) => c.id).filter((id) => {
        const n = Number(id.slice(4));
        return n >= page[0] && n <= page[1];
      });
      const bad = pageIds.filter((id) => h.sandbox.source.badContactIds.includes(id));
      expect(bad).toHaveLength(1);
      for (const id of pageIds) expect(rows.has(id)).toBe(!bad.includes(id));
    }
  });
});
