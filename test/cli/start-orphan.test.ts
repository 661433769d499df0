/**
 * A service started through npm whose launcher dies — `npx syncspec start` SIGKILLed, or its
 * terminal closed — stops by itself the graceful way, instead of running on as an orphan nobody can
 * signal. Started otherwise (nohup, systemd) it outlives its parent, as it is meant to.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CLI, removeScratchDirs } from '../support/cli.js';
import { scaffoldedProject } from '../support/scaffold.js';

afterAll(removeScratchDirs);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('syncspec start, orphaned', () => {
  const launch = async (dir: string, env: NodeJS.ProcessEnv, log: string) => {
    // The launcher starts the service as npx would (npx sets npm_command), prints its pid, and waits.
    const launcher = spawn(process.execPath, ['-e', `
      const { spawn } = require('node:child_process');
      const fs = require('node:fs');
      const out = fs.openSync(${JSON.stringify(log)}, 'w');
      const child = spawn(process.execPath, [${JSON.stringify(CLI)}, 'start', 'config.yaml', '--log-format', 'json'], { stdio: ['ignore', out, out] });
      console.log(child.pid);
      setInterval(() => {}, 1000);
    `], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = await once(launcher.stdout!, 'data');
    for (let i = 0; i < 600 && !readFileSync(log, 'utf8').includes('service started'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(log, 'utf8')).toContain('service started');
    return { launcher, servicePid: Number(String(chunk).trim()) };
  };

  test('its launcher SIGKILLed, the service logs why and stops by itself', async () => {
    // Manual syncs only: the service idles, waiting for triggers.
    const dir = await scaffoldedProject({ manual: true });
    const env = { PATH: process.env.PATH, ACME_TOKEN: 'x' };
    const log = join(dir, 'service.log');
    const { launcher, servicePid } = await launch(dir, { ...env, npm_command: 'exec' }, log);
    expect(readFileSync(log, 'utf8')).toContain('started through npm: stops when its launcher');
    launcher.kill('SIGKILL');
    await once(launcher, 'exit');
    for (let i = 0; i < 600 && alive(servicePid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(servicePid)).toBe(false);
    const messages = readFileSync(log, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContainEqual(expect.stringMatching(/^the process that started this service \(pid \d+\) is gone: stopping$/));
    expect(messages.at(-1)).toBe('service stopped');
  });

  test('started otherwise (nohup, systemd), it outlives its launcher', async () => {
    const dir = await scaffoldedProject({ manual: true });
    const env = { PATH: process.env.PATH, ACME_TOKEN: 'x' };
    const log = join(dir, 'service.log');
    const { launcher, servicePid } = await launch(dir, env, log);
    // Not started through npm: it does not watch its launcher at all.
    expect(readFileSync(log, 'utf8')).not.toContain('started through npm');
    launcher.kill('SIGKILL');
    await once(launcher, 'exit');
    expect(alive(servicePid)).toBe(true);
    process.kill(servicePid, 'SIGTERM');
    for (let i = 0; i < 600 && alive(servicePid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(servicePid)).toBe(false);
    expect(readFileSync(log, 'utf8')).not.toContain('is gone: stopping');
  });
});
