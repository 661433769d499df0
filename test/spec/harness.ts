/**
 * Writes a config and its spec(s) into a fresh temporary directory and validates them, so each
 * test case reads as the files a user would write and the lines the validator prints for them.
 */
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadProject } from '../../engine/config/load.js';
import { formatDiagnostic, type Diagnostic } from '../../engine/spec/diagnostics.js';

/** Template tag: drops the first line break and the common indentation, so YAML can be indented in code. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(...text.split('\n').filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return text
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n')
    .replace(/[ \t]+$/, '');
}

/** The config most spec cases use: one connector `crm` whose spec is crm.yaml. */
export const DEFAULT_CONFIG = yaml`
  syncspec: 1
  connectors:
    crm:
      spec: crm.yaml
`;

/** The smallest valid spec: one database, one replace sync. Config cases use it as crm.yaml. */
export const MINIMAL_SPEC = yaml`
  syncspec: 1
  name: crm
  api:
    baseUrl: https://api.example.com
  databases:
    contacts:
      primaryKeyProperty: ID
      properties:
        Name: title
        ID: richText
  syncs:
    contacts:
      database: contacts
      request: { path: /contacts }
      map:
        Name: $.name
        ID: $.id
`;

export interface ProjectFiles {
  /** config.yaml; default DEFAULT_CONFIG. */
  config?: string;
  /** crm.yaml; default MINIMAL_SPEC. */
  spec?: string;
  /** Any other files, by path relative to the config. */
  files?: Record<string, string>;
  env?: Record<string, string>;
}

const written: string[] = [];
afterAll(() => {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes the files into a new temporary directory (removed after the test file) and returns it. */
export function writeProject({ config = DEFAULT_CONFIG, spec = MINIMAL_SPEC, files = {} }: ProjectFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncspec-validate-'));
  written.push(dir);
  const all: Record<string, string> = { 'config.yaml': config, 'crm.yaml': spec, ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export async function validateProject(input: ProjectFiles): Promise<{ lines: string[]; diagnostics: Diagnostic[]; valid: boolean }> {
  const dir = writeProject(input);
  const { project, diagnostics } = await loadProject('config.yaml', { cwd: dir, env: input.env ?? {} });
  return { lines: diagnostics.map(formatDiagnostic), diagnostics, valid: project !== undefined };
}
