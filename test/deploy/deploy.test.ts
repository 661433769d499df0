/**
 * The process-manager files, tested as far as this machine allows (no systemd as PID 1, no Docker
 * daemon or registry): the unit passes `systemd-analyze verify` with its paths pointed at this
 * checkout, and the exact commands the unit and the image run start the service, run the due syncs
 * against a real API on loopback and stop with exit 0 on the stop signal they declare; a bad config
 * exits 2, which the unit does not restart. The Dockerfile copies only what exists and all the build needs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { removeScratchDirs, scratchDir } from '../support/cli.js';
import { ROOT, writeConfig } from '../support/project.js';

const UNIT = readFileSync(join(ROOT, 'deploy/syncspec.service'), 'utf8');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** `Key=value` lines of a unit's [Service] section (the last of a repeated key). */
function serviceKeys(unit: string): Record<string, string> {
  const section = unit.slice(unit.indexOf('[Service]'), unit.indexOf('[Install]'));
  return Object.fromEntries(section.split('\n').filter((line) => /^[A-Za-z]+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** Runs `command` until `ready` shows in its output, sends `signal`, and tells how it ended. */
async function startAndStop(command: string[], env: NodeJS.ProcessEnv, signal: NodeJS.Signals, ready: RegExp, cwd: string) {
  const child = spawn(command[0], command.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, by) => resolve({ code, signal: by })));
  const deadline = Date.now() + 60_000;
  while (!ready.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${command.join(' ')}: ${ready} never showed; output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill(signal);
  return { ...(await ended), output };
}

describe('deploy/syncspec.service and Dockerfile', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
    removeScratchDirs();
  });

  /** A project where the unit's paths point: a config, its env file (the token), a state folder. */
  function machine() {
    const dir = scratchDir('syncspec-deploy-');
    const config = writeConfig(dir, { crm: { spec: 'connectors/sandbox-crm.yaml' } });
    const envFile = join(dir, 'env');
    writeFileSync(envFile, `SANDBOX_URL=${sandbox.url}\nSANDBOX_TOKEN=sandbox-token\n`);
    return { dir, config, envFile };
  }

  /** The unit with its paths on this machine; the user is the one running the tests. */
  function localUnit(paths: { dir: string; config: string; envFile: string }): string {
    const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    return UNIT.replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('/opt/syncspec/lib/node_modules/syncspec', ROOT)
      .replaceAll('/etc/syncspec/config.yaml', paths.config)
      .replaceAll('/etc/syncspec/env', paths.envFile)
      .replaceAll('/var/lib/syncspec', paths.dir)
      .replace(/^User=.*$/m, `User=${user}`)
      .replace(/^Group=.*$/m, `Group=${execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()}`);
  }

  it('the unit passes systemd-analyze verify', () => {
    const paths = machine();
    const file = join(paths.dir, 'syncspec.service');
    writeFileSync(file, localUnit(paths));
    // Throws, with systemd's message, on an unknown key, a bad value or a missing executable.
    const result = execFileSync('systemd-analyze', ['verify', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result).toBe('');
  });

  it("the unit's ExecStart runs the due syncs and stops on its KillSignal by itself, with exit 0", async () => {
    const paths = machine();
    const keys = serviceKeys(localUnit(paths));
    expect(keys.KillSignal).toBe('SIGTERM');
    const fromFile = Object.fromEntries(readFileSync(keys.EnvironmentFile, 'utf8').trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
    const { npm_command: _npm, ...inherited } = process.env;
    const result = await startAndStop(keys.ExecStart.split(' '), { ...inherited, ...fromFile, NODE_ENV: 'production' }, 'SIGTERM', /crm\.issues: completed in/, keys.WorkingDirectory);
    expect(result, result.output).toMatchObject({ code: 0, signal: null });
    // --log-format json: one JSON object per line, the journal's form.
    const lines = result.output.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg)).toContain('service stopped');
    expect(result.output).not.toContain('sandbox-token');
  });

  it('a bad config exits 2, the status the unit does not restart on', async () => {
    const paths = machine();
    writeFileSync(paths.config, 'syncspec: 1\nconnectors: {}\nbogus: true\n');
    const keys = serviceKeys(localUnit(paths));
    const child = spawn(process.execPath, keys.ExecStart.split(' ').slice(1), { cwd: paths.dir, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(2);
    expect(keys.RestartPreventExitStatus).toBe('2');
  });

  it("the image's ENTRYPOINT and CMD run the service, which stops on its STOPSIGNAL with exit 0", async () => {
    const paths = machine();
    const json = (instruction: string) => JSON.parse(new RegExp(`^${instruction} (\\[.*\\])$`, 'm').exec(DOCKERFILE)![1]) as string[];
    const command = [...json('ENTRYPOINT'), ...json('CMD')].map((part) =>
      part === 'node' ? process.execPath : part.replace('/app/', `${ROOT}/`).replace('/config/config.yaml', paths.config));
    const signal = /^STOPSIGNAL (\w+)$/m.exec(DOCKERFILE)![1] as NodeJS.Signals;
    const { npm_command: _npm, ...inherited } = process.env;
    const result = await startAndStop(command, { ...inherited, SANDBOX_URL: sandbox.url, SANDBOX_TOKEN: 'sandbox-token' }, signal, /crm\.issues: completed in/, paths.dir);
    expect(result, result.output).toMatchObject({ code: 0, signal: null });
  });

  it('the Dockerfile copies only what exists, everything the build reads, and .dockerignore keeps local state out', () => {
    const sources = [...DOCKERFILE.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(' '));
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    for (const pattern of tsconfig.include) expect(sources, pattern).toContain(pattern.split('/')[0]);
    expect(sources).toContain('scripts');
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'data', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
