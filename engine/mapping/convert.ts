import type { ConvertChain, ConvertStep } from '../spec/model.generated.js';
import { formatUtcDate, requireIsoDate } from './iso-date.js';
import { MappingError, show } from './mapping-error.js';
import { parseBoolean } from './properties/checkbox.js';
import { parseNumber } from './properties/number.js';

/**
 * The `convert` steps of a value source, compiled once at load. Rules shared by every step:
 * - null and undefined pass through untouched (use `default` on the source to fill them);
 * - steps marked "element-wise" apply to each element of an array (null elements untouched);
 *   `split` also works element-wise and flattens; `join` and `emptyToNull` see the array whole;
 * - a step that cannot convert throws MappingError naming itself: "toNumber: not a number: 'x'".
 */
export type Converter = (value: unknown) => unknown;

type NamedStep = Extract<ConvertStep, string>;

function fail(step: string, expected: string, value: unknown): never {
  throw new MappingError(`${step}: expected ${expected}, got ${show(value)}`);
}

/** Runs `fn` on a scalar, or on each element of an array. */
function elementWise(fn: (value: unknown) => unknown): Converter {
  const each = (value: unknown): unknown => (value === null || value === undefined ? value : fn(value));
  return (value) => (Array.isArray(value) ? value.map(each) : each(value));
}

/** Re-labels a shared parser's reason with the step's name. */
function named(step: string, fn: (value: unknown) => unknown): (value: unknown) => unknown {
  return (value) => {
    try {
      return fn(value);
    } catch (error) {
      if (error instanceof MappingError) throw new MappingError(`${step}: ${error.message}`);
      throw error;
    }
  };
}

function epoch(step: string, millisPerUnit: number): Converter {
  return elementWise((value) => {
    let units: number;
    try {
      units = parseNumber(value);
    } catch {
      return fail(step, 'a number', value);
    }
    const instant = new Date(units * millisPerUnit);
    if (Number.isNaN(instant.getTime())) throw new MappingError(`${step}: ${show(value)} is out of the date range`);
    return instant.toISOString();
  });
}

/** Text steps leave numbers and booleans alone (they have no case or padding) and refuse containers. */
function textStep(step: string, fn: (text: string) => string): Converter {
  return elementWise((value) => {
    if (typeof value === 'string') return fn(value);
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    return fail(step, 'text', value);
  });
}

const namedSteps = {
  /** element-wise; numeric strings (trimmed), numbers, and booleans as 1/0. */
  toNumber: elementWise(named('toNumber', (v) => (typeof v === 'boolean' ? Number(v) : parseNumber(v)))),
  /** element-wise; objects become their JSON text (the way to keep a nested blob as text). */
  toString: elementWise((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))),
  /** element-wise; true/false, yes/no, 1/0 as the checkbox property reads them. */
  toBoolean: elementWise(named('toBoolean', parseBoolean)),
  /** element-wise; epoch seconds (number or numeric string, fractions kept as ms) → ISO-8601 UTC. */
  fromEpochSeconds: epoch('fromEpochSeconds', 1000),
  /** element-wise; epoch milliseconds → ISO-8601 UTC. */
  fromEpochMillis: epoch('fromEpochMillis', 1),
  /** element-wise; an ISO date or date-time → its UTC calendar date YYYY-MM-DD. */
  toDate: elementWise((v) => formatUtcDate(requireIsoDate(v, 'toDate').instant)),
  /** element-wise. */
  trim: textStep('trim', (t) => t.trim()),
  /** element-wise. */
  lowercase: textStep('lowercase', (t) => t.toLowerCase()),
  /** element-wise. */
  uppercase: textStep('uppercase', (t) => t.toUpperCase()),
  /** whole value: '' and [] become null. Whitespace is not empty: put `trim` before it. */
  emptyToNull: (v: unknown) => (v === '' || (Array.isArray(v) && v.length === 0) ? null : v),
} satisfies Record<NamedStep, Converter>;

function split(separator: string): Converter {
  const parts = (value: unknown): unknown[] => {
    if (value === null || value === undefined) return [value];
    if (typeof value !== 'string') return fail('split', 'text', value);
    return value.split(separator).map((part) => part.trim()).filter((part) => part !== '');
  };
  // An array is split element by element and flattened: ['a,b', 'c'] → ['a', 'b', 'c'].
  return (value) => {
    if (value === null || value === undefined) return value;
    return Array.isArray(value) ? value.flatMap(parts) : parts(value);
  };
}

function join(separator: string): Converter {
  return (value) => {
    if (!Array.isArray(value)) return value;
    const texts = value
      .filter((item) => item !== null && item !== undefined)
      .map((item) => (typeof item === 'object' ? fail('join', 'a list of text', value) : String(item)));
    return texts.join(separator);
  };
}

/**
 * Rounded to 15 significant digits: 1999 × 0.01 is 19.990000000000002 in binary floating point,
 * and cents-to-units is the main use of this step.
 */
function multiply(factor: number): Converter {
  return elementWise(named('multiply', (v) => Number((parseNumber(v) * factor).toPrecision(15))));
}

/** element-wise; looks inputs up by their text ('1' and 1 are the same key). */
function mapValues(table: Record<string, unknown>, otherwise: { given: boolean; value: unknown }): Converter {
  return elementWise((v) => {
    const key = typeof v === 'object' ? fail('map', 'text, a number or a boolean', v) : String(v);
    if (Object.hasOwn(table, key)) return table[key];
    return otherwise.given ? otherwise.value : v;
  });
}

function compileStep(step: ConvertStep): Converter {
  if (typeof step === 'string') return namedSteps[step];
  if ('split' in step) return split(step.split);
  if ('join' in step) return join(step.join);
  if ('multiply' in step) return multiply(step.multiply);
  // `otherwise: null` is a real choice (unknown inputs become null), so presence is what counts.
  return mapValues(step.map, { given: 'otherwise' in step, value: (step as { otherwise?: unknown }).otherwise });
}

/** Compiles a `convert` chain (one step or a list) into one function; no chain is the identity. */
export function compileConvertChain(chain: ConvertChain | undefined): Converter {
  if (chain === undefined) return (value) => value;
  const steps = (Array.isArray(chain) ? chain : [chain]).map(compileStep);
  return (value) => steps.reduce((current, step) => step(current), value);
}
