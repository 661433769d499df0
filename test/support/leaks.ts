/**
 * Looking for secrets where they must never be: every output of a command and every byte of the
 * database folder (the SQLite file, its WAL and shared memory). A secret counts as leaked in any form
 * a reader could turn back into it — raw, JSON-escaped, URL- or form-encoded, base64. The forms are
 * computed here, independently of the engine's redactor, so a form the redactor forgets is caught.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export function leakForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ];
  return [...new Set(forms)].filter((form) => form.length >= 4);
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Where each form of each secret appears, as `secret form in place` lines; [] when nowhere. */
export function findLeaks(secrets: string[], places: { outputs?: Record<string, string>; dirs?: string[] }): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    for (const form of leakForms(secret)) {
      for (const [name, text] of Object.entries(places.outputs ?? {})) {
        if (text.includes(form)) found.push(`${JSON.stringify(form)} in ${name}`);
      }
      for (const dir of places.dirs ?? []) {
        for (const file of filesUnder(dir)) {
          if (readFileSync(file).includes(Buffer.from(form))) found.push(`${JSON.stringify(form)} in ${file}`);
        }
      }
    }
  }
  return found;
}

export function expectNoLeaks(secrets: string[], places: { outputs?: Record<string, string>; dirs?: string[] }): void {
  expect(findLeaks(secrets, places)).toEqual([]);
}

/** A config in `dir` loading `specFile`, with the spec's secrets from environment variables. */
export function writeLeakConfig(
  dir: string, specFile: string, secrets: Record<string, string>, vars: Record<string, string> = { baseUrl: 'API_URL' },
  database = '{ type: sqlite, path: ./data/sync.db }',
): string {
  const lines = [
    'syncspec: 1',
    `database: ${database}`,
    'connectors:',
    '  api:',
    `    spec: ${JSON.stringify(specFile)}`,
    `    vars: { ${Object.entries(vars).map(([name, env]) => `${name}: { env: ${env} }`).join(', ')} }`,
    `    secrets: { ${Object.entries(secrets).map(([name, env]) => `${name}: { env: ${env} }`).join(', ')} }`,
  ];
  const path = join(dir, 'config.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
