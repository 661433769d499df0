/**
 * A config's connector entry against the spec it names: values for the declared vars, an
 * environment variable for each declared secret, overrides only for syncs that exist.
 * Problems are reported on the config file, where they are fixed.
 */
import type { Connector } from './types.generated.js';
import type { ConnectorSpec, SecretDeclaration, VarDeclaration } from '../spec/types.generated.js';
import type { DocPath, Reporter } from '../spec/diagnostics.js';
import { parseSchedule } from '../schedule/parse.js';
import { suggestion } from '../core/suggest.js';
import { envValue, type Env } from './env.js';

type VarType = NonNullable<VarDeclaration['type']>;

export interface Binding {
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
  syncOverrides: Record<string, { enabled: boolean; schedule?: string }>;
}

/**
 * How a secret whose environment variable is not set is reported: an error where the secret is
 * needed (run, start), a warning where it is not (validate checks a config on a machine that may
 * not hold the credentials, such as CI).
 */
export type MissingSecrets = 'error' | 'warning';

/** `at` is the connector's path in the config (connectors.NAME); `specFile` names the spec in messages. */
export function bindConnector(
  connector: Connector,
  /** The spec file's value, whatever its shape (its own errors are reported on the spec). */
  specValue: unknown,
  env: Env,
  report: Reporter,
  at: DocPath,
  specFile: string,
  missingSecrets: MissingSecrets = 'error',
): Binding {
  const spec = objectOr(specValue) as Partial<ConnectorSpec>;
  return {
    vars: bindVars(connector, declarations(spec.vars), env, report, at, specFile),
    secrets: bindSecrets(connector, declarations(spec.secrets), env, report, at, specFile, missingSecrets),
    syncOverrides: bindSyncs(connector, Object.keys(objectOr(spec.syncs)), report, at, specFile),
  };
}

function objectOr(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Declarations as a map of objects, whatever the spec file holds (its own errors are reported there). */
function declarations<T>(value: unknown): Record<string, T> {
  return Object.fromEntries(Object.entries(objectOr(value)).map(([key, d]) => [key, objectOr(d) as T]));
}

function bindVars(
  connector: Connector,
  declared: Record<string, VarDeclaration>,
  env: Env,
  report: Reporter,
  at: DocPath,
  specFile: string,
): Record<string, unknown> {
  const given = connector.vars ?? {};
  const names = Object.keys(declared);
  const vars: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(declared)) {
    if (declaration.default !== undefined) vars[name] = declaration.default;
  }
  for (const [name, value] of Object.entries(given)) {
    const varAt = [...at, 'vars', name];
    if (!Object.hasOwn(declared, name)) {
      report.error(varAt, 'unknown-var', `unknown var '${name}' ${suggestion(name, names, { label: `declared in ${specFile}`, empty: `${specFile} declares no vars` })}`, { at: 'key', shownPath: [...at, 'vars'] });
      continue;
    }
    const type = varType(declared[name]);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const fromEnv = envValue(env, value.env);
      if (fromEnv !== undefined) {
        const coerced = coerce(fromEnv, type ?? 'string');
        if (coerced === undefined) {
          report.error([...varAt, 'env'], 'wrong-type', `environment variable ${value.env} (var '${name}') is not a valid ${type}`);
        } else vars[name] = coerced;
      } else if (value.default !== undefined) {
        vars[name] = value.default;
      } else if (declared[name].default === undefined) {
        report.error([...varAt, 'env'], 'env-not-set', `environment variable ${value.env} (var '${name}') is not set, and the var has no default`);
      }
      continue;
    }
    if (type !== undefined && !hasType(value, type)) {
      report.error(varAt, 'wrong-type', `var '${name}' takes ${article(type)} ${type} in ${specFile}, got ${describe(value)}`);
      continue;
    }
    vars[name] = value;
  }
  const missing = names.filter((name) => declared[name].default === undefined && !Object.hasOwn(given, name));
  for (const name of missing) {
    report.error(connector.vars ? [...at, 'vars'] : at, 'missing-var', `missing var '${name}': ${specFile} declares it without a default`);
  }
  return vars;
}

