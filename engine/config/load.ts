/**
 * Loading a config file: the config and every connector spec it names are parsed, checked
 * against their schemas and each other, and normalized once. Every problem of every file is
 * reported together; a project is returned only when there is no error.
 */
import { dirname, resolve } from 'node:path';
import type { SyncspecConfig } from './types.generated.js';
import type { ConnectorModel } from '../spec/model.generated.js';
import type { ConfigModel } from './model.generated.js';
import { withDefaults } from '../spec/defaults.js';
import { Reporter, cleanWhere, hasErrors, sortDiagnostics, type Diagnostic } from '../spec/diagnostics.js';
import { parseSource, type SpecSource } from '../spec/source.js';
import { readSourceText } from '../spec/read-source.js';
import { checkSchema } from '../spec/schema-check.js';
import { checkSpec } from '../spec/semantic/index.js';
import { bindConnector, type MissingSecrets } from './bind.js';
import { readEnv, type Env } from './env.js';
import { Redactor } from '../http/redact.js';
import { displayPath } from './display.js';
import type { StorageOrigin } from '../store/errors.js';
import type { RunRetention } from '../store/store.js';

export interface LoadedConnector {
  name: string;
  /** Absolute. */
  specPath: string;
  /** As shown in diagnostics. */
  specFile: string;
  /** The model: `use` merged, the schema's defaults applied. */
  spec: ConnectorModel;
  /** To locate paths of the spec at runtime. */
  source: SpecSource;
  /** Config values and declared defaults. */
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
  syncOverrides: Record<string, { enabled: boolean; schedule?: string }>;
}

export interface LoadedProject {
  configPath: string;
  configDir: string;
  /** `path` is absolute; default <configDir>/data/syncspec.db. `origin` says where it is configured, for messages. */
  storage: { type: 'sqlite'; path: string; busyTimeoutMs: number; origin: StorageOrigin; history: RunRetention };
  /** How many syncs run at once (syncs of one connector still run one after another). Default 4. */
  concurrency: number;
  connectors: LoadedConnector[];
}

export interface LoadOptions {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory file names are shown relative to. Default process.cwd(). */
  cwd?: string;
  /** A secret whose environment variable is not set: an error (default), or a warning for `validate`. */
  missingSecrets?: MissingSecrets;
}


export async function loadProject(
  configPath: string,
  options: LoadOptions = {},
): Promise<{ project?: LoadedProject; diagnostics: Diagnostic[] }> {
  const cwd = options.cwd ?? process.cwd();
  const display = (absolute: string) => displayPath(absolute, cwd);
  const absoluteConfig = resolve(cwd, configPath);
  const configFile = display(absoluteConfig);
  const read = await readText(absoluteConfig, configFile, 'config file');
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  const parsed = parseSource(read.text, configFile);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.usable) return { diagnostics: sortDiagnostics(diagnostics) };
  const source = parsed.source;
  const schemaDiagnostics = checkSchema('config', source);
  diagnostics.push(...schemaDiagnostics);
  const isClean = cleanWhere(schemaDiagnostics);
  const config = source.value as SyncspecConfig;
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { diagnostics: sortDiagnostics(diagnostics) };

  const configDir = dirname(absoluteConfig);
  const report = new Reporter(source);
  const envFile = typeof config.envFile === 'string' ? config.envFile : undefined;
  const { env, sensitive } = await readEnv(configDir, envFile, options.env ?? process.env, report, display);
  // No diagnostic quotes a secret: values bound as secrets, and credential-like values of the .env file.
  const redactor = new Redactor(sensitive);
  const connectors: LoadedConnector[] = [];
  const entries = config.connectors && typeof config.connectors === 'object' ? Object.entries(config.connectors) : [];
  for (const [name, entry] of entries) {
    if (!entry || typeof entry !== 'object' || typeof entry.spec !== 'string' || entry.spec === '') continue;
    const bind = isClean(['connectors', name]);
    const loaded = await loadConnector(name, entry, bind, { configDir, env, report, display, missingSecrets: options.missingSecrets ?? 'error' });
    diagnostics.push(...loaded.diagnostics);
    if (loaded.connector) connectors.push(loaded.connector);
    redactor.add(...loaded.secrets);
  }
  diagnostics.push(...report.diagnostics);
  const sorted = sortDiagnostics(diagnostics.map((d) => ({ ...d, message: redactor.redact(d.message) })));
  if (hasErrors(sorted)) return { diagnostics: sorted };
  const model = withDefaults<ConfigModel>('config', config);
  const project: LoadedProject = {
    configPath: absoluteConfig,
    configDir,
    storage: {
      type: 'sqlite',
      path: resolve(configDir, model.database.path),
      busyTimeoutMs: model.database.busyTimeoutMs,
      origin: storageOrigin(source, configFile),
      history: model.history,
    },
    concurrency: model.concurrency,
    connectors,
  };
  return { project, diagnostics: sorted };
}

/** Where database.path is written (file:line:col), or the config file when it gives none. */
function storageOrigin(source: SpecSource, configFile: string): StorageOrigin {
  const at = ['database', 'path'];
  if (!source.has(at)) return { configFile };
  const { line, column } = source.locate(at);
  return { configuredAt: `${configFile}:${line}:${column}`, configFile };
}

interface ConnectorDeps {
  configDir: string;
  env: Env;
  /** Reports on the config file. */
  report: Reporter;
  display: (absolute: string) => string;
  missingSecrets: MissingSecrets;
}

async function loadConnector(
  name: string,
  entry: SyncspecConfig['connectors'][string],
  /** False when the entry failed the config schema: its spec is still checked, but not bound. */
  bind: boolean,
  { configDir, env, report, display, missingSecrets }: ConnectorDeps,
): Promise<{ connector?: LoadedConnector; diagnostics: Diagnostic[]; secrets: string[] }> {
  const at = ['connectors', name];
  const specPath = resolve(configDir, entry.spec);
  const specFile = display(specPath);
  const read = await readText(specPath, specFile, 'spec file');
  if (!read.ok) {
    // A character the spec may not hold is shown where it is; a file that cannot be read, where the config names it.
    if (read.diagnostic.code === 'control-character') return { diagnostics: [read.diagnostic], secrets: [] };
    report.error([...at, 'spec'], read.diagnostic.code, `connector '${name}': ${read.diagnostic.message}`);
    return { diagnostics: [], secrets: [] };
  }
  const parsed = parseSource(read.text, specFile);
  if (!parsed.usable) return { diagnostics: parsed.diagnostics, secrets: [] };
  const binding = bind ? bindConnector(entry, parsed.source.value, env, report, at, specFile, missingSecrets) : undefined;
  const secrets = Object.values(binding?.secrets ?? {});
  const checked = checkSpec(parsed.source, { varValues: binding?.vars });
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics];
  if (!checked.spec || !binding) return { diagnostics, secrets };
  return {
    connector: { name, specPath, specFile, spec: checked.spec, source: parsed.source, ...binding },
    diagnostics,
    secrets,
  };
}

type ReadResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

async function readText(absolute: string, shown: string, what: string): Promise<ReadResult> {
  const read = await readSourceText(absolute, shown, what);
  if (read.ok) return read;
  return { ok: false, diagnostic: { file: shown, line: read.line, column: read.column, path: '', code: read.code, message: read.message, severity: 'error' } };
}
