/**
 * The environment a config reads `env:` references from: the process environment over a .env file
 * (the config's `envFile`, or `.env` beside the config when there is one). process.env is never
 * modified, and values are never part of a message.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Reporter } from '../spec/diagnostics.js';

export type Env = Readonly<Record<string, string>>;

export async function readEnv(
  configDir: string,
  envFile: string | undefined,
  processEnv: NodeJS.ProcessEnv,
  report: Reporter,
  display: (absolute: string) => string,
): Promise<Env> {
  const fromProcess = Object.fromEntries(
    Object.entries(processEnv).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const file = resolve(configDir, envFile ?? '.env');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (envFile !== undefined) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'cannot be read';
      report.error(['envFile'], 'file-not-found', `env file ${reason}: ${display(file)}`);
    }
    return fromProcess;
  }
  return { ...parseDotenv(text), ...fromProcess };
}

/** The value of an environment variable; an empty one counts as unset (an empty token is no token). */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
