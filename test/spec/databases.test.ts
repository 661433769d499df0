import { describe, expect, test } from 'vitest';
import { toDatabaseDefinition } from '../../engine/spec/databases.js';

describe('toDatabaseDefinition', () => {
  test('qualifies names, expands shorthand types and flattens options', () => {
    const definition = toDatabaseDefinition('crm', 'contacts', {
      primaryKeyProperty: 'ID',
      properties: {
        Name: 'title',
        ID: { type: 'richText' },
        Amount: 'number',
        Due: { type: 'date', format: 'dateTime' },
        Opened: 'date',
        Tags: { type: 'multiSelect', options: ['vip', { name: 'partner', color: 'blue' }] },
        Stage: {
          type: 'status',
          groups: [
            { name: 'To-do', options: ['New'] },
            { name: 'Complete', options: [{ name: 'Won' }, 'Lost'] },
          ],
        },
        Company: { type: 'relation', database: 'companies', twoWay: true, relatedPropertyName: 'People' },
        Owner: { type: 'relation', database: 'users' },
      },
    });
    expect(definition).toEqual({
      name: 'crm.contacts',
      title: 'contacts',
      primaryKeyProperty: 'ID',
      properties: [
        { name: 'Name', type: 'title' },
        { name: 'ID', type: 'richText' },
        { name: 'Amount', type: 'number', format: 'number' },
        { name: 'Due', type: 'date', dateFormat: 'dateTime' },
        { name: 'Opened', type: 'date', dateFormat: 'date' },
        { name: 'Tags', type: 'multiSelect', options: ['vip', 'partner'] },
        { name: 'Stage', type: 'status', options: ['New', 'Won', 'Lost'], groups: { New: 'To-do', Won: 'Complete', Lost: 'Complete' } },
        { name: 'Company', type: 'relation', relation: { database: 'crm.companies', twoWay: true, relatedPropertyName: 'People' } },
        { name: 'Owner', type: 'relation', relation: { database: 'crm.users', twoWay: false, relatedPropertyName: null } },
      ],
    });
  });

  test('a given title is kept', () => {
    expect(toDatabaseDefinition('crm', 'contacts', { title: 'People', primaryKeyProperty: 'N', properties: { N: 'title' } }).title).toBe('People');
  });
});
