/**
 * Every template of a spec, checked against what exists where it is rendered: api settings see
 * vars, secrets and now; requests also see the page size, the partition, `until` and the cursor
 * (each only when the sync has one: request-templates.ts); map values see the record.
 * See engine/template/scope.ts.
 */
import type { ValueSource } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import type { RootRule, TemplateScope } from '../../template/scope.js';
import { checkedSyncs, type CheckedSync, type SpecContext } from './context.js';
import { checkRequestTemplates } from './request-templates.js';
import { check, declaredRoots, othersUnavailable } from './template-roots.js';

export function checkTemplates(ctx: SpecContext): void {
  checkApiTemplates(ctx);
  for (const checked of checkedSyncs(ctx)) {
    checkRequestTemplates(ctx, checked);
    checkValueTemplates(ctx, checked);
    checkPartitionValues(ctx, checked);
  }
}

function checkApiTemplates(ctx: SpecContext): void {
  if (!ctx.isClean(['api']) || !ctx.raw.api) return;
  const roots = { ...declaredRoots(ctx, true), now: { fields: [], bare: true } };
  const scope: TemplateScope = {
    roots,
    unavailable: othersUnavailable(roots, (root) => `'${root}' is not available in api settings; only vars, secrets and now are`),
  };
  const { api } = ctx.raw;
  check(ctx, ['api', 'baseUrl'], api.baseUrl, scope);
  for (const [name, text] of Object.entries(api.headers ?? {})) check(ctx, ['api', 'headers', name], text, scope);
  const auth = api.auth;
  if (auth?.type === 'oauth2') {
    check(ctx, ['api', 'auth', 'tokenUrl'], auth.tokenUrl, scope);
    if (typeof auth.clientId === 'string') check(ctx, ['api', 'auth', 'clientId'], auth.clientId, scope);
  }
  if (auth?.type === 'basic' && typeof auth.username === 'string') check(ctx, ['api', 'auth', 'username'], auth.username, scope);
}

/** map values, primaryKey, icon and content: strings not starting with '$' are templates. */
function checkValueTemplates(ctx: SpecContext, { path, sync }: CheckedSync): void {
  const roots: Record<string, RootRule> = { record: { fields: 'any', bare: true }, ...declaredRoots(ctx, false) };
  if (sync.partitions) roots.partition = { fields: 'any', bare: true };
  const scopeFor = (where: string): TemplateScope => ({
    roots,
    unavailable: othersUnavailable(roots, (root) => `'${root}' is only available in requests; ${where} may use ${Object.keys(roots).join(', ')}`, {
      secrets: { code: 'secret-not-allowed', message: `secrets are not allowed in ${where}: they would be stored in the database` },
    }),
  });
  for (const [name, source] of Object.entries(sync.map)) visitValueSource(ctx, source, [...path, 'map', name], scopeFor('map values'));
  if (sync.primaryKey !== undefined) visitValueSource(ctx, sync.primaryKey, [...path, 'primaryKey'], scopeFor('primaryKey'));
  if (sync.icon !== undefined) visitValueSource(ctx, sync.icon, [...path, 'icon'], scopeFor('icon'));
  if (sync.content !== undefined) visitValueSource(ctx, sync.content, [...path, 'content'], scopeFor('content'));
}

function visitValueSource(ctx: SpecContext, source: ValueSource | undefined, at: DocPath, scope: TemplateScope): void {
  if (typeof source === 'string') {
    if (!source.startsWith('$')) check(ctx, at, source, scope);
    return;
  }
  if (!source || typeof source !== 'object') return;
  if (source.template !== undefined) check(ctx, [...at, 'template'], source.template, scope);
  for (const key of ['start', 'end', 'url', 'name', 'latitude', 'longitude', 'address'] as const) {
    if (source[key] !== undefined) visitValueSource(ctx, source[key], [...at, key], scope);
  }
}

/** `values: "{{vars.repos}}"` must read a var that holds a list. */
function checkPartitionValues(ctx: SpecContext, { path, sync }: CheckedSync): void {
  const values = sync.partitions?.values;
  if (typeof values !== 'string') return;
  const at = [...path, 'partitions', 'values'];
  const roots = declaredRoots(ctx, false);
  const scope: TemplateScope = {
    roots,
    unavailable: othersUnavailable(roots, () => 'partitions.values may only read vars (a var that holds a list)'),
  };
  for (const use of check(ctx, at, values, scope)) {
    const [root, name] = use.path;
    if (root !== 'vars' || name === undefined || !Object.hasOwn(ctx.raw.vars ?? {}, name)) continue;
    const declaration = ctx.raw.vars![name];
    const isList = declaration.type === 'array' || Array.isArray(declaration.default) || Array.isArray(ctx.varValues?.[name]);
    if (!isList) {
      ctx.report.error(at, 'not-a-list', `vars.${name} must hold a list to give partitions; declare it with type: array`);
    }
  }
}
