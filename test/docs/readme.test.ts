/**
 * The README's promises that a newcomer relies on: the first two commands, the editor schema line
 * on every spec and config, and the YAML examples in the guide being valid specs.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/project.js';
import { runValidate } from '../../engine/cli/commands/validate.js';

const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

function specFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specFiles(path);
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
      const schema = file.startsWith('connectors/examples/') ? '../../schemas/connector.schema.json'
        : file.startsWith('connectors/') ? '../schemas/connector.schema.json' : './schemas/config.schema.json';
      expect(first, file).toBe(`# yaml-language-server: $schema=${schema}`);
    }
  });

  it('the short spec in the guide is valid', async () => {
    const example = /The common case[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const dir = tempDir();
    writeFileSync(join(dir, 'tasks.yaml'), example!);
    writeFileSync(join(dir, 'config.yaml'), 'syncspec: 1\nconnectors:\n  tasks:\n    spec: tasks.yaml\n    secrets: { token: { env: TASKS_TOKEN } }\n');
    const result = await runValidate(join(dir, 'config.yaml'), { json: true, env: { TASKS_TOKEN: 'x' } });
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, diagnostics: [] });
    expect(example!.trim().split('\n').length).toBeLessThanOrEqual(20);
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
