/**
 * The environment a config reads `env:` references from: the process environment over a .env file
 * (the config's `envFile`, or `.env` beside the config when there is one). process.env is never
 * modified, and values are never part of a message.
 */
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { readSourceText } from '../spec/read-source.js';
import { isSensitiveName } from '../http/redact.js';
import type { Reporter } from '../spec/diagnostics.js';

export type Env = Readonly<Record<string, string>>;

export interface ReadEnv {
  env: Env;
  /** Values the .env file holds under credential-like names (TOKEN, API_KEY…): never to be quoted. */
  sensitive: string[];
}

export async function readEnv(
  configDir: string,
  envFile: string | undefined,
  processEnv: NodeJS.ProcessEnv,
  report: Reporter,
  display: (absolute: string) => string,
): Promise<ReadEnv> {
  const fromProcess = Object.fromEntries(
    Object.entries(processEnv).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const file = resolve(configDir, envFile ?? '.env');
  // Read like a spec: a FIFO would block, a binary file must not be quoted.
  const read = await readSourceText(file, display(file), 'env file');
  if (!read.ok) {
    if (envFile !== undefined || read.code !== 'file-not-found') report.error(['envFile'], read.code, read.message);
    return { env: fromProcess, sensitive: [] };
  }
  const fromFile = parseDotenv(read.text);
  const sensitive = Object.entries(fromFile).filter(([name]) => isSensitiveName(name)).map(([, value]) => value);
  return { env: { ...fromFile, ...fromProcess }, sensitive };
}

/** The value of an environment variable; an empty one counts as unset (an empty token is no token). */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
