/**
 * A project made the way a newcomer makes one: `syncspec init acme` in a scratch folder, then the
 * config pointed at a loopback API (`baseUrl`) and, for services, every sync made manual.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, scratchDir } from './cli.js';

export async function scaffoldedProject(options: { baseUrl?: string; manual?: boolean } = {}): Promise<string> {
  const dir = scratchDir('syncspec-acme-');
  expect((await runCli(['init', 'acme'], { env: { PATH: process.env.PATH }, cwd: dir })).code).toBe(0);
  const configPath = join(dir, 'config.yaml');
  let config = readFileSync(configPath, 'utf8');
  if (options.baseUrl !== undefined) config = config.replace('baseUrl: "https://api.example.com"', `baseUrl: "${options.baseUrl}"`);
  // The scaffold's delta runs every 5 minutes; a service with only manual syncs idles.
  if (options.manual) config = `${config}    syncs: { itemsDelta: { schedule: manual } }\n`;
  writeFileSync(configPath, config);
  return dir;
}
