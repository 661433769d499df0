/** Picking syncs by name (engine/project.ts): qualified, bare, ambiguous, unknown, disabled. */
import { describe, expect, it } from 'vitest';
import { selectSyncs } from '../engine/project.js';
import { defineDatabase, defineSync } from '../engine/index.js';

const database = defineDatabase('items', { primaryKeyProperty: 'ID', properties: { Name: 'title', ID: 'richText' } });
const sync = (name: string) => defineSync({ name, database, execute: async () => ({ changes: [], hasMore: false, nextState: undefined }) });
const syncs = [sync('crm.contacts'), sync('crm.companies'), sync('hr.contacts')];

describe('selectSyncs', () => {
  it('takes qualified names, and bare names when unambiguous', () => {
    expect(selectSyncs(syncs, ['hr.contacts', 'companies']).map((s) => s.name)).toEqual(['hr.contacts', 'crm.companies']);
    expect(selectSyncs(syncs, undefined)).toBe(syncs);
  });

  it('names the candidates of an ambiguous name and the known syncs of an unknown one', () => {
    expect(() => selectSyncs(syncs, ['contacts'])).toThrow("sync 'contacts' is ambiguous: crm.contacts, hr.contacts");
    expect(() => selectSyncs(syncs, ['deals'])).toThrow("unknown sync 'deals' (known syncs: crm.contacts, crm.companies, hr.contacts)");
    // A misspelling, short or qualified, gets the sync it most likely meant.
    expect(() => selectSyncs(syncs, ['companys'])).toThrow("unknown sync 'companys' (did you mean 'crm.companies'? known syncs: crm.contacts, crm.companies, hr.contacts)");
    expect(() => selectSyncs(syncs, ['hr.contact'])).toThrow("unknown sync 'hr.contact' (did you mean 'hr.contacts'? known syncs:");
  });

  it('says a sync is disabled rather than unknown', () => {
    expect(() => selectSyncs(syncs, ['backfill'], ['crm.backfill'])).toThrow("sync 'crm.backfill' is disabled in the config (syncs.backfill.enabled: false)");
  });
});
