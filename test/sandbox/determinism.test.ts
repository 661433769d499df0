/** The dataset is a pure function of the seed, has the documented shapes, and the documented bad rows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_EPOCH_MS, STAGES, startSandbox, TAGS, type Sandbox } from '../../sandbox/server.js';
import { get } from './helpers.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/;
const resources = ['companies', 'contacts', 'repos', 'issues'] as const;

let a: Sandbox;
let b: Sandbox;
let other: Sandbox;
beforeAll(async () => {
  [a, b, other] = await Promise.all([startSandbox({ seed: 5 }), startSandbox({ seed: 5 }), startSandbox({ seed: 6 })]);
});
afterAll(() => Promise.all([a, b, other].map((s) => s.close())));

describe('determinism', () => {
  it('one seed, one dataset — over HTTP too', async () => {
    for (const r of resources) expect(a.source.list(r)).toEqual(b.source.list(r));
    expect((await get(a, '/v1/contacts?limit=100')).body).toEqual((await get(b, '/v1/contacts?limit=100')).body);
    expect(a.source.events()).toEqual(b.source.events());
  });

  it('another seed, another dataset', () => {
    expect(other.source.list('contacts')).not.toEqual(a.source.list('contacts'));
  });

  it('record #n does not depend on how many records there are', async () => {
    const small = await startSandbox({ seed: 5, counts: { contacts: 10 } });
    try {
      expect(small.source.list('contacts')).toEqual(a.source.list('contacts').slice(0, 10));
    } finally {
      await small.close();
    }
  });

  it('default counts: 20 companies, 250 contacts, 5 repos × 30 issues', () => {
    expect([a.source.list('companies').length, a.source.list('contacts').length, a.source.list('repos').length, a.source.list('issues').length]).toEqual([20, 250, 5, 150]);
    expect(a.source.list('contacts')[0].id).toBe('cus_000001');
  });

  it('reset(seed) regenerates and forgets writes', () => {
    const before = a.source.list('contacts');
    a.source.update('contacts', 'cus_000001', { name: 'Changed' });
    a.source.reset();
    expect(a.source.list('contacts')).toEqual(before);
    a.source.reset(6);
    expect(a.source.list('contacts')).toEqual(other.source.list('contacts'));
    a.source.reset(5);
  });
});

describe('record shapes', () => {
  it('contacts have every documented field with valid values (bad rows aside)', () => {
    const bad = new Set(a.source.badContactIds);
    const companies = new Set(a.source.list('companies').map((c) => c.id));
    for (const c of a.source.list('contacts')) {
      expect(c.id).toMatch(/^cus_\d{6}$/);
      expect(c.created_at).toMatch(ISO_MS);
      expect(c.updated_at).toMatch(ISO_MS);
      expect(c.created_at <= c.updated_at).toBe(true);
      expect(Date.parse(c.updated_at)).toBeLessThan(DATA_EPOCH_MS);
      expect(c.phone).toMatch(/^\+1[2-9]\d{9}$/);
      expect(companies.has(c.company_id as string)).toBe(true);
      expect(Array.isArray(c.tags) && (c.tags as string[]).length <= 3 && (c.tags as string[]).every((t) => (TAGS as readonly string[]).includes(t))).toBe(true);
      expect(typeof c.active).toBe('boolean');
      expect(c.birthday_ts === null || Number.isInteger(c.birthday_ts)).toBe(true);
      expect(c.location === null || typeof (c.location as { lat: number }).lat === 'number').toBe(true);
      expect(['Not started', 'In progress', 'Done']).toContain(c.status);
      expect(c.notes).toMatch(/^## /);
      expect(c.owner_email).toMatch(EMAIL);
      if (bad.has(c.id)) continue;
      expect(c.email).toMatch(EMAIL);
      expect(STAGES as readonly unknown[]).toContain(c.stage);
      expect(typeof c.score === 'number' && c.score >= 0 && c.score <= 1).toBe(true);
    }
  });

  it('1 in 50 contacts is deliberately bad, deterministically', () => {
    expect(a.source.badContactIds).toEqual(['cus_000013', 'cus_000063', 'cus_000113', 'cus_000163', 'cus_000213']);
    const byId = new Map(a.source.list('contacts').map((c) => [c.id, c]));
    expect(byId.get('cus_000013')!.email).toBe('not-an-email');
    expect(byId.get('cus_000063')!.score).toBe('high');
    expect(byId.get('cus_000113')!.stage).toBe('Prospect');
  });

  it('clean: true leaves them out', async () => {
    const clean = await startSandbox({ seed: 5, clean: true, counts: { contacts: 60 } });
    try {
      expect(clean.source.badContactIds).toEqual([]);
      const c13 = clean.source.list('contacts').find((c) => c.id === 'cus_000013')!;
      expect(c13.email).toMatch(EMAIL);
    } finally {
      await clean.close();
    }
  });

  it('seeded import batches tie on updated_at (contacts 1–4, 26–29, …)', () => {
    const c = a.source.list('contacts');
    expect(new Set(c.slice(0, 4).map((x) => x.updated_at)).size).toBe(1);
    expect(new Set(c.slice(25, 29).map((x) => x.updated_at)).size).toBe(1);
    expect(c[4].updated_at).not.toBe(c[0].updated_at);
  });

  it('issues belong to repos and are numbered per repo', () => {
    const issues = a.source.list('issues');
    expect(issues.filter((i) => i.repo_id === 'rep_000002').map((i) => i.number)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
    expect(new Set(issues.map((i) => i.state))).toEqual(new Set(['open', 'closed']));
  });
});
