import { describe, expect, it } from 'vitest';
import type { Change, DatabaseDefinition, PropertyDefinition } from '../../../engine/core/types.js';
import { batch, begin, upsert, useStores } from './fixture.js';

const stores = useStores();

const companies: DatabaseDefinition = {
  name: 'crm.companies',
  title: 'Companies',
  primaryKeyProperty: 'Name',
  properties: [{ name: 'Name', type: 'title' }],
};

const companyOf = (relatedPropertyName: string | null, twoWay = true): PropertyDefinition => ({
  name: 'Company',
  type: 'relation',
  relation: { database: 'crm.companies', twoWay, relatedPropertyName },
});

const deals: DatabaseDefinition = {
  name: 'crm.deals',
  title: 'Deals',
  primaryKeyProperty: 'Name',
  properties: [{ name: 'Name', type: 'title' }, companyOf('Deals')],
};

async function write(store: ReturnType<typeof stores.open>, database: DatabaseDefinition, changes: Change[], sync = `${database.name}.sync`) {
  const { runId, cycle } = await begin(store, sync, 'incremental');
  await store.commit(batch(runId, cycle, database, changes));
}

const backLinks = async (store: ReturnType<typeof stores.open>, name = 'Deals') =>
  Object.fromEntries((await store.readRows(companies)).rows.map((row) => [row._key, row[name]]));

describe('two-way relations', () => {
  it('shows back-links on the target, sorted, even for targets written after their referrers', async () => {
    const store = stores.open();
    await write(store, deals, [upsert('d2', { Name: 'Two', Company: ['c1', 'c2'] }), upsert('d1', { Name: 'One', Company: ['c1', 'c1'] })]);
    await write(store, companies, [upsert('c1', { Name: 'Acme' }), upsert('c2', { Name: 'Globex' }), upsert('c3', { Name: 'Initech' })]);
    expect((await store.readRows(companies)).rows).toEqual([
      { _key: 'c1', Name: 'Acme', Deals: ['d1', 'd2'] },
      { _key: 'c2', Name: 'Globex', Deals: ['d2'] },
      { _key: 'c3', Name: 'Initech', Deals: [] },
    ]);
    // The relation column itself holds what was written.
    expect((await store.readRows(deals)).rows).toEqual([
      { _key: 'd1', Name: 'One', Company: ['c1', 'c1'] },
      { _key: 'd2', Name: 'Two', Company: ['c1', 'c2'] },
    ]);
  });

  it('replaces a row’s links when the relation is written, and leaves them when it is absent', async () => {
    const store = stores.open();
    await write(store, companies, [upsert('c1', { Name: 'Acme' }), upsert('c2', { Name: 'Globex' })]);
    await write(store, deals, [upsert('d1', { Company: ['c1'] }), upsert('d2', { Company: ['c1'] })]);
    await write(store, deals, [upsert('d1', { Company: ['c2'] }), upsert('d2', { Name: 'renamed' })]);
    expect(await backLinks(store)).toEqual({ c1: ['d2'], c2: ['d1'] });
    await write(store, deals, [upsert('d2', { Company: null })]);
    expect(await backLinks(store)).toEqual({ c1: [], c2: ['d1'] });
  });

  it('removes the links of deleted and swept rows', async () => {
    const store = stores.open();
    await write(store, companies, [upsert('c1', { Name: 'Acme' })]);
    await write(store, deals, [upsert('d1', { Company: ['c1'] }), upsert('d2', { Company: ['c1'] }), upsert('d3', { Company: ['c1'] })]);
    await write(store, deals, [{ type: 'delete', key: 'd1' }]);
    expect(await backLinks(store)).toEqual({ c1: ['d2', 'd3'] });

    const { runId, cycle } = await begin(store, 'crm.deals.full');
    await store.commit(batch(runId, cycle, deals, [upsert('d3', { Name: 'kept' })], { partitionDone: true }));
    expect(await store.closeCycle(cycle, deals)).toBe(1);
    expect(await backLinks(store)).toEqual({ c1: ['d3'] });
  });

  it('builds links from existing values when a relation becomes two-way, and hides them when it leaves', async () => {
    const store = stores.open();
    const oneWay = { ...deals, properties: [deals.properties[0], companyOf(null, false)] };
    await write(store, companies, [upsert('c1', { Name: 'Acme' })]);
    await write(store, oneWay, [upsert('d1', { Company: ['c1'] })]);
    expect((await store.readRows(companies)).rows).toEqual([{ _key: 'c1', Name: 'Acme' }]);

    await store.ensureDatabase(deals);
    expect(await backLinks(store)).toEqual({ c1: ['d1'] });

    await store.ensureDatabase({ ...deals, properties: [deals.properties[0]] });
    expect((await store.readRows(companies)).rows).toEqual([{ _key: 'c1', Name: 'Acme' }]);
  });

  it('names the back-link after the source database when the relation gives no name', async () => {
    const store = stores.open();
    await write(store, companies, [upsert('c1', { Name: 'Acme' })]);
    await write(store, { ...deals, properties: [companyOf(null)] }, [upsert('d1', { Company: ['c1'] })]);
    expect(await backLinks(store, 'Related to Deals (Company)')).toEqual({ c1: ['d1'] });
  });

  it('links rows of one database to each other', async () => {
    const tasks: DatabaseDefinition = {
      name: 'pm.tasks',
      title: 'Tasks',
      primaryKeyProperty: 'Name',
      properties: [{ name: 'Parent', type: 'relation', relation: { database: 'pm.tasks', twoWay: true, relatedPropertyName: 'Children' } }],
    };
    const store = stores.open();
    await write(store, tasks, [upsert('root', {}), upsert('b', { Parent: ['root'] }), upsert('a', { Parent: ['root'] })]);
    expect((await store.readRows(tasks)).rows).toEqual([
      { _key: 'a', Parent: ['root'], Children: [] },
      { _key: 'b', Parent: ['root'], Children: [] },
      { _key: 'root', Parent: null, Children: ['a', 'b'] },
    ]);
  });

  it('refuses a back-link named like a property of the target', async () => {
    const store = stores.open();
    await store.ensureDatabase({ ...companies, properties: [...companies.properties, { name: 'deals', type: 'number' }] });
    await expect(store.ensureDatabase(deals)).rejects.toThrow(
      'Database "crm.companies" would show two properties with the same name: property "deals" and ' +
        'back-link "Deals" of the two-way relation "Company" in database "crm.deals"',
    );
    // Nothing of the failed definition was recorded: the companies table can still be used as before.
    expect((await store.readRows(companies)).rows).toEqual([]);
  });

  it('refuses a target property named like an existing back-link', async () => {
    const store = stores.open();
    await store.ensureDatabase(deals);
    await expect(store.ensureDatabase({ ...companies, properties: [...companies.properties, { name: 'Deals', type: 'richText' }] })).rejects.toThrow(
      'Database "crm.companies" would show two properties with the same name: property "Deals" and back-link "Deals"',
    );
  });
});