function bindSecrets(
  connector: Connector,
  declared: Record<string, SecretDeclaration>,
  env: Env,
  report: Reporter,
  at: DocPath,
  specFile: string,
  missingSecrets: MissingSecrets,
): Record<string, string> {
  const mapped = connector.secrets ?? {};
  const names = Object.keys(declared);
  const secrets: Record<string, string> = {};
  for (const [name, { env: variable }] of Object.entries(mapped)) {
    const secretAt = [...at, 'secrets', name];
    if (!Object.hasOwn(declared, name)) {
      report.error(secretAt, 'unknown-secret', `unknown secret '${name}' ${suggestion(name, names, { label: `declared in ${specFile}`, empty: `${specFile} declares no secrets` })}`, { at: 'key', shownPath: [...at, 'secrets'] });
      continue;
    }
    const value = envValue(env, variable);
    if (value !== undefined) secrets[name] = value;
    else if (declared[name].optional !== true) {
      const message = `environment variable ${variable} (secret '${name}') is not set`;
      if (missingSecrets === 'error') report.error([...secretAt, 'env'], 'env-not-set', message);
      else report.warning([...secretAt, 'env'], 'env-not-set', `${message}; run and start need it`);
    }
  }
  for (const name of names.filter((n) => declared[n].optional !== true && !Object.hasOwn(mapped, n))) {
    report.error(
      connector.secrets ? [...at, 'secrets'] : at,
      'missing-secret',
      `secret '${name}' of ${specFile} has no source; map it to an environment variable: secrets: { ${name}: { env: NAME } }`,
    );
  }
  return secrets;
}

function bindSyncs(
  connector: Connector,
  syncNames: string[],
  report: Reporter,
  at: DocPath,
  specFile: string,
): Binding['syncOverrides'] {
  const overrides: Binding['syncOverrides'] = {};
  for (const [name, override] of Object.entries(connector.syncs ?? {})) {
    const syncAt = [...at, 'syncs', name];
    if (!syncNames.includes(name)) {
      report.error(syncAt, 'unknown-sync', `unknown sync '${name}' ${suggestion(name, syncNames, { label: `syncs of ${specFile}` })}`, { at: 'key', shownPath: [...at, 'syncs'] });
      continue;
    }
    if (override.schedule !== undefined) {
      const parsed = parseSchedule(override.schedule);
      if (!parsed.ok) report.error([...syncAt, 'schedule'], 'bad-schedule', parsed.message);
    }
    overrides[name] = { enabled: override.enabled ?? true, ...(override.schedule !== undefined ? { schedule: override.schedule } : {}) };
  }
  return overrides;
}

/**
 * The type a config value must have: the declared one, else that of the declared default. A var
 * declared with neither takes any literal (a list included, e.g. for partitions).
 */
function varType(declaration: VarDeclaration): VarType | undefined {
  if (declaration.type !== undefined) return declaration.type;
  const fallback: unknown = declaration.default;
  if (fallback === undefined || fallback === null) return undefined;
  if (Array.isArray(fallback)) return 'array';
  const kind = typeof fallback;
  return kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'object' ? kind : undefined;
}

function hasType(value: unknown, type: VarType): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return !!value && typeof value === 'object' && !Array.isArray(value);
  return typeof value === type;
}

/** Environment variables are text; a var declared with another type reads them as that type. */
function coerce(text: string, type: VarType): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'number': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'array':
    case 'object': {
      if (type === 'array' && !text.trim().startsWith('[')) return text.split(',').map((item) => item.trim()).filter(Boolean);
      try {
        const parsed: unknown = JSON.parse(text);
        return hasType(parsed, type) ? parsed : undefined;
      } catch {
        return undefined;
      }
    }
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string ('${value}')`;
  return `the ${typeof value} ${String(value)}`;
}
