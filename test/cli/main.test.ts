/**
 * The command line itself: its version, the commands help lists (each loaded only when it runs,
 * so help loads them all), and a did-you-mean for a mistyped command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/project.js';

const env = { PATH: process.env.PATH };

describe('syncspec', () => {
  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'], { env })).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await runCli(['-V'], { env })).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  test('help lists every command; a mistyped one gets a suggestion and exit 2', async () => {
    const help = await runCli(['--help'], { env });
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}(\w+)(?= )/gm)].map((match) => match[1]);
    expect(commands).toEqual(['init', 'validate', 'run', 'preview', 'check', 'state', 'status', 'runs', 'start', 'trigger', 'rows', 'catalog', 'test', 'help']);
    const typo = await runCli(['valdiate', 'config.yaml'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("error: unknown command 'valdiate'\n(Did you mean validate?)");
  });
});
