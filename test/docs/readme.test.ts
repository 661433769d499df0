/**
 * The README's promises that a newcomer relies on: the first two commands, the editor schema line
 * on every spec and config, and the YAML examples in the guide being valid specs.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/project.js';
import { runCli } from '../support/cli.js';
import { sendJson, useServers } from '../support/http-server.js';
import { expectNoLeaks } from '../support/leaks.js';
import { runValidate } from '../../engine/cli/commands/validate.js';

const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const serve = useServers();

function specFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // The catalog's specs need their own vars and secrets: test/connectors/catalog.test.ts validates each.
    if (entry.isDirectory()) return path === join('connectors', 'catalog') ? [] : specFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

describe('README', () => {
  it('starts with the install + main job command and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock.trim().split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm ci && npm run demo', 'npm test']);
    const ci = readFileSync(resolve(ROOT, '.ci/run'), 'utf8');
    expect(ci).toContain('\nnpm ci\n');
    expect(ci.trim().split('\n').at(-1)).toBe('npm test');
  });

  it('every connector spec and the example config carry the editor schema line', () => {
    const files = [...specFiles('connectors'), 'config.example.yaml'];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const first = readFileSync(resolve(ROOT, file), 'utf8').split('\n')[0];
      // connectors/*.yaml, and one folder down (connectors/examples/, connectors/guide/).
      const schema = /^connectors\/[^/]+\//.test(file) ? '../../schemas/connector.schema.json'
        : file.startsWith('connectors/') ? '../schemas/connector.schema.json' : './schemas/config.schema.json';
      expect(first, file).toBe(`# yaml-language-server: $schema=${schema}`);
    }
  });

  it('the short spec in the guide is connectors/tasks.yaml, and it runs: two pages into the tasks table', async () => {
    const example = /The common case[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBe(readFileSync(resolve(ROOT, 'connectors/tasks.yaml'), 'utf8'));
    expect(example!.trim().split('\n').length).toBeLessThanOrEqual(20);
    const tasks = [{ id: 't1', title: 'Write spec', completed: true }, { id: 't2', title: 'Run it', completed: false }];
    const api = await serve((request, response) => {
      if (request.path !== '/v1/tasks' || request.headers.authorization !== 'Bearer tasks-token') return sendJson(response, 401, { error: 'unauthorized' });
      const page = request.query.get('cursor') === 'p2' ? 1 : 0;
      sendJson(response, 200, { data: [tasks[page]], ...(page === 0 && { next_cursor: 'p2' }) });
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'config.yaml'), [
      'syncspec: 1',
      'connectors:',
      '  tasks:',
      `    spec: ${JSON.stringify(resolve(ROOT, 'connectors/tasks.yaml'))}`,
      '    vars: { baseUrl: { env: TASKS_URL } }',
      '    secrets: { apiToken: { env: TASKS_TOKEN } }',
      '',
    ].join('\n'));
    const env = { ...process.env, TASKS_URL: api.url, TASKS_TOKEN: 'tasks-token' };
    const validated = await runCli(['validate', 'config.yaml'], { env, cwd: dir });
    expect(validated.code, validated.stdout).toBe(0);
    const run = await runCli(['run', 'config.yaml', '--json'], { env, cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)[0]).toMatchObject({ status: 'completed', upserted: 2, requests: 2 });
    expectNoLeaks(['tasks-token'], { outputs: { validate: validated.stdout + validated.stderr, run: run.stdout + run.stderr }, dirs: [dir] });
    const db = new Database(join(dir, 'data/syncspec.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT _key, Name, Done FROM "tasks.tasks" ORDER BY _key').all()).toEqual([
        { _key: 't1', Name: 'Write spec', Done: 1 }, { _key: 't2', Name: 'Run it', Done: 0 },
      ]);
    } finally {
      db.close();
    }
  });

  it('every example spec validates', async () => {
    const dir = tempDir();
    const lines = ['syncspec: 1', 'connectors:'];
    for (const file of specFiles('connectors')) {
      const name = file.replace(/^connectors\//, '').replace(/\.yaml$/, '').replace(/[^A-Za-z0-9]/g, '_');
      lines.push(`  ${name}:`, `    spec: ${JSON.stringify(resolve(ROOT, file))}`, '    secrets: { apiToken: { env: TOKEN } }');
    }
    writeFileSync(join(dir, 'config.yaml'), `${lines.join('\n')}\n`);
    const result = await runValidate(join(dir, 'config.yaml'), { json: true, env: { TOKEN: 'x' } });
    expect(JSON.parse(result.stdout).diagnostics).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});
