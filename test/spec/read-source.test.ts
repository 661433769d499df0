/**
 * What `syncspec validate` does with files that are not specs — a FIFO, a binary, a .env file or
 * /proc/self/environ given by mistake, text with control characters, a file too large — through the
 * CLI: a clear diagnostic with its place, exit 2, and never a byte of the file's content (it may be a
 * secret) nor a hang.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateCli } from '../support/validate-cli.js';
import { expectNoLeaks } from '../support/leaks.js';

/** A config loading `spec`; `envFile` and a `secrets` binding only when asked for. */
function configFor(spec: string, options: { envFile?: string; secrets?: boolean } = {}): string {
  const lines = ['syncspec: 1', ...(options.envFile ? [`envFile: ${options.envFile}`] : []), 'connectors:', '  crm:', `    spec: ${spec}`];
  if (options.secrets) lines.push('    secrets: { token: { env: CRM_TOKEN } }');
  return `${lines.join('\n')}\n`;
}
const SECRET = 'supersecretvalue-8d2f';

describe('files that are not text specs', () => {
  test('a FIFO as the spec is refused at once instead of blocking forever', async () => {
    const run = await validateCli({ config: configFor('pipe.yaml') }, (dir) => execFileSync('mkfifo', [join(dir, 'pipe.yaml')]));
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([
      "config.yaml:4:11  connectors.crm.spec: connector 'crm': spec file pipe.yaml is not a regular file (a FIFO, socket or device); give the path of a file",
    ]);
  });

  test('a FIFO as the envFile likewise', async () => {
    const run = await validateCli({ config: configFor('crm.yaml', { envFile: 'env.fifo' }) }, (dir) => execFileSync('mkfifo', [join(dir, 'env.fifo')]));
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(['config.yaml:2:10  envFile: env file env.fifo is not a regular file (a FIFO, socket or device); give the path of a file']);
  });

  test('a binary file is refused without echoing it', async () => {
    const run = await validateCli({ config: configFor('app.bin') }, (dir) => writeFileSync(join(dir, 'app.bin'), readFileSync(process.execPath).subarray(0, 4096)));
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["config.yaml:4:11  connectors.crm.spec: connector 'crm': spec file app.bin is not a text file (it is not UTF-8 text); nothing of it is shown"]);
    expect(run.stdout + run.stderr).not.toContain('ELF');
    expect(run.stdout + run.stderr).toMatch(/^[\x20-\x7e\n\u2014']*$/);
  });

  test('a .env file given as the spec: its secret is never quoted', async () => {
    const run = await validateCli({
      config: configFor('.env', { secrets: true }),
      files: { '.env': `CRM_TOKEN=${SECRET}\nOTHER=1\n` },
    });
    expect(run.code).toBe(2);
    expect(run.lines).toContain('.env:1:1  the file holds a string, not a map of keys; is it the right file?');
    expectNoLeaks([SECRET], { outputs: { stdout: run.stdout, stderr: run.stderr } });
  });

  test('/proc/self/environ as the spec: refused by position, nothing of it printed', async () => {
    const run = await validateCli({ config: configFor('/proc/self/environ', { secrets: true }), env: { CRM_TOKEN: SECRET } });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('/proc/self/environ holds the control character U+0000 at line 1, column');
    expectNoLeaks([SECRET, process.env.PATH!], { outputs: { stdout: run.stdout, stderr: run.stderr } });
  });

  test('a raw NUL (or another control character) in YAML is rejected with its line and column', async () => {
    const spec = 'syncspec: 1\nname: "cr\u0000m"\n';
    const run = await validateCli({ spec });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(['crm.yaml:2:10  spec file crm.yaml holds the control character U+0000 at line 2, column 10, which YAML does not allow; is it a text file?']);
    const bell = await validateCli({ spec: 'syncspec: 1\n\u0007name: crm\n' });
    expect(bell.lines[0]).toContain('holds the control character U+0007 at line 2, column 1');
  });

  test('a file over 16 MB is refused before it is parsed', async () => {
    const run = await validateCli({ config: configFor('huge.yaml') }, (dir) => writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(17 * 2 ** 20)}\n`));
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["config.yaml:4:11  connectors.crm.spec: connector 'crm': spec file huge.yaml is larger than 16 MB, the most syncspec reads"]);
  });
});
