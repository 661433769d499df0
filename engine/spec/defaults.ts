/**
 * The schema's `default`s, applied once to a document that passed the schema check: what loading
 * hands the compiler is the model (model.generated.ts), in which every defaulted key is present.
 * The defaults are read from the schema itself, so they are written in one place only — the
 * schema — and the README reference, the editor hints and the runtime cannot disagree.
 *
 * Where the schema branches (oneOf/anyOf), the branch is the one the value belongs to: by the
 * discriminator's const, else by JSON type, required keys and consts. The value is valid, so
 * at most one branch of a discriminated union fits, and the first that fits is taken otherwise.
 */
import connectorSchema from '../../schemas/connector.schema.json' with { type: 'json' };
import configSchema from '../../schemas/config.schema.json' with { type: 'json' };

type Schema = Record<string, unknown>;

const schemas = { connector: connectorSchema as Schema, config: configSchema as Schema };

export type SchemaName = keyof typeof schemas;

/**
 * A deep copy of `value` with the defaults of `schemas/<name>.schema.json` filled in; `def` names
 * one of its `$defs` (a paginator, a cursor…) to default a part on its own.
 */
export function withDefaults<T>(name: SchemaName, value: unknown, def?: string): T {
  const root = schemas[name];
  const copy = structuredClone(value);
  fill(root, def === undefined ? root : definition(root, def), copy);
  return copy as T;
}

function definition(root: Schema, name: string): Schema {
  const found = (root.$defs as Record<string, Schema> | undefined)?.[name];
  if (!found) throw new Error(`schemas: no definition '${name}'`);
  return found;
}

function deref(root: Schema, schema: Schema): Schema {
  let at = schema;
  for (let hops = 0; typeof at.$ref === 'string' && hops < 32; hops++) {
    at = definition(root, (at.$ref as string).replace('#/$defs/', ''));
  }
  return at;
}

function fill(root: Schema, given: Schema, value: unknown): void {
  const schema = deref(root, given);
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) fill(root, part, value);
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) {
    const branch = branches.map((b) => deref(root, b)).find((b) => fits(root, b, value, schema));
    if (branch) fill(root, branch, value);
  }
  if (Array.isArray(value)) {
    if (schema.items && typeof schema.items === 'object') for (const item of value) fill(root, schema.items as Schema, item);
    return;
  }
  if (!isObject(value)) return;
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  for (const [key, property] of Object.entries(properties)) {
    if (!Object.hasOwn(value, key)) {
      const fallback = property.default ?? deref(root, property).default;
      if (fallback === undefined) continue;
      value[key] = structuredClone(fallback);
    }
    fill(root, property, value[key]);
  }
  const rest = schema.additionalProperties;
  const patterns = Object.entries((schema.patternProperties as Record<string, Schema> | undefined) ?? {}).map(([p, s]) => [new RegExp(p, 'u'), s] as const);
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) continue;
    const pattern = patterns.find(([test]) => test.test(key));
    if (pattern) fill(root, pattern[1], item);
    else if (rest && typeof rest === 'object') fill(root, rest as Schema, item);
  }
}

/** Whether `value` belongs to `branch` of `union`, as far as defaults need to know. */
function fits(root: Schema, branch: Schema, value: unknown, union: Schema): boolean {
  const tag = (union.discriminator as { propertyName?: string } | undefined)?.propertyName;
  if (tag !== undefined) {
    const tagged = (branch.properties as Record<string, Schema> | undefined)?.[tag];
    return isObject(value) && tagged !== undefined && matchesConst(deref(root, tagged), value[tag]);
  }
  if (!typeFits(branch, value)) return false;
  if (branch.const !== undefined && branch.const !== value) return false;
  if (Array.isArray(branch.enum) && !branch.enum.includes(value)) return false;
  if (!isObject(value)) return true;
  const required = (branch.required as string[] | undefined) ?? [];
  if (!required.every((key) => Object.hasOwn(value, key))) return false;
  const properties = (branch.properties as Record<string, Schema> | undefined) ?? {};
  if (branch.additionalProperties === false && !Object.keys(value).every((key) => Object.hasOwn(properties, key))) return false;
  return Object.entries(properties).every(([key, property]) => !Object.hasOwn(value, key) || matchesConst(deref(root, property), value[key]));
}

function matchesConst(schema: Schema, value: unknown): boolean {
  if (schema.const !== undefined) return schema.const === value;
  if (Array.isArray(schema.enum)) return schema.enum.includes(value);
  return true;
}

function typeFits(schema: Schema, value: unknown): boolean {
  const declared = schema.type;
  if (declared === undefined) return true;
  const types = Array.isArray(declared) ? (declared as string[]) : [declared as string];
  const actual = jsonType(value);
  return types.some((type) => type === actual || (type === 'number' && actual === 'integer'));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The default the connector schema gives `key` of definition `def`, for code that reads a document as written. */
export function connectorDefault<T>(def: string, key: string): T {
  const property = (definition(schemas.connector, def).properties as Record<string, Schema> | undefined)?.[key];
  if (!property || property.default === undefined) throw new Error(`schemas: ${def}.${key} has no default`);
  return property.default as T;
}
