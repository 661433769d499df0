/**
 * What the validator says about a config file: connectors whose spec is missing, vars and secrets
 * that do not match what the spec declares, overrides of syncs that do not exist, and YAML itself.
 */
import { describe, expect, test } from 'vitest';
import { MINIMAL_SPEC, validateProject, yaml, type ProjectFiles } from '../spec/harness.js';

/** MINIMAL_SPEC with vars and secrets declared, for the binding cases. */
const SPEC_WITH_SETTINGS = yaml`
  syncspec: 1
  name: crm
  vars:
    tenant: { description: Subdomain of the account }
    pageSize: { type: number, default: 100 }
  secrets:
    token: {}
    webhookKey: { optional: true }
  api:
    baseUrl: "https://{{vars.tenant}}.example.com"
    auth: { type: bearer, token: { secret: token } }
  databases:
    contacts:
      primaryKeyProperty: ID
      properties: { Name: title, ID: richText }
  syncs:
    contacts:
      database: contacts
      request: { path: /contacts, query: { limit: "{{vars.pageSize}}" } }
      map: { Name: $.name, ID: $.id }
`;

interface Case extends ProjectFiles {
  name: string;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'a misspelled key in a connector entry',
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          sepc: crm.yaml
    `,
    expected: [
      "config.yaml:3:3  connectors.crm: missing required key 'spec'",
      "config.yaml:4:5  connectors.crm: unknown key 'sepc' (did you mean 'spec'? allowed: spec, vars, secrets, syncs)",
    ],
  },
  {
    name: 'a spec file that does not exist',
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: connectors/crm.yaml
    `,
    expected: ["config.yaml:4:11  connectors.crm.spec: connector 'crm': spec file not found: connectors/crm.yaml"],
  },
  {
    name: 'a var the spec does not declare',
    spec: SPEC_WITH_SETTINGS,
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          vars: { tenant: acme, page_size: 50 }
          secrets: { token: { env: CRM_TOKEN } }
    `,
    env: { CRM_TOKEN: 'x' },
    expected: [
      "config.yaml:5:27  connectors.crm.vars: unknown var 'page_size' (did you mean 'pageSize'? declared in crm.yaml: tenant, pageSize)",
    ],
  },
  {
    name: 'a required var left out',
    spec: SPEC_WITH_SETTINGS,
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          secrets: { token: { env: CRM_TOKEN } }
    `,
    env: { CRM_TOKEN: 'x' },
    expected: ["config.yaml:3:3  connectors.crm: missing var 'tenant': crm.yaml declares it without a default"],
  },
  {
    name: 'a var of the wrong type',
    spec: SPEC_WITH_SETTINGS,
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          vars: { tenant: acme, pageSize: lots }
          secrets: { token: { env: CRM_TOKEN } }
    `,
    env: { CRM_TOKEN: 'x' },
    expected: [
      "config.yaml:5:37  connectors.crm.vars.pageSize: var 'pageSize' takes a number in crm.yaml, got a string ('lots')",
    ],
  },
  {
    name: 'a secret whose environment variable is not set (the message names the variable, never a value)',
    spec: SPEC_WITH_SETTINGS,
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          vars: { tenant: acme }
          secrets:
            token: { env: CRM_TOKEN }
            webhookKey: { env: CRM_WEBHOOK_KEY }
    `,
    env: { CRM_TOKN: 'sk_live_do_not_print' },
    expected: ["config.yaml:7:21  connectors.crm.secrets.token.env: environment variable CRM_TOKEN (secret 'token') is not set"],
  },
  {
    name: 'a declared secret with no source, and a secret the spec does not declare',
    spec: SPEC_WITH_SETTINGS,
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          vars: { tenant: acme }
          secrets:
            apiToken: { env: CRM_TOKEN }
    `,
    env: { CRM_TOKEN: 'x' },
    expected: [
      "config.yaml:6:5  connectors.crm.secrets: secret 'token' of crm.yaml has no source; map it to an environment variable: secrets: { token: { env: NAME } }",
      "config.yaml:7:7  connectors.crm.secrets: unknown secret 'apiToken' (did you mean 'token'? declared in crm.yaml: token, webhookKey)",
    ],
  },
  {
    name: 'an override of a sync that does not exist, and a bad schedule override',
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          syncs:
            contact: { enabled: false }
            contacts: { schedule: every hour }
    `,
    expected: [
      "config.yaml:6:7  connectors.crm.syncs: unknown sync 'contact' (did you mean 'contacts'? syncs of crm.yaml: contacts)",
      "config.yaml:7:29  connectors.crm.syncs.contacts.schedule: invalid cron expression 'every hour': expected 5 or 6 fields, got 2",
    ],
  },
  {
    name: 'an env file that does not exist',
    config: yaml`
      syncspec: 1
      envFile: secrets/.env
      connectors:
        crm:
          spec: crm.yaml
    `,
    expected: ['config.yaml:2:10  envFile: env file not found: secrets/.env'],
  },
  {
    name: 'a YAML syntax error',
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: "crm.yaml
    `,
    expected: ['config.yaml:5:1  YAML: Missing closing "quote'],
  },
  {
    name: 'a duplicate key',
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
          database: contacts
          request: { path: /contacts }
          map: { Name: $.name, ID: $.id }
          request: { path: /people }
    `,
    expected: ["crm.yaml:14:5  syncs.contacts: duplicate key 'request' (first defined on line 12)"],
  },
  {
    name: 'YAML errors and spec errors of several files, all at once, sorted by file and line',
    config: yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          vars: { region: eu }
        billing:
          spec: billing.yaml
    `,
    spec: MINIMAL_SPEC.replace('primaryKeyProperty: ID', 'primaryKeyProperty: Key'),
    files: { 'billing.yaml': 'syncspec: 1\nname: billing\n  api: {}\n' },
    expected: [
      'billing.yaml:2:7  YAML: Implicit keys need to be on a single line',
      'billing.yaml:2:7  YAML: Nested mappings are not allowed in compact mappings',
      "config.yaml:5:13  connectors.crm.vars: unknown var 'region' (crm.yaml declares no vars)",
      "crm.yaml:7:25  databases.contacts.primaryKeyProperty: primary key 'Key' is not a property of database 'contacts' (properties: Name, ID)",
    ],
  },
];

describe('config errors', () => {
  test.each(cases)('$name', async ({ name: _name, expected, ...files }) => {
    const { lines, valid } = await validateProject(files);
    expect(lines).toEqual(expected);
    expect(valid).toBe(false);
    expect(lines.join('\n')).not.toContain('sk_live_do_not_print');
  });
});
