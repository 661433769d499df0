import { describe, expect, it } from 'vitest';
import type { DatabaseDefinition } from '../../engine/core/types.js';
import { compileRecordMapper, type RecordMapperInput } from '../../engine/mapping/record-mapper.js';
import type { ValueSource } from '../../engine/spec/types.generated.js';

const database: DatabaseDefinition = {
  name: 'crm.contacts',
  title: 'Contacts',
  primaryKeyProperty: 'ID',
  properties: [
    { name: 'ID', type: 'richText' },
    { name: 'Name', type: 'title' },
    { name: 'Email', type: 'email' },
    { name: 'Stage', type: 'select', options: ['Lead', 'Qualified', 'Customer'] },
    { name: 'Amount', type: 'number', format: 'dollar' },
    { name: 'Created', type: 'date', dateFormat: 'dateTime' },
    { name: 'Period', type: 'date', dateFormat: 'dateRange' },
    { name: 'Contract', type: 'file' },
    { name: 'Office', type: 'place' },
    { name: 'Notes', type: 'richText' },
  ],
};

const map: Record<string, ValueSource> = {
  ID: '$.id',
  Name: '{{record.first}} {{record.last}}',
  Email: '$.email',
  Stage: '$.stage',
  Amount: { path: '$.amount_cents', convert: { multiply: 0.01 } },
  Created: { path: '$.created', convert: 'fromEpochSeconds' },
  Period: { start: '$.from', end: '$.to' },
  Contract: { url: '$.contract.href', name: '$.contract.title' },
  Office: '$.geo',
};

const good = {
  id: 42,
  first: 'Ann',
  last: 'Lee',
  email: 'ann@Example.com',
  stage: 'customer',
  amount_cents: 1999,
  created: 1700000000,
  from: '2024-01-01',
  to: null,
  contract: { href: 'https://x.io/c.pdf', title: 'Contract' },
  geo: { lat: 48.85, lng: 2.35 },
};

const ctx = { vars: { source: 'api' } };

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function mapper(extra: Partial<RecordMapperInput> = {}) {
  return compileRecordMapper({ database, map, ...extra });
}

