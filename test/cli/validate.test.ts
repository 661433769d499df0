import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerValidate, runValidate } from '../../engine/cli/commands/validate.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MINIMAL_SPEC, writeProject, yaml } from '../spec/harness.js';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/project.js';

const fixtures = fileURLToPath(new URL('../fixtures/validate/', import.meta.url));

describe('syncspec validate', () => {
  test('a valid config: exit 0 and a summary', async () => {
    const result = await runValidate('fragments/config.yaml', { cwd: fixtures, env: { CRM_TOKEN: 'x' } });
    expect(result).toEqual({ exitCode: 0, stdout: 'fragments/config.yaml: valid — 1 connector, 4 syncs, 3 databases\n' });
  });

  test('errors: one line each, then how many in how many files; exit 2', async () => {
    const dir = writeProject({
      spec: MINIMAL_SPEC.replace('request: { path: /contacts }', 'request: { path: /contacts }\n    mode: replce'),
      config: yaml`
        syncspec: 1
        connectors:
          crm: { spec: crm.yaml, vars: { region: eu } }
      `,
    });
    const result = await runValidate('config.yaml', { cwd: dir, env: {} });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe(
      [
        "config.yaml:3:34  connectors.crm.vars: unknown var 'region' (crm.yaml declares no vars)",
        "crm.yaml:15:11  syncs.contacts.mode: unknown value 'replce' (did you mean 'replace'? allowed: replace, incremental)",
        '2 errors in 2 files',
        '',
      ].join('\n'),
    );
  });

  test('warnings alone still validate: exit 0', async () => {
    const dir = writeProject({
      spec: MINIMAL_SPEC.replace(
        'request: { path: /contacts }',
        'request: { path: /contacts, query: { after: "{{#if cursor}}{{cursor.value}}{{/if}}" } }\n    paginate: { type: keyset, field: $.updated_at, idField: $.id, pageSize: 100 }\n    cursor: { field: $.updated_at }',
      ),
    });
    const result = await runValidate('config.yaml', { cwd: dir, env: {} });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').slice(1)).toEqual(['config.yaml: valid — 1 connector, 1 sync, 1 database (1 warning)', '']);
  });

  test('--json prints { valid, diagnostics }', async () => {
    const dir = writeProject({ config: 'syncspec: 1\nconnectors:\n  crm: { spec: missing.yaml }\n' });
    const result = await runValidate('config.yaml', { cwd: dir, env: {}, json: true });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      diagnostics: [
        {
          file: 'config.yaml',
          line: 3,
          column: 16,
          path: 'connectors.crm.spec',
          code: 'file-not-found',
          message: "connector 'crm': spec file not found: missing.yaml",
          severity: 'error',
        },
      ],
    });
    const valid = await runValidate('minimal/config.yaml', { cwd: fixtures, env: {}, json: true });
    expect(valid).toEqual({ exitCode: 0, stdout: `${JSON.stringify({ valid: true, diagnostics: [] }, null, 2)}\n` });
  });

  test('the command sets process.exitCode and prints the result', async () => {
    const program = new Command().exitOverride();
    registerValidate(program);
    const written: string[] = [];
    const write = process.stdout.write;
    const previousExitCode = process.exitCode;
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'syncspec', 'validate', `${fixtures}minimal/config.yaml`]);
      expect(process.exitCode).toBe(0);
    } finally {
      process.stdout.write = write;
      process.exitCode = previousExitCode;
    }
    expect(written.join('')).toMatch(/minimal\/config\.yaml: valid — 1 connector, 1 sync, 1 database\n$/);
  });
});

describe('syncspec validate, as a newcomer tries it', () => {
  const SECRET_SPEC = yaml`
    syncspec: 1
    name: crm
    secrets:
      token: {}
    api:
      baseUrl: https://api.example.com
      auth: { type: bearer, token: { secret: token } }
    databases:
      contacts:
        primaryKeyProperty: ID
        properties: { Name: title, ID: richText }
    syncs:
      contacts:
        database: contacts
        request: { path: /contacts }
        map: { Name: $.name, ID: $.id }
  `;
  const SECRET_CONFIG = yaml`
    syncspec: 1
    connectors:
      crm:
        spec: crm.yaml
        secrets: { token: { env: CRM_TOKEN } }
  `;

  test('a connector spec file on its own: checked as a spec, not as a config', async () => {
    const dir = writeProject({ spec: SECRET_SPEC });
    const valid = await runCli(['validate', 'crm.yaml'], { env: { PATH: process.env.PATH }, cwd: dir });
    expect([valid.code, valid.stdout, valid.stderr]).toEqual([0, 'crm.yaml: valid connector spec — 1 sync, 1 database; a config names it to run it\n', '']);

    // The README's own example, from the repository root.
    const shipped = await runCli(['validate', 'connectors/tasks.yaml'], { env: { PATH: process.env.PATH }, cwd: ROOT });
    expect([shipped.code, shipped.stdout]).toEqual([0, 'connectors/tasks.yaml: valid connector spec — 1 sync, 1 database; a config names it to run it\n']);

    // A spec's own errors, at their lines; nothing about config keys.
    writeFileSync(join(dir, 'crm.yaml'), SECRET_SPEC.replace('request: { path: /contacts }', 'request: { path: /contacts }\n    mode: replce'));
    const invalid = await runCli(['validate', 'crm.yaml'], { env: { PATH: process.env.PATH }, cwd: dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe("crm.yaml:16:11  syncs.contacts.mode: unknown value 'replce' (did you mean 'replace'? allowed: replace, incremental)\n1 error in 1 file\n");
  });

  test('a secret whose variable is not set: a warning at validate and where no request is sent, an error at run', async () => {
    const dir = writeProject({ spec: SECRET_SPEC, config: SECRET_CONFIG });
    const env = { PATH: process.env.PATH };
    const validated = await runCli(['validate', 'config.yaml'], { env, cwd: dir });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toBe([
      "config.yaml:5:30  warning: connectors.crm.secrets.token.env: environment variable CRM_TOKEN (secret 'token') is not set; run and start need it",
      'config.yaml: valid — 1 connector, 1 sync, 1 database (1 warning)',
      '',
    ].join('\n'));
    const run = await runCli(['run', 'config.yaml'], { env, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("config.yaml:5:30  connectors.crm.secrets.token.env: environment variable CRM_TOKEN (secret 'token') is not set");
    // Nothing was fetched or created.
    expect(existsSync(join(dir, 'data'))).toBe(false);

    // Commands that send no request need no secret value either.
    for (const args of [['status', 'config.yaml'], ['runs', 'list', 'config.yaml'], ['state', 'show', 'config.yaml'], ['rows', 'config.yaml', 'contacts'], ['catalog', 'config.yaml']]) {
      const looked = await runCli(args, { env, cwd: dir });
      expect([args.join(' '), looked.code, looked.stderr]).toEqual([args.join(' '), 0, '']);
    }
    // One that does (check, preview) refuses at load, naming the variable.
    const check = await runCli(['check', 'config.yaml'], { env, cwd: dir });
    expect([check.code, check.stderr]).toEqual([2, "config.yaml:5:30  connectors.crm.secrets.token.env: environment variable CRM_TOKEN (secret 'token') is not set\n"]);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
