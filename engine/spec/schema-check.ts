/**
 * Checks a parsed file against its JSON Schema (the single source of truth of the spec language)
 * and turns ajv's raw errors into plain-English diagnostics.
 *
 * Unions (`anyOf`, and `oneOf` without a discriminator) are where ajv is least helpful: it reports
 * every branch's failures plus "must match a schema in anyOf". Here the branch a value was meant
 * for is chosen from its JSON type (and, for maps, from which branch's required keys it has), and
 * the value is validated again against that branch alone, so only relevant errors are shown.
 */
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import connectorSchema from '../../schemas/connector.schema.json' with { type: 'json' };
import configSchema from '../../schemas/config.schema.json' with { type: 'json' };
import type { Diagnostic, DocPath, Locator } from './diagnostics.js';
import { Reporter } from './diagnostics.js';
import { describeKeyword, describeTypes, describeValue, jsonTypeOf, type Issue } from './schema-messages.js';
import { didYouMean } from '../core/suggest.js';
import { formats } from './jsonpath-format.js';
import * as precompiled from './validators.generated.js';

export type SchemaName = 'connector' | 'config';

type Schema = Record<string, unknown>;

const schemas: Record<SchemaName, Schema> = {
  connector: connectorSchema as Schema,
  config: configSchema as Schema,
};

/** Nouns for discriminated unions, by the $defs entry that holds the discriminator. */
const TYPE_NOUNS: Record<string, string> = {
  auth: 'auth type',
  paginator: 'paginator type',
  propertyObject: 'property type',
  database: 'database type',
};

class SchemaIndex {
  readonly ajv: Ajv2020;
  /** JSON pointer ('#/$defs/x/...') of every object inside each schema, to re-validate one branch. */
  private readonly pointers = new WeakMap<object, { schema: SchemaName; pointer: string }>();

  constructor() {
    // Loaded only for a document with problems: a valid one never needs ajv (validators.generated.js).
    const require = createRequire(import.meta.url);
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormatsModule = require('ajv-formats') as { default?: unknown };
    this.ajv = new Ajv({
      allErrors: true,
      discriminator: true,
      verbose: true,
      strict: true,
      // The schemas use `required: [type]` beside a discriminated oneOf and union `type` arrays.
      strictRequired: true,
      allowUnionTypes: true,
    });
    const addFormats = (addFormatsModule.default ?? addFormatsModule) as (ajv: Ajv2020) => void;
    addFormats(this.ajv);
    // The spec's JSONPaths, checked by the parser the runtime compiles them with (jsonpath-syntax.ts).
    this.ajv.addFormat('jsonpath', formats.jsonpath);
    for (const [name, schema] of Object.entries(schemas) as [SchemaName, Schema][]) {
      this.ajv.addSchema(schema);
      this.index(name, schema, '#');
    }
  }

  validator(name: SchemaName, pointer = ''): ValidateFunction {
    const id = `${schemas[name].$id as string}${pointer}`;
    const validate = this.ajv.getSchema(id);
    if (!validate) throw new Error(`schema ${id} not found`);
    return validate;
  }

  pointerOf(schema: unknown): { schema: SchemaName; pointer: string } | undefined {
    return schema && typeof schema === 'object' ? this.pointers.get(schema) : undefined;
  }

