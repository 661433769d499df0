/**
 * Plain-English messages for single ajv errors (one keyword at one place). Unions and
 * discriminators are handled by schema-check.ts before they get here.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { DocPath } from './diagnostics.js';
import { suggestion } from '../core/suggest.js';
import { describePathError, parseJsonPath } from '../extract/jsonpath-syntax.js';

export interface Issue {
  path: DocPath;
  code: string;
  message: string;
  at?: 'key' | 'value';
  shownPath?: DocPath;
}

type Schema = Record<string, unknown>;

/** What patterns in the schemas mean, said the way a spec author would understand it. */
const PATTERNS: Record<string, { code: string; message: (value: string) => string }> = {
  '^[A-Za-z_][A-Za-z0-9_-]*$': {
    code: 'invalid-name',
    message: (v) => `'${v}' is not a valid name: use letters, digits, '_' and '-', starting with a letter or '_'`,
  },
  '^[A-Za-z_][A-Za-z0-9_]*$': {
    code: 'invalid-name',
    message: (v) => `'${v}' is not a valid environment variable name: use letters, digits and '_', not starting with a digit`,
  },
  '\\S': { code: 'blank', message: () => 'must not be blank' },
};

const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'nothing (null)',
};

/** The JSON Schema type of a value ('integer' for whole numbers). */
export function jsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `['string', 'object']` → "a string or a map". */
export function describeTypes(types: readonly string[]): string {
  const words = [...new Set(types.filter((t) => !(t === 'integer' && types.includes('number'))))].map(
    (t) => TYPE_WORDS[t] ?? t,
  );
  return words.length <= 1 ? (words[0] ?? 'something else') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** A value as shown after "got": its kind, and scalars themselves (specs and configs hold no secrets). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (typeof value === 'string') return `a string ('${value.length > 40 ? `${value.slice(0, 37)}...` : value}')`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return TYPE_WORDS[jsonTypeOf(value)];
}

function display(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function propertiesOf(schema: Schema | undefined): string[] {
  return Object.keys((schema?.properties as object | undefined) ?? {});
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export const describeKeyword = {
  unknownKey(key: string, allowed: readonly string[], path: DocPath, shownPath: DocPath): Issue {
    return { path, shownPath, at: 'key', code: 'unknown-key', message: `unknown key '${key}' ${suggestion(key, allowed)}` };
  },

  issue(error: ErrorObject, value: unknown, path: DocPath): Issue {
    const parent = error.parentSchema as Schema | undefined;
    const params = error.params as Record<string, unknown>;
    const limit = params.limit as number;
    // Errors about a map key's name (propertyNames) are shown on that key.
    if (error.propertyName !== undefined) {
      const name = error.propertyName;
      const keyPath = [...path, name];
      if (error.keyword === 'pattern') {
        const known = PATTERNS[params.pattern as string];
        const message = known ? known.message(name) : `name '${name}' must match ${String(params.pattern)}`;
        return { path: keyPath, shownPath: path, at: 'key', code: known?.code ?? 'invalid-name', message };
      }
      return { path: keyPath, shownPath: path, at: 'key', code: 'invalid-name', message: `invalid name '${name}': it must not be empty` };
    }
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = params.additionalProperty as string;
        return describeKeyword.unknownKey(key, propertiesOf(parent), [...path, key], path);
      }
      case 'required':
        return { path, code: 'missing-key', message: `missing required key '${String(params.missingProperty)}'` };
      case 'type':
        if (path.length === 0 && (value === null || value === undefined)) {
          return { path, code: 'wrong-type', message: 'the file is empty' };
        }
        // The whole file is one value: never quoted — a .env or a key file given by mistake holds secrets.
        if (path.length === 0) {
          return { path, code: 'wrong-type', message: `the file holds ${describeTypes([jsonTypeOf(value)])}, not a map of keys; is it the right file?` };
        }
        return {
          path,
          code: 'wrong-type',
          message: `expected ${describeTypes([params.type as string | string[]].flat())}, got ${describeValue(value)}`,
        };
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map(String);
        return {
          path,
          code: 'bad-enum',
          message: `unknown value ${display(value)} ${suggestion(String(value), allowed)}`,
        };
      }
      case 'const':
        return { path, code: 'bad-value', message: `expected ${display(params.allowedValue)}, got ${display(value)}` };
      case 'pattern': {
        const known = PATTERNS[params.pattern as string];
        if (known) return { path, code: known.code, message: known.message(String(value)) };
        return { path, code: 'bad-pattern', message: `'${String(value)}' must match ${String(params.pattern)}` };
      }
      case 'minLength':
        return { path, code: 'too-short', message: limit === 1 ? 'must not be empty' : `must be at least ${count(limit, 'character')} long` };
      case 'minItems':
        return { path, code: 'too-short', message: limit === 1 ? 'must not be an empty list' : `must have at least ${count(limit, 'item')}` };
      case 'minProperties':
        return { path, code: 'too-short', message: minPropertiesMessage(parent, limit) };
      case 'maxProperties': {
        const names = propertiesOf(parent).join(', ');
        return { path, code: 'too-long', message: limit === 1 ? `give only one of ${names}` : `give at most ${limit} of ${names}` };
      }
      case 'minimum':
      case 'exclusiveMinimum':
        return { path, code: 'out-of-range', message: `must be ${error.keyword === 'minimum' ? 'at least' : 'more than'} ${limit}, got ${display(value)}` };
      case 'maximum':
      case 'exclusiveMaximum':
        return { path, code: 'out-of-range', message: `must be ${error.keyword === 'maximum' ? 'at most' : 'less than'} ${limit}, got ${display(value)}` };
      case 'format': {
        if (params.format === 'jsonpath') {
          const text = String(value);
          if (!text.startsWith('$')) return { path, code: 'bad-jsonpath', message: `'${text}' is not a JSONPath: it must start with '$'` };
          const parsed = parseJsonPath(text);
          const why = parsed.ok ? ': it is not valid' : describePathError(parsed);
          return { path, code: 'bad-jsonpath', message: `JSONPath '${text}'${why}` };
        }
        return { path, code: 'bad-format', message: `${display(value)} is not a valid ${String(params.format)}` };
      }
      default:
        return { path, code: 'schema', message: error.message ?? `fails the ${error.keyword} rule` };
    }
  },
};

function minPropertiesMessage(parent: Schema | undefined, limit: number): string {
  const names = propertiesOf(parent);
  if (names.length === 0) return limit === 1 ? 'must not be empty' : `must have at least ${count(limit, 'entry', 'entries')}`;
  const required = (parent?.required as string[] | undefined) ?? [];
  const others = names.filter((n) => !required.includes(n));
  if (required.length > 0) return `needs one of ${others.join(', ')} besides ${required.join(', ')}`;
  return limit === 1 ? `needs one of ${names.join(', ')}` : `needs at least ${limit} of ${names.join(', ')}`;
}