describe('compileRecordMapper: map', () => {
  it('maps a record to an upsert of exactly the mapped properties', () => {
    expect(mapper().map(good, ctx)).toEqual({
      ok: true,
      change: {
        type: 'upsert',
        key: '42',
        properties: {
          ID: '42',
          Name: 'Ann Lee',
          Email: 'ann@example.com',
          Stage: 'Customer',
          Amount: 19.99,
          Created: '2023-11-14T22:13:20.000Z',
          Period: { start: '2024-01-01', end: null },
          Contract: { url: 'https://x.io/c.pdf', name: 'Contract' },
          Office: { latitude: 48.85, longitude: 2.35, name: null, address: null },
        },
      },
    });
  });

  it('leaves unmapped properties out rather than null', () => {
    const outcome = mapper().map(good, ctx);
    expect(outcome.ok && 'Notes' in outcome.change.properties).toBe(false);
  });

  it('reports every bad field of a record at once, in map order', () => {
    const bad = { ...good, email: 'bob@', stage: 'Lead ', amount_cents: '12abc' };
    expect(mapper().map(bad, ctx)).toEqual({
      ok: false,
      failure: {
        key: '42',
        reason:
          "Email: invalid email 'bob@'; " +
          "Stage: 'Lead ' is not an option of Stage (options: Lead, Qualified, Customer); " +
          "Amount: multiply: not a number: '12abc'",
      },
    });
  });

  it('reports a missing key together with the other problems', () => {
    const { id: _id, ...noId } = good;
    expect(mapper().map({ ...noId, email: 7 }, ctx)).toEqual({
      ok: false,
      failure: { key: null, reason: 'missing primary key (ID from $.id); Email: expected an email address, got 7' },
    });
  });

  it.each<[string, unknown, string]>([
    ['empty', '', 'missing primary key (ID from $.id)'],
    ['blank', '   ', 'missing primary key (ID from $.id)'],
    ['null', null, 'missing primary key (ID from $.id)'],
    ['an object', { n: 1 }, 'primary key must be text or a number, got object (ID from $.id); ID: expected text, got object'],
    ['a boolean', true, 'primary key must be text or a number, got true (ID from $.id)'],
  ])('fails a record whose key is %s', (_name, id, reason) => {
    const outcome = mapper({ map: { ID: '$.id' } }).map({ id }, ctx);
    expect(outcome).toEqual({ ok: false, failure: { key: null, reason } });
  });

  it.each<[unknown, string]>([
    [42, '42'],
    [1e21, '1000000000000000000000'],
    [-3, '-3'],
    [2.5, '2.5'],
    ['cus_01', 'cus_01'],
  ])('stringifies the key %j as %j', (id, key) => {
    const outcome = mapper({ map: { ID: '$.id' } }).map({ id }, ctx);
    expect(outcome.ok && outcome.change.key).toBe(key);
  });

  it('takes the key from primaryKey when given', () => {
    const m = mapper({ map: { Name: '$.name' }, primaryKey: '{{vars.source}}-{{record.id}}' });
    expect(m.map({ id: 5, name: 'x' }, ctx)).toEqual({
      ok: true,
      change: { type: 'upsert', key: 'api-5', properties: { Name: 'x' } },
    });
    const byPath = mapper({ map: { Name: '$.name' }, primaryKey: '$.sys_id' });
    expect(byPath.map({ name: 'x' }, ctx)).toEqual({
      ok: false,
      failure: { key: null, reason: 'missing primary key (primaryKey from $.sys_id)' },
    });
  });

  it('names the key source when reading the key fails', () => {
    const m = mapper({ map: { Name: '$.name' }, primaryKey: { path: '$.id', convert: 'toNumber' } });
    expect(m.map({ id: 'abc', name: 'x' }, ctx)).toEqual({
      ok: false,
      failure: { key: null, reason: "primary key (primaryKey from $.id): toNumber: not a number: 'abc'" },
    });
  });

  it('reads vars and the partition', () => {
    const m = mapper({ map: { ID: '{{partition.repo}}#{{record.n}}', Notes: '{{vars.source}}' } });
    expect(m.map({ n: 3 }, { vars: { source: 'gh' }, partition: { repo: 'acme/api' } })).toEqual({
      ok: true,
      change: { type: 'upsert', key: 'acme/api#3', properties: { ID: 'acme/api#3', Notes: 'gh' } },
    });
  });

  it.each<[string, unknown, string | null]>([
    ['an emoji', '🚀', '🚀'],
    ['a flag', '🇫🇷', '🇫🇷'],
    ['a keycap', '1️⃣', '1️⃣'],
    ['a ZWJ sequence', '👩‍💻', '👩‍💻'],
    ['an image URL', 'https://x.io/i.png', 'https://x.io/i.png'],
    ['nothing', null, null],
  ])('sets the icon from %s', (_name, icon, expected) => {
    const outcome = mapper({ map: { ID: '$.id' }, icon: '$.icon' }).map({ id: 1, icon }, ctx);
    expect(outcome).toEqual({ ok: true, change: { type: 'upsert', key: '1', properties: { ID: '1' }, icon: expected } });
  });

  it.each<[unknown, string]>([
    ['rocket', "icon: expected an emoji or an http(s) image URL, got 'rocket'"],
    ['🚀🚀', "icon: expected an emoji or an http(s) image URL, got '🚀🚀'"],
    ['7', "icon: expected an emoji or an http(s) image URL, got '7'"],
    ['ftp://x.io/i.png', "icon: expected an emoji or an http(s) image URL, got 'ftp://x.io/i.png'"],
    ['https://', "icon: not a URL: 'https://'"],
    [3, 'icon: expected an emoji or an http(s) image URL, got 3'],
  ])('fails an icon %j', (icon, reason) => {
    expect(mapper({ map: { ID: '$.id' }, icon: '$.icon' }).map({ id: 1, icon }, ctx)).toEqual({
      ok: false,
      failure: { key: '1', reason },
    });
  });

  it('sets page content from markdown, and fails content that is not text', () => {
    const m = mapper({ map: { ID: '$.id' }, content: '$.body' });
    expect(m.map({ id: 1, body: '# Hi' }, ctx)).toEqual({
      ok: true,
      change: { type: 'upsert', key: '1', properties: { ID: '1' }, pageContentMarkdown: '# Hi' },
    });
    expect(m.map({ id: 1 }, ctx)).toEqual({
      ok: true,
      change: { type: 'upsert', key: '1', properties: { ID: '1' }, pageContentMarkdown: null },
    });
    expect(m.map({ id: 1, body: { blocks: [] } }, ctx)).toEqual({
      ok: false,
      failure: { key: '1', reason: 'content: expected text, got object' },
    });
  });

  it('never throws out of map(), whatever the record does', () => {
    const hostile = Object.defineProperty({ id: 1 }, 'email', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const outcome = mapper({ map: { ID: '$.id', Email: '$.email' } }).map(hostile, ctx);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.failure).toEqual({ key: '1', reason: expect.stringMatching(/^Email: .*boom/) });
    expect(mapper().map(undefined, ctx)).toEqual({ ok: false, failure: expect.objectContaining({ key: null }) });
    expect(mapper().map('not an object', ctx).ok).toBe(false);
  });
});