  /** A local `$ref` followed to its target (one hop at a time until none is left). */
  deref(name: SchemaName, schema: unknown): Schema {
    let current = schema as Schema;
    for (let hops = 0; typeof current?.$ref === 'string' && hops < 20; hops++) {
      const path = (current.$ref as string).replace(/^#\//, '').split('/');
      current = path.reduce<unknown>((node, key) => (node as Schema)[key], schemas[name]) as Schema;
    }
    return current;
  }

  private index(name: SchemaName, node: unknown, pointer: string): void {
    if (!node || typeof node !== 'object') return;
    this.pointers.set(node, { schema: name, pointer });
    for (const [key, child] of Object.entries(node)) this.index(name, child, `${pointer}/${key}`);
  }
}

let shared: SchemaIndex | undefined;
const schemaIndex = (): SchemaIndex => (shared ??= new SchemaIndex());

/**
 * Validates `source.value` against the named schema; returns diagnostics (empty when valid). A
 * valid document is told by the validators compiled at build time; only one with problems compiles
 * the schemas here, for errors that point into them.
 */
export function checkSchema(name: SchemaName, source: Locator & { value: unknown }): Diagnostic[] {
  if (precompiled[name](source.value)) return [];
  const index = schemaIndex();
  const validate = index.validator(name);
  const issues: Issue[] = [];
  if (!validate(source.value)) new Translator(index, name).translate(validate.errors ?? [], source.value, [], issues);
  const reporter = new Reporter(source);
  const seen = new Set<string>();
  for (const issue of issues) {
    const key = JSON.stringify([issue.path, issue.code, issue.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    reporter.error(issue.path, issue.code, issue.message, { at: issue.at, shownPath: issue.shownPath });
  }
  return reporter.diagnostics;
}

class Translator {
  constructor(
    private readonly index: SchemaIndex,
    private readonly name: SchemaName,
  ) {}

  translate(errors: readonly ErrorObject[], root: unknown, base: DocPath, out: Issue[]): void {
    // Outermost first: shorter paths, and at one path the later error (ajv reports a nested union
    // such as convertChain → convertStep before the union that contains it).
    const unions = errors
      .map((error, order) => ({ error, order }))
      .filter(({ error: e }) => e.keyword === 'anyOf' || (e.keyword === 'oneOf' && !(e.parentSchema as Schema)?.discriminator))
      .sort((a, b) => a.error.instancePath.length - b.error.instancePath.length || b.order - a.order)
      .map(({ error }) => error);
    const handled: string[] = [];
    const inside = (e: ErrorObject, at: string) => e.instancePath === at || e.instancePath.startsWith(`${at}/`);
    for (const union of unions) {
      if (handled.some((at) => inside(union, at))) continue;
      handled.push(union.instancePath);
      this.union(union, root, base, out);
    }
    for (const error of errors) {
      if (handled.some((at) => inside(error, at))) continue;
      const issue = this.single(error, errors, root, base);
      if (issue) out.push(issue);
    }
  }

  /** Chooses the branch the value was meant for and reports only that branch's errors. */
  private union(error: ErrorObject, root: unknown, base: DocPath, out: Issue[]): void {
    const path = [...base, ...toDocPath(error.instancePath, root)];
    const value = valueAt(root, toDocPath(error.instancePath, root));
    const parent = error.parentSchema as Schema;
    const keyword = error.keyword as 'anyOf' | 'oneOf';
    const branches = (parent[keyword] as unknown[]).map((branch) => this.index.deref(this.name, branch));
    const special = this.bareTypeName(parent, value, path);
    if (special) return void out.push(special);
    const valueType = jsonTypeOf(value);
    const candidates = branches
      .map((branch, i) => ({ branch, i }))
      .filter(({ branch }) => this.accepts(branch, valueType));
    if (candidates.length === 0) {
      const expected = describeTypes([...new Set(branches.flatMap((b) => this.typesOf(b)))]);
      out.push({ path, code: 'wrong-type', message: `expected ${expected}, got ${describeValue(value)}` });
      return;
    }
    let chosen = candidates[0];
    if (candidates.length > 1 && valueType === 'object') {
      const keys = Object.keys(value as object);
      const complete = candidates.filter(({ branch }) => {
        const required = this.requiredOf(branch);
        return required.length > 0 && required.every((key) => keys.includes(key));
      });
      if (complete.length === 0) return void out.push(...this.noBranchFits(candidates.map((c) => c.branch), keys, path));
      chosen = complete[0];
    }
    const location = this.index.pointerOf(parent);
    if (!location) throw new Error(`union schema at ${error.schemaPath} is not indexed`);
    const validate = this.index.validator(location.schema, `${location.pointer}/${keyword}/${chosen.i}`);
    if (!validate(value)) this.translate(validate.errors ?? [], value, path, out);
  }

  /** `Status: select` — a type that needs settings, written as a bare name. */
  private bareTypeName(parent: Schema, value: unknown, path: DocPath): Issue | undefined {
    if (this.index.pointerOf(parent)?.pointer !== '#/$defs/property' || typeof value !== 'string') return undefined;
    const [bare, object] = (parent.anyOf as unknown[]).map((b) => this.index.deref(this.name, b));
    if ((bare.enum as string[]).includes(value)) return undefined;
    const tags = this.discriminatorTags(object);
    const branch = tags.get(value);
    if (branch) {
      const needs = this.requiredOf(branch).filter((key) => key !== 'type');
      return {
        path,
        code: 'incomplete-property',
        message: `property type '${value}' needs ${needs.map((k) => `'${k}'`).join(' and ')}; write it as a map: { type: ${value}, ${needs[0]}: … }`,
      };
    }
    const all = [...tags.keys()];
    return {
      path,
      code: 'unknown-type',
      message: `unknown property type '${value}'; ${didYouMean(value, all)}expected one of ${all.join(', ')}`,
    };
  }

  /** A map that has none of the required keys of any branch: unknown keys, else what is missing. */
  private noBranchFits(branches: Schema[], keys: string[], path: DocPath): Issue[] {
    const allowed = [...new Set(branches.flatMap((b) => this.propertiesOf(b)))];
    const unknown = keys.filter((key) => !allowed.includes(key));
    if (unknown.length > 0) {
      return unknown.map((key) => describeKeyword.unknownKey(key, allowed, [...path, key], path));
    }
    const options = [...new Set(branches.map((b) => this.requiredOf(b)[0]).filter(Boolean))];
    return [{ path, code: 'missing-key', message: `missing required key ${options.map((k) => `'${k}'`).join(' or ')}` }];
  }

  private single(error: ErrorObject, all: readonly ErrorObject[], root: unknown, base: DocPath): Issue | undefined {
    const relative = toDocPath(error.instancePath, root);
    const path = [...base, ...relative];
    const value = valueAt(root, relative);
    const parent = error.parentSchema as Schema;
    if (error.keyword === 'discriminator') {
      const tag = (error.params as { tag: string }).tag;
      const missing = all.some(
        (e) => e.keyword === 'required' && e.instancePath === error.instancePath && (e.params as { missingProperty: string }).missingProperty === tag,
      );
      if (missing) return undefined;
      const tagValue = (value as Record<string, unknown>)?.[tag];
      const tags = [...this.discriminatorTags(parent).keys()];
      const defName = this.index.pointerOf(parent)?.pointer.split('/').pop() ?? '';
      const noun = TYPE_NOUNS[defName] ?? `'${tag}'`;
      const shown = typeof tagValue === 'string' ? `'${tagValue}'` : describeValue(tagValue);
      const hint = typeof tagValue === 'string' ? didYouMean(tagValue, tags) : '';
      return {
        path: [...path, tag],
        code: 'unknown-type',
        message: `unknown ${noun} ${shown}; ${hint}expected one of ${tags.join(', ')}`,
      };
    }
    if (error.keyword === 'propertyNames') return undefined;
    return describeKeyword.issue(error, value, path);
  }

  private discriminatorTags(schema: Schema): Map<string, Schema> {
    const tag = (schema.discriminator as { propertyName: string } | undefined)?.propertyName ?? 'type';
    const tags = new Map<string, Schema>();
    for (const ref of (schema.oneOf as unknown[]) ?? []) {
      const branch = this.index.deref(this.name, ref);
      const property = (branch.properties as Record<string, Schema> | undefined)?.[tag];
      if (property && 'const' in property) tags.set(String(property.const), branch);
    }
    return tags;
  }

  private requiredOf(schema: Schema): string[] {
    return (schema.required as string[] | undefined) ?? [];
  }

  private propertiesOf(schema: Schema): string[] {
    const own = Object.keys((schema.properties as object | undefined) ?? {});
    const tag = (schema.discriminator as { propertyName: string } | undefined)?.propertyName;
    return tag ? [tag, ...own] : own;
  }

  private typesOf(schema: Schema): string[] {
    if (typeof schema.type === 'string') return [schema.type];
    if (Array.isArray(schema.type)) return schema.type as string[];
    const values = 'const' in schema ? [schema.const] : (schema.enum as unknown[] | undefined);
    if (values) return [...new Set(values.map(jsonTypeOf))];
    const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
    if (union) return union.flatMap((b) => this.typesOf(this.index.deref(this.name, b)));
    if (schema.properties || schema.required || schema.discriminator) return ['object'];
    return ['any'];
  }

  private accepts(schema: Schema, valueType: string): boolean {
    const types = this.typesOf(schema);
    return types.includes('any') || types.includes(valueType) || (valueType === 'integer' && types.includes('number'));
  }
}

/** ajv's JSON pointer → document path; segments that index a list become numbers. */
function toDocPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(node) ? Number(segment) : segment;
    path.push(key);
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

function valueAt(root: unknown, path: DocPath): unknown {
  let node = root;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}
