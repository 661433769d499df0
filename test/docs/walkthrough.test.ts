/**
 * The README's "From an API's documentation to a tested spec", step by step through the real
 * `syncspec` command against the sandbox API: init, the spec the README shows, validate, check,
 * preview, test --record, run, rows, and the recorded test replayed with the API gone and no token.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { removeScratchDirs, runCli, scratchDir } from '../support/cli.js';
import { ROOT } from '../support/project.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const walkthrough = /\n### From an API's documentation to a tested spec\n([\s\S]*?)(?=\n### )/.exec(readme)?.[1] ?? '';
/** The spec of step 2, as the README shows it (a list item's block, indented three spaces). */
const spec = /<!-- walkthrough-spec -->\n {3}```yaml\n([\s\S]*?)\n {3}```/.exec(walkthrough)?.[1].split('\n').map((line) => line.slice(3)).join('\n');

describe("README: from an API's documentation to a tested spec", () => {
  let sandbox: Sandbox;
  let cwd: string;
  const { npm_command: _npm, ...inherited } = process.env;
  const withToken = () => ({ ...inherited, CRM_TOKEN: 'sandbox-token' });
  const cli = (args: string[], env: NodeJS.ProcessEnv = withToken()) => runCli(args, { env, cwd });

  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = scratchDir('syncspec-walkthrough-');
  });
  afterAll(async () => {
    await sandbox.close();
    removeScratchDirs();
  });

  it('shows the spec of step 2 and names each command it runs', () => {
    expect(spec).toBeDefined();
    for (const command of ['syncspec init crm --dir my-sync', 'syncspec validate', 'syncspec check', 'syncspec preview', 'syncspec test', 'syncspec run', 'syncspec rows']) {
      expect(walkthrough.replace(/\n\s+/g, ' ')).toContain(command);
    }
  });

  it('runs as written', async () => {
    // 1. Scaffold.
    const init = await cli(['init', 'crm', '--dir', 'my-sync']);
    expect(init.code, init.stderr).toBe(0);
    // 2. The spec from the documentation, and the config's base URL (the sandbox's port here).
    writeFileSync(join(cwd, 'my-sync/connectors/crm.yaml'), `${spec!.replace('http://127.0.0.1:4010', sandbox.url)}\n`);
    const configPath = join(cwd, 'my-sync/config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('baseUrl: "https://api.example.com"', `baseUrl: "${sandbox.url}"`));
    // 3. Validate the spec alone, with no token set.
    const validate = await cli(['validate', 'my-sync/connectors/crm.yaml'], inherited);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    // 4. Check: one page of each sync, mapped.
    const check = await cli(['check', 'my-sync/config.yaml']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/crm\.contactsBackfill\s+ok\s+100\s+\d+/);
    // 5. Preview two pages.
    const preview = await cli(['preview', 'my-sync/config.yaml', '--sync', 'contactsBackfill', '--pages', '2']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/^crm\.contactsBackfill: 2 pages, 2 requests, /);
    // 6. Record two cycles.
    const record = await cli(['test', 'my-sync/config.yaml', '--fixtures', 'my-sync/fixtures', '--record']);
    expect(record.code, record.stdout + record.stderr).toBe(0);
    // 7. Run, and look at the rows.
    const run = await cli(['run', 'my-sync/config.yaml', '--quiet']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const rows = await cli(['rows', 'my-sync/config.yaml', 'contacts', '--limit', '3']);
    expect(rows.code).toBe(0);
    expect(rows.stdout).toContain(sandbox.source.list('contacts')[0].id);
    // 6, from then on: the API gone, no token, the recording replayed.
    await sandbox.close();
    const replay = await cli(['test', 'my-sync/config.yaml', '--fixtures', 'my-sync/fixtures'], inherited);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain('ok: 2 cycles replayed, every snapshot matched');
    expect(replay.code).toBe(0);
  });
});
