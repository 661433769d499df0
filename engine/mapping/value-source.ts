import type { ValueSource, ValueSourceObject } from '../spec/model.generated.js';
import { compileFirst, compileJsonPath } from '../extract/jsonpath.js';
import { compileValueTemplate } from '../template/render.js';
import { compileConvertChain } from './convert.js';
import { mappingSpecError } from './mapping-error.js';
import { structuredForms } from './properties/registry.js';
import type { StructuredForm } from './properties/type.js';

/** What a value source can read: the record being mapped, the config's vars, the partition. */
export interface SourceScope {
  record: unknown;
  vars: Record<string, unknown>;
  partition?: unknown;
}

/**
 * The object-building forms of a value source (`{ start, end }` a date range, `{ url, name }` a file,
 * `{ latitude, longitude, name, address }` a place) are owned by the property types they build.
 */
export type { StructuredForm } from './properties/type.js';

export interface CompiledValueSource {
  /** What the source reads, for messages: a JSONPath, a template, or "a constant". */
  readonly description: string;
  /** Set for the object-building forms; the record mapper checks it against the property type. */
  readonly structured: StructuredForm | null;
  evaluate(scope: SourceScope): unknown;
}

const VALUE_KEYS = ['path', 'template', 'value'] as const;
const STRUCTURED_KEYS = [...new Set(structuredForms.flatMap((form) => form.keys))];

/**
 * A path that can match several nodes — wildcard, recursive descent, filter, union or slice —
 * yields all its matches as an array; any other path yields its first match. Quoted member
 * names are blanked first so `$['*']` or `$['a..b']` count as plain names.
 */
export function isMultiMatchPath(path: string): boolean {
  const unquoted = path.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return /\*|\.\.|\?\(|\[[^\]]*[:,][^\]]*\]/.test(unquoted);
}

function fromPath(path: string, where: string): CompiledValueSource {
  let evaluate: CompiledValueSource['evaluate'];
  try {
    if (isMultiMatchPath(path)) {
      const select = compileJsonPath(path);
      evaluate = ({ record }) => {
        const matches = select(record);
        // Nothing matched is "missing", so `default` applies as it does to a missing single path.
        return matches.length === 0 ? undefined : matches;
      };
    } else {
      const first = compileFirst(path);
      evaluate = ({ record }) => first(record);
    }
  } catch (error) {
    throw mappingSpecError(`${where}: ${(error as Error).message}`);
  }
  return { description: path, structured: null, evaluate };
}

function fromTemplate(template: string, where: string): CompiledValueSource {
  let render: ReturnType<typeof compileValueTemplate>;
  try {
    render = compileValueTemplate(template);
  } catch (error) {
    throw mappingSpecError(`${where}: ${(error as Error).message}`);
  }
  return {
    description: template,
    structured: null,
    evaluate: ({ record, vars, partition }) => render({ record, vars, partition }),
  };
}

function constant(value: unknown): CompiledValueSource {
  return { description: 'a constant', structured: null, evaluate: () => value };
}

function fromString(source: string, where: string): CompiledValueSource {
  if (!source.startsWith('$')) return fromTemplate(source, where);
  // "${{record.amount}}" reads as a JSONPath by the '$' rule; say so instead of failing per record.
  if (source.includes('{{')) {
    throw mappingSpecError(
      `${where}: '${source}' starts with '$', so it is read as a JSONPath; write { template: '${source}' } for a template`,
    );
  }
  return fromPath(source, where);
}

function structuredFormOf(keys: string[], where: string): StructuredForm {
  const fits = structuredForms.filter((form) => keys.every((key) => form.keys.includes(key)));
  // `name` alone fits both file and place; the other key decides.
  const form = fits.length === 1 ? fits[0] : undefined;
  if (!form) {
    const forms = structuredForms.map((f) => `${f.name} (${f.keys.join(', ')})`);
    throw mappingSpecError(
      `${where}: { ${keys.join(', ')} } fits no single form; a structured source uses the fields of ${forms.join(', ')}`,
    );
  }
  const missing = form.required.filter((key) => !keys.includes(key));
  if (missing.length > 0) throw mappingSpecError(`${where}: a ${form.name} source needs ${missing.join(' and ')}`);
  return form;
}

function fromStructured(source: ValueSourceObject, keys: string[], where: string): CompiledValueSource {
  const form = structuredFormOf(keys, where);
  const fields = keys.map((key) => {
    const compiled = compileValueSource(source[key as keyof ValueSourceObject] as ValueSource, `${where}.${key}`);
    return [key, compiled] as const;
  });
  const description = `{ ${fields.map(([key, compiled]) => `${key}: ${compiled.description}`).join(', ')} }`;
  return {
    description,
    structured: form,
    evaluate(scope) {
      // Every field of the form is present (null when not given), so property types see one shape.
      const value: Record<string, unknown> = Object.fromEntries(form.keys.map((key) => [key, null]));
      for (const [key, compiled] of fields) value[key] = compiled.evaluate(scope) ?? null;
      return value;
    },
  };
}

function fromObject(source: ValueSourceObject, where: string): CompiledValueSource {
  const given = (keys: readonly string[]) => keys.filter((key) => key in source);
  const valueKeys = given(VALUE_KEYS);
  const structuredKeys = given(STRUCTURED_KEYS);
  const modifiers = given(['convert', 'default']);

  if (structuredKeys.length > 0) {
    const extra = [...valueKeys, ...modifiers];
    if (extra.length > 0) {
      throw mappingSpecError(`${where}: ${extra.join(', ')} cannot be combined with ${structuredKeys.join(', ')}; put them on each field`);
    }
    return fromStructured(source, structuredKeys, where);
  }
  if (valueKeys.length !== 1) {
    const got = valueKeys.length === 0 ? 'none' : valueKeys.join(', ');
    throw mappingSpecError(`${where}: give exactly one of path, template or value (got ${got})`);
  }

  const base =
    source.path !== undefined
      ? fromPath(source.path, where)
      : source.template !== undefined
        ? fromTemplate(source.template, where)
        : constant((source as { value?: unknown }).value);
  const convert = compileConvertChain(source.convert);
  const hasDefault = 'default' in source;
  const fallback = (source as { default?: unknown }).default;
  return {
    description: base.description,
    structured: null,
    evaluate(scope) {
      const raw = base.evaluate(scope);
      // The default is a value of the source, so it is converted like one.
      return convert(hasDefault && (raw === null || raw === undefined) ? fallback : raw);
    },
  };
}

/**
 * Compiles a value source once, at load: '$…' is a JSONPath into the record, any other string a
 * template over { record, vars, partition }, a number/boolean/null a constant, an object one of
 * the forms above. `where` names the source in errors ("map.Email"). Compile errors throw; the
 * compiled `evaluate` throws only for a record it cannot read (a template or JSONPath failure,
 * a failed conversion) and the record mapper turns that into a failed record.
 */
export function compileValueSource(source: ValueSource, where: string): CompiledValueSource {
  if (typeof source === 'string') return fromString(source, where);
  if (source === null || typeof source !== 'object') return constant(source);
  return fromObject(source, where);
}