describe('compileRecordMapper: key', () => {
  it('returns the key of a delete marker, or null', () => {
    const m = mapper();
    expect(m.key({ id: 9, deleted: true }, ctx)).toBe('9');
    expect(m.key({ deleted: true }, ctx)).toBeNull();
    expect(m.key({ id: { x: 1 } }, ctx)).toBeNull();
  });
});

describe('compileRecordMapper: load errors', () => {
  it.each<[string, Partial<RecordMapperInput>, string]>([
    [
      'an unknown property',
      { map: { ID: '$.id', Emial: '$.email' } },
      "map.Emial: database crm.contacts has no property 'Emial' (properties: ID, Name, Email, Stage, Amount, Created, Period, Contract, Office, Notes)",
    ],
    ['no key source', { map: { Name: '$.name' } }, "map: nothing is mapped to the primary key property 'ID'; map it or give primaryKey"],
    ['a date range on a dateTime', { map: { ID: '$.id', Created: { start: '$.a' } } }, 'map.Created: a dateRange value does not fit Created, a date (format dateTime) property'],
    ['a place on text', { map: { ID: '$.id', Notes: { latitude: 1, longitude: 2 } } }, 'map.Notes: a place value does not fit Notes, a richText property'],
    ['a file as the key', { map: { ID: { url: '$.u' } } }, 'map.ID: a file value does not fit ID, a richText property'],
    ['a structured primaryKey', { map: { Name: '$.n' }, primaryKey: { start: '$.a' } }, 'primaryKey: a dateRange value does not fit here'],
    ['a structured icon', { map: { ID: '$.id' }, icon: { url: '$.i' } }, 'icon: a file value does not fit here'],
    ['a bad convert-less source', { map: { ID: '$.id', Notes: {} } }, 'map.Notes: give exactly one of path, template or value (got none)'],
  ])('rejects %s', (_name, extra, message) => {
    expect(thrown(() => mapper(extra))).toMatchObject({ name: 'SyncError', code: 'bad-mapping', message });
  });

  it('prefixes load errors with where', () => {
    expect(thrown(() => mapper({ map: { Name: '$.n' }, where: 'crm.contacts' }))).toMatchObject({
      code: 'bad-mapping',
      message: "crm.contacts: map: nothing is mapped to the primary key property 'ID'; map it or give primaryKey",
    });
  });
});
