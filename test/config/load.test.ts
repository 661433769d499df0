/**
 * loadProject on valid projects: what the runtime gets (resolved specs, vars with defaults, secrets
 * from the environment, overrides, the storage path), and where environment values come from.
 */
import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadProject } from '../../engine/config/load.js';
import { DEFAULT_CONFIG, writeProject, yaml } from '../spec/harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/validate/', import.meta.url));

describe('loadProject', () => {
  test('a minimal replace sync loads with the default storage path', async () => {
    const { project, diagnostics } = await loadProject(join(fixtures, 'minimal/config.yaml'), { env: {} });
    expect(diagnostics).toEqual([]);
    expect(project?.storage).toEqual({
      type: 'sqlite', path: join(fixtures, 'minimal/data/syncspec.db'), busyTimeoutMs: 5000,
      // No database.path in the config: messages say the default path is used.
      origin: { configFile: 'test/fixtures/validate/minimal/config.yaml' },
      // No history and no busy timeout in the config: the schema's defaults.
      history: { keepDays: 30, keepRuns: 100 },
    });
    expect(project?.configDir).toBe(join(fixtures, 'minimal'));
    expect(project?.concurrency).toBe(4);
    const [todo] = project!.connectors;
    expect(todo).toMatchObject({ name: 'todo', specPath: join(fixtures, 'minimal/todo.yaml'), vars: {}, secrets: {}, syncOverrides: {} });
    // The model: what the file says, and every default the schema gives, once.
    expect(todo.spec.syncs.tasks).toEqual({
      database: 'tasks', request: { path: '/tasks' }, map: { Name: '$.title', ID: '$.id' },
      mode: 'replace', schedule: 'manual', records: '$[*]', fullSync: '7d', maxChangesPerCommit: 100,
      maxPagesPerCycle: 100000, maxRecordsPerCycle: 10000000, partitionConcurrency: 1, pageConcurrency: 1,
    });
    expect(todo.spec.api).toMatchObject({
      timeoutMs: 30000, maxResponseBytes: 67108864, retry: { attempts: 5, baseDelayMs: 500, maxDelayMs: 30000 },
      rateLimit: { remainingHeader: 'x-ratelimit-remaining', remainingFormat: 'count', resetHeader: 'x-ratelimit-reset', resetFormat: 'epochSeconds', backoffMs: 1000 },
    });
  });

  test('anchors, merge keys and `use` fragments resolve into what the runtime gets', async () => {
    const { project, diagnostics } = await loadProject(join(fixtures, 'fragments/config.yaml'), { env: { CRM_TOKEN: 'tok' } });
    expect(diagnostics).toEqual([]);
    const [crm] = project!.connectors;
    const { syncs } = crm.spec;
    // `use: list` + the sync's own keys; query maps merge name by name.
    expect(syncs.contacts.request).toEqual({
      method: 'GET',
      path: '/contacts',
      query: {
        limit: '{{page.size}}',
        archived: 'false',
        updated_since: '{{iso cursor.value}}',
        until: '{{iso until}}',
        sort: 'updated_at',
      },
    });
    // `use: cursorPages` with pageSize given beside it.
    expect(syncs.contacts.paginate).toEqual({
      type: 'token',
      token: { path: '$.paging.next' },
      param: 'after',
      pageSize: 50,
      stop: { missingToken: true },
    });
    expect(syncs.companies.paginate).toMatchObject({ type: 'token', pageSize: { value: 100, param: 'limit' } });
    // `<<: *listQuery` merged into the deals search query.
    expect(syncs.deals.request.query).toEqual({ limit: '{{page.size}}', archived: 'false', view: 'full' });
    expect(crm.vars).toEqual({ region: 'eu', pipelines: ['sales', 'support'], pageSize: 50 });
    expect(crm.secrets).toEqual({ token: 'tok' });
    expect(crm.syncOverrides).toEqual({ deals: { enabled: true, schedule: '*/15 * * * *' }, notes: { enabled: false } });
    expect(project!.storage.path).toBe(join(fixtures, 'fragments/state/crm.db'));
    // The source still locates paths for runtime errors, through the anchor.
    expect(crm.source.locate(['syncs', 'deals', 'request', 'query', 'limit'])).toEqual(
      crm.source.locate(['definitions', 'requests', 'list', 'query', 'limit']),
    );
  });

  test('the process environment wins over the .env file, and process.env is left alone', async () => {
    const spec = yaml`
      syncspec: 1
      name: crm
      vars: { region: {} }
      secrets: { token: {} }
      api: { baseUrl: "https://{{vars.region}}.example.com" }
      databases:
        contacts: { primaryKeyProperty: ID, properties: { Name: title, ID: richText } }
      syncs:
        contacts: { database: contacts, request: { path: /contacts }, map: { Name: $.name, ID: $.id } }
    `;
    const config = yaml`
      syncspec: 1
      connectors:
        crm:
          spec: crm.yaml
          vars: { region: { env: CRM_REGION, default: us } }
          secrets: { token: { env: CRM_TOKEN } }
    `;
    const dir = writeProject({ config, spec, files: { '.env': 'CRM_TOKEN=from-file\nCRM_REGION=eu\n' } });
    const before = { ...process.env };
    const fromFile = await loadProject('config.yaml', { cwd: dir, env: {} });
    expect(fromFile.project?.connectors[0].secrets).toEqual({ token: 'from-file' });
    expect(fromFile.project?.connectors[0].vars).toEqual({ region: 'eu' });
    const overridden = await loadProject('config.yaml', { cwd: dir, env: { CRM_TOKEN: 'from-process' } });
    expect(overridden.project?.connectors[0].secrets).toEqual({ token: 'from-process' });
    expect(process.env).toEqual(before);
  });

  test('an env var default applies when the variable is unset; an explicit envFile is read', async () => {
    const spec = yaml`
      syncspec: 1
      name: crm
      vars: { region: {}, limit: { type: number } }
      api: { baseUrl: "https://{{vars.region}}.example.com" }
      databases:
        contacts: { primaryKeyProperty: ID, properties: { Name: title, ID: richText } }
      syncs:
        contacts: { database: contacts, request: { path: /contacts, query: { limit: "{{vars.limit}}" } }, map: { Name: $.name, ID: $.id } }
    `;
    const config = yaml`
      syncspec: 1
      envFile: settings/crm.env
      connectors:
        crm:
          spec: crm.yaml
          vars: { region: { env: CRM_REGION, default: us }, limit: { env: CRM_LIMIT } }
    `;
    const dir = writeProject({ config, spec, files: { 'settings/crm.env': 'CRM_LIMIT=25\n' } });
    const { project, diagnostics } = await loadProject('config.yaml', { cwd: dir, env: {} });
    expect(diagnostics).toEqual([]);
    expect(project?.connectors[0].vars).toEqual({ region: 'us', limit: 25 });
  });

  test('`concurrency` is how many syncs run at once; it must be a whole number from 1', async () => {
    const dir = writeProject({ config: DEFAULT_CONFIG.replace('syncspec: 1', 'syncspec: 1\nconcurrency: 2') });
    const { project, diagnostics } = await loadProject('config.yaml', { cwd: dir, env: {} });
    expect(diagnostics).toEqual([]);
    expect(project?.concurrency).toBe(2);
    const zero = writeProject({ config: DEFAULT_CONFIG.replace('syncspec: 1', 'syncspec: 1\nconcurrency: 0') });
    const rejected = await loadProject('config.yaml', { cwd: zero, env: {} });
    expect(rejected.project).toBeUndefined();
    expect(rejected.diagnostics.map((d) => [d.path, d.severity])).toEqual([['concurrency', 'error']]);
  });

  test('a missing config file is one diagnostic, not an exception', async () => {
    const dir = writeProject({});
    const { project, diagnostics } = await loadProject('nope.yaml', { cwd: dir, env: {} });
    expect(project).toBeUndefined();
    expect(diagnostics).toEqual([
      { file: 'nope.yaml', line: 1, column: 1, path: '', code: 'file-not-found', message: 'config file not found: nope.yaml', severity: 'error' },
    ]);
  });

  test('diagnostics carry a stable code and the document path', async () => {
    const dir = writeProject({ config: DEFAULT_CONFIG.replace('spec: crm.yaml', 'spec: crm.yaml\n    syncs: { contact: {} }') });
    const { diagnostics } = await loadProject('config.yaml', { cwd: dir, env: {} });
    expect(diagnostics).toEqual([
      {
        file: 'config.yaml',
        line: 5,
        column: 14,
        path: 'connectors.crm.syncs',
        code: 'unknown-sync',
        message: "unknown sync 'contact' (did you mean 'contacts'? syncs of crm.yaml: contacts)",
        severity: 'error',
      },
    ]);
  });
});
