/**
 * What the validator says about databases and the syncs that write them: titles, primary keys,
 * options, relations, mapped properties and value sources.
 */
import { describe, expect, test } from 'vitest';
import { validateProject, yaml } from './harness.js';

interface Case {
  name: string;
  spec: string;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'a database without a title property',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            ID: richText
            Email: email
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { ID: $.id, Email: $.email }
    `,
    expected: [
      "crm.yaml:8:5  databases.contacts.properties: database 'contacts' has no title property; exactly one property must have type title",
    ],
  },
  {
    name: 'a database with two title properties',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Nickname: { type: title }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:11:7  databases.contacts.properties.Nickname: database 'contacts' has a second title property 'Nickname' (the first is 'Name'); exactly one is allowed",
    ],
  },
  {
    name: 'a primary key that is not a property',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: Id
          properties:
            Name: title
            ID: richText
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          primaryKey: $.id
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:7:25  databases.contacts.primaryKeyProperty: primary key 'Id' is not a property of database 'contacts' (did you mean 'ID'? properties: Name, ID)",
    ],
  },
  {
    name: 'a sync that does not map the primary key',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map:
            Name: $.name
    `,
    expected: [
      "crm.yaml:15:5  syncs.contacts.map: sync 'contacts' does not map 'ID', the primary key of database 'contacts'; map it or give primaryKey",
    ],
  },
  {
    name: 'a map key that is not a property of the database',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Email: email
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map:
            Name: $.name
            ID: $.id
            EMail: $.email
    `,
    expected: [
      "crm.yaml:19:7  syncs.contacts.map: 'EMail' is not a property of database 'contacts' (did you mean 'Email'? properties: Name, ID, Email)",
    ],
  },
  {
    name: 'a sync that writes an unknown database',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contact
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:11:15  syncs.contacts.database: sync 'contacts' writes unknown database 'contact' (did you mean 'contacts'? databases: contacts)",
    ],
  },
  {
    name: 'duplicate options, in a select and across status groups',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        deals:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Priority: { type: select, options: [High, Low, { name: High, color: red }] }
            Stage:
              type: status
              groups:
                - { name: Open, options: [New, Won] }
                - { name: Closed, options: [Won, Lost] }
      syncs:
        deals:
          database: deals
          request: { path: /deals }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      "crm.yaml:11:54  databases.deals.properties.Priority.options[2]: duplicate option 'High'",
      "crm.yaml:16:39  databases.deals.properties.Stage.groups[1].options[0]: option 'Won' is already in status group 'Open'",
    ],
  },
  {
    name: 'a relation to a database that does not exist',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Company: { type: relation, database: company }
        companies:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id, Company: $.company_id }
    `,
    expected: [
      "crm.yaml:11:44  databases.contacts.properties.Company.database: relation to unknown database 'company' (did you mean 'companies'? databases: contacts, companies)",
    ],
  },
  {
    name: 'relatedPropertyName without twoWay, and one that clashes',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        contacts:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            Company: { type: relation, database: companies, relatedPropertyName: People }
            Employer: { type: relation, database: companies, twoWay: true, relatedPropertyName: Name }
        companies:
          primaryKeyProperty: ID
          properties: { Name: title, ID: richText }
      syncs:
        contacts:
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
    `,
    expected: [
      'crm.yaml:11:76  databases.contacts.properties.Company.relatedPropertyName: relatedPropertyName names the back-link of a two-way relation; add twoWay: true or remove it',
      "crm.yaml:12:91  databases.contacts.properties.Employer.relatedPropertyName: relatedPropertyName 'Name' clashes with the existing property 'Name' of database 'companies'",
    ],
  },
  {
    name: 'structured value sources that do not fit the property',
    spec: yaml`
      syncspec: 1
      name: crm
      api:
        baseUrl: https://api.example.com
      databases:
        events:
          primaryKeyProperty: ID
          properties:
            Name: title
            ID: richText
            When: date
            Where: place
      syncs:
        events:
          database: events
          request: { path: /events }
          map:
            Name: $.name
            ID: $.id
            When: { start: $.starts_at, end: $.ends_at }
            Where: { latitude: $.lat, name: $.venue }
    `,
    expected: [
      "crm.yaml:20:15  syncs.events.map.When: 'start' is only for date properties with format: dateRange; 'When' is a date property (format: date)",
      "crm.yaml:20:35  syncs.events.map.When: 'end' is only for date properties with format: dateRange; 'When' is a date property (format: date)",
      'crm.yaml:21:14  syncs.events.map.Where: a place needs both latitude and longitude',
    ],
  },
];

describe('database and mapping errors', () => {
  test.each(cases)('$name', async ({ spec, expected }) => {
    const { lines, valid } = await validateProject({ spec });
    expect(lines).toEqual(expected);
    expect(valid).toBe(false);
  });
});
