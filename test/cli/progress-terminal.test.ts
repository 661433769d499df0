/**
 * Progress bars in a real terminal: `syncspec run` and `syncspec start` inside tmux (a pane 90
 * columns wide, so log lines wrap), read back with `capture-pane` as a person would see the screen.
 * No stale bar lines, no log line written over a bar's remains, long log lines whole, and `start`
 * showing a bar while a sync runs and removing it when the run ends.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { CLI, removeScratchDirs, scratchDir } from '../support/cli.js';
import { sandboxEnv, writeConfig } from '../support/project.js';

const SOCKET = `syncspec-test-${process.pid}`;
const WIDTH = 90;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

/** The pane's text, wrapped rows joined back into their lines, blank rows left out. */
const screen = (session: string) => tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', session).split('\n').map((line) => line.trimEnd()).filter(Boolean);

/** Polls the pane until `done` holds: bounded, so a machine however loaded gets its time, and a hang fails. */
async function waitFor(session: string, done: (lines: string[]) => boolean, what: string, timeoutMs = 40_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = screen(session);
    if (done(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`tmux pane ${session}: ${what} did not happen within ${timeoutMs} ms; the pane shows:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A script the pane runs: the project's environment, then the command. */
function paneScript(dir: string, name: string, env: NodeJS.ProcessEnv, command: string): string {
  const exports = ['SANDBOX_URL', 'SANDBOX_TOKEN', 'PATH', 'HOME'].map((key) => `export ${key}=${JSON.stringify(env[key] ?? '')}`);
  const path = join(dir, `${name}.sh`);
  // ^C reaches the whole foreground group: the shell runs on (a trap, which its children do not keep).
  writeFileSync(path, `${exports.join('\n')}\nunset npm_command\ntrap 'true' INT\ncd ${JSON.stringify(dir)}\n${command}\n`);
  return path;
}

const SYNCS = ['crm.companies', 'crm.contactsBackfill', 'crm.contactsDelta', 'crm.repos', 'crm.issues'];
const barLines = (lines: string[], sync: string) => lines.filter((line) => line.startsWith(`${sync} `) && line.includes(' | '));

describe('progress bars in a real terminal (tmux)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // Slow answers, so that the bars are drawn, redrawn and logged over many times.
    sandbox = await startSandbox({ counts: { contacts: 600 }, faults: { slowMs: 20 } });
  });
  /** A project of its own (a database where nothing ran yet, so every scheduled sync is due). */
  const project = () => {
    const dir = scratchDir('syncspec-tmux-');
    return { dir, configPath: writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } }) };
  };
  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // No server left: every session ended.
    }
    await sandbox.close();
    removeScratchDirs();
  });

  it('run: one final line per sync, no stale running line, no log line over a bar, log lines whole', async () => {
    const { dir, configPath } = project();
    const script = paneScript(dir, 'run', sandboxEnv(sandbox), `node ${JSON.stringify(CLI)} run ${JSON.stringify(configPath)} > /dev/null; echo SYNCSPEC-DONE; sleep 120`);
    tmux('new-session', '-d', '-s', 'run', '-x', String(WIDTH), '-y', '50', `sh ${JSON.stringify(script)}`);
    const lines = await waitFor('run', (shown) => shown.includes('SYNCSPEC-DONE'), 'the run ending');
    for (const sync of SYNCS) {
      const bars = barLines(lines, sync);
      expect(bars, `${sync}'s bar lines:\n${bars.join('\n')}`).toHaveLength(1);
      expect(bars[0]).toMatch(/ \| completed$/);
    }
    expect(lines.filter((line) => /running \|/.test(line))).toEqual([]);
    // A log line written over a longer bar would keep the bar's end: "… (new cycle)/s".
    expect(lines.filter((line) => /\)\S*\/s\b/.test(line) || /\/s.*\/s/.test(line))).toEqual([]);
    const finished = lines.filter((line) => / completed in /.test(line));
    expect(finished).toHaveLength(SYNCS.length);
    for (const line of finished) expect(line).toMatch(/, \d+ requests, \d+ retries$/);
  }, 60_000);

  it('start: a bar while a sync runs, gone when its run ends, and the service stops on ^C', async () => {
    const { dir, configPath } = project();
    const script = paneScript(dir, 'start', sandboxEnv(sandbox), `node ${JSON.stringify(CLI)} start ${JSON.stringify(configPath)}; echo SYNCSPEC-DONE; sleep 120`);
    tmux('new-session', '-d', '-s', 'start', '-x', String(WIDTH), '-y', '50', `sh ${JSON.stringify(script)}`);
    // crm.issues reads 11 pages: its bar is up for at least 11 slow answers.
    await waitFor('start', (shown) => shown.some((line) => /^crm\.issues +running \| \d+ pages? \| \d+ records \| \d+\/s$/.test(line)), 'a running bar for crm.issues');
    const after = await waitFor('start', (shown) => shown.some((line) => /crm\.issues: completed in /.test(line)) && barLines(shown, 'crm.issues').length === 0, 'crm.issues finishing and its bar leaving');
    expect(after.filter((line) => /running \|/.test(line) && line.startsWith('crm.issues'))).toEqual([]);
    tmux('send-keys', '-t', 'start', 'C-c');
    const stopped = await waitFor('start', (shown) => shown.includes('SYNCSPEC-DONE'), 'the service stopping');
    expect(stopped.some((line) => /service stopped/.test(line))).toBe(true);
  }, 120_000);
});
