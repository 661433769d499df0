/**
 * JSONPath over untrusted API responses: jsonpath-plus with script evaluation disabled, so a response can
 * never run code, and a spec's `?(…)` filter is refused when the path is first compiled rather than
 * mid-sync. `selectRecords` tells "this page has no records" from "the records path does not fit the
 * response" — the second is an error that names the request, the path and what was there.
 */
import { JSONPath } from 'jsonpath-plus';
import { describePathError, parseJsonPath, type Segment } from './jsonpath-syntax.js';

export class ExtractError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ExtractError';
  }
}

export type CompiledPath = (json: unknown) => unknown[];

interface Compiled {
  all: CompiledPath;
  /** The first match, or undefined, without building the list of matches. */
  first: (json: unknown) => unknown;
}

const compiled = new Map<string, Compiled>();

/** Parses and checks a path once; later calls reuse it. */
export function compileJsonPath(path: string): CompiledPath {
  return compile(path).all;
}

/** The first match of `path`, or undefined: for paths that name one value (`$.id`, a cursor field). */
export function compileFirst(path: string): (json: unknown) => unknown {
  return compile(path).first;
}

function compile(path: string): Compiled {
  let entry = compiled.get(path);
  if (entry) return entry;
  if (!path.startsWith('$')) throw new ExtractError(`JSONPath ${path} must start with '$'`, path);
  const parsed = parseJsonPath(path);
  if (!parsed.ok) throw new ExtractError(`JSONPath ${path}${describePathError(parsed)}`, path);
  const chain = memberChain(parsed.segments);
  entry = chain ? readChain(chain) : evaluateWithLibrary(path);
  compiled.set(path, entry);
  return entry;
}

function evaluateWithLibrary(path: string): Compiled {
  const library = toLibraryPath(path);
  const all: CompiledPath = (json) => {
    // jsonpath-plus treats a falsy document as no document; only '$' itself can match one.
    if (!json) return path === '$' && json !== undefined ? [json] : [];
    const found = JSONPath({ path: library, json: json as object, eval: false, wrap: true, resultType: 'value' }) as
      | unknown[]
      | undefined;
    return found ?? [];
  };
  return { all, first: (json) => all(json)[0] };
}

/**
 * The names of a plain member chain (`$`, `$.a.b`, `$['a'].b`, `$.list[0]`), or undefined for any
 * other path. Most paths of a spec are such chains, read per record: they skip jsonpath-plus.
 */
function memberChain(segments: readonly Segment[]): string[] | undefined {
  const names: string[] = [];
  for (const { descendant, selector } of segments) {
    if (descendant) return undefined;
    if (selector.kind === 'name') names.push(selector.name);
    else if (selector.kind === 'index' && selector.index >= 0) names.push(String(selector.index));
    else return undefined;
  }
  return names;
}

/**
 * A member chain read directly, matching jsonpath-plus step for step: a step matches an own
 * property of a truthy value (so `$.a.b` finds nothing under `a: 0`, and `$.name.length` reads a
 * string's length); a falsy document matches only `$` itself.
 */
function readChain(names: readonly string[]): Compiled {
  const first = (json: unknown): unknown => {
    if (!json) return names.length === 0 ? json : undefined;
    let value: unknown = json;
    for (const name of names) {
      if (!value || !Object.hasOwn(value as object, name)) return undefined;
      value = (value as Record<string, unknown>)[name];
    }
    return value;
  };
  const all: CompiledPath = (json) => {
    if (json === undefined) return [];
    if (!json) return names.length === 0 ? [json] : [];
    let value: unknown = json;
    for (const name of names) {
      if (!value || !Object.hasOwn(value as object, name)) return [];
      value = (value as Record<string, unknown>)[name];
    }
    return [value];
  };
  return { all, first };
}

/**
 * jsonpath-plus reads a bracketed name that starts with `@`, `~`, `^`, `*`, `(` or `?` as an operator
 * (`$['@odata.nextLink']` fails as an unknown type selector); in standard JSONPath a quoted name is just a
 * name. A backtick makes jsonpath-plus take it literally.
 */
function toLibraryPath(path: string): string {
  return path.replace(/\[\s*(['"])([@~^*(?`])(.*?)\1\s*\]/g, (_match, quote: string, first: string, rest: string) =>
    `[${quote}\`${first}${rest}${quote}]`,
  );
}

export function selectAll(path: string, json: unknown): unknown[] {
  return compileJsonPath(path)(json);
}

/** The first match, or undefined. */
export function selectFirst(path: string, json: unknown): unknown {
  return compile(path).first(json);
}

/**
 * The records of a response. A path ending in `[*]` (or `.*`) needs its container to be an array: an
 * empty array is a page without records, anything else is an error. A path without a wildcard selects one
 * value: an array is the list of records, an object is a single record (`$` for a `GET /me` endpoint).
 */
/** `request` names the request in messages; a function is called only when there is one to write. */
export function selectRecords(path: string, body: unknown, request: string | (() => string)): unknown[] {
  const named = () => (typeof request === 'string' ? request : request());
  const wildcard = /(\[\*\]|\.\*)$/.exec(path);
  if (!wildcard) {
    const found = selectAll(path, body);
    if (found.length === 0) {
      throw new ExtractError(`${named()}: records path ${path} found nothing (the response is ${describeValue(body)})`, path);
    }
    return found.length === 1 && Array.isArray(found[0]) ? found[0] : found;
  }
  const containerPath = path.slice(0, -wildcard[0].length) || '$';
  const containers = selectAll(containerPath, body);
  const arrays = containers.filter(Array.isArray);
  // Recursive descent ($..items[*]) may also meet non-array `items`; a plain path must hit an array.
  const fits = containers.length > 0 && (path.includes('..') ? arrays.length > 0 : arrays.length === containers.length);
  if (!fits) {
    const got =
      containers.length === 0
        ? `it is missing; the response is ${describeValue(body)}`
        : `got ${describeValue(containers.find((value) => !Array.isArray(value)))}`;
    throw new ExtractError(`${named()}: records path ${path} found no array at ${containerPath} (${got})`, path);
  }
  return arrays.flat(1);
}

/** `object with keys error, message`, `array of 3 items`, `string`, `null`, `nothing` */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'empty object';
    const shown = keys.slice(0, 10).join(', ');
    return `object with keys ${shown}${keys.length > 10 ? ', …' : ''}`;
  }
  return typeof value;
}
