/**
 * Every template of a spec, checked against what exists where it is rendered: api settings see
 * vars, secrets and now; requests also see the page size, the partition, `until` and the cursor
 * (each only when the sync has one); map values see the record. See engine/template/scope.ts.
 */
import type { Cursor, Paginator, ValueSource } from '../types.generated.js';
import type { DocPath } from '../diagnostics.js';
import { formatPath } from '../diagnostics.js';
import { checkTemplate, type RootRule, type TemplateScope } from '../../template/scope.js';
import type { VariableUse } from '../../template/analyze.js';
import type { TemplateSite } from '../resolve.js';
import { checkedSyncs, paginatorOf, type CheckedSync, type SpecContext } from './context.js';

const LANGUAGE_ROOTS = ['vars', 'secrets', 'now', 'until', 'page', 'cursor', 'partition', 'record'] as const;

type Unavailable = TemplateScope['unavailable'];

export function checkTemplates(ctx: SpecContext): void {
  checkApiTemplates(ctx);
  for (const checked of checkedSyncs(ctx)) {
    checkRequestTemplates(ctx, checked);
    checkValueTemplates(ctx, checked);
    checkPartitionValues(ctx, checked);
  }
}

/** Reports a template's problems at its scalar; returns what it reads. */
function check(ctx: SpecContext, path: DocPath, text: string, scope: TemplateScope): VariableUse[] {
  const { problems, variables } = checkTemplate(text, scope);
  for (const problem of problems) ctx.report.error(path, problem.code, problem.message);
  return variables;
}

function declaredRoots(ctx: SpecContext, withSecrets: boolean): Record<string, RootRule> {
  const roots: Record<string, RootRule> = {
    vars: { fields: Object.keys(ctx.raw.vars ?? {}), bare: false, label: 'declared vars' },
  };
  if (withSecrets) {
    roots.secrets = { fields: Object.keys(ctx.raw.secrets ?? {}), bare: false, label: 'declared secrets', code: 'undefined-secret' };
  }
  return roots;
}

/** `unavailable` entries for every language root not in `roots`, all with one explanation. */
function othersUnavailable(roots: Record<string, RootRule>, because: (root: string) => string, given: Unavailable = {}): Unavailable {
  const out: Unavailable = { ...given };
  for (const root of LANGUAGE_ROOTS) {
    if (!Object.hasOwn(roots, root) && !Object.hasOwn(out, root)) out[root] = { code: 'undefined-variable', message: because(root) };
  }
  return out;
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

interface RequestFacts {
  /** "replace sync 'x'", "the delete stream of sync 'x'". */
  label: string;
  syncName: string;
  /** Whether the request has a persisted cursor (an incremental sync, or a delete stream with a cursor). */
  incremental: boolean;
  /** `until` (now minus the buffer) exists in incremental syncs, delete streams included. */
  until: boolean;
  /** How to get a cursor where there is none. */
  cursorHint: string;
  cursor: Cursor | undefined;
  paginator: Paginator | undefined;
  partitioned: boolean;
}

function checkRequestTemplates(ctx: SpecContext, checked: CheckedSync): void {
  const { name, sync, mode } = checked;
  const main: RequestFacts = {
    label: `${mode} sync '${name}'`,
    syncName: name,
    incremental: mode === 'incremental',
    until: mode === 'incremental',
    cursorHint: 'only incremental syncs and keyset pagination have one',
    cursor: sync.cursor,
    paginator: checked.paginator,
    partitioned: sync.partitions !== undefined,
  };
  checkRequest(ctx, checked.request.sites, main, [...checked.path, 'paginate']);
  const stream = sync.deletes?.stream;
  const streamAt = [...checked.path, 'deletes', 'stream'];
  const streamRequest = ctx.resolved.requests.get(formatPath([...streamAt, 'request']));
  if (stream && streamRequest) {
    const facts: RequestFacts = {
      label: `the delete stream of sync '${name}'`,
      syncName: name,
      incremental: stream.cursor !== undefined,
      until: main.until,
      cursorHint: 'give the stream its own cursor, or page it by keyset',
      cursor: stream.cursor,
      paginator: paginatorOf(stream.paginate),
      partitioned: main.partitioned,
    };
    checkRequest(ctx, streamRequest.sites, facts, [...streamAt, 'paginate']);
  }
}

function checkRequest(ctx: SpecContext, sites: TemplateSite[], facts: RequestFacts, paginateAt: DocPath): void {
  const roots = requestRoots(ctx, facts);
  const unavailable = requestUnavailable(facts);
  const reads: VariableUse[] = [];
  for (const site of sites) {
    const siteRoots = { ...roots };
    const siteUnavailable = { ...unavailable };
    if (site.field === 'path') {
      delete siteRoots.secrets;
      siteUnavailable.secrets = {
        code: 'secret-not-allowed',
        message: 'secrets are not allowed in a request path: they would appear in URLs and logs; send them in a header or with api.auth',
      };
    }
    reads.push(...check(ctx, site.path, site.text, { roots: siteRoots, unavailable: othersUnavailable(siteRoots, (root) => `'${root}' is not available in requests`, siteUnavailable) }));
  }
  if (facts.paginator?.type === 'keyset' && !reads.some((use) => use.path[0] === 'cursor' && use.path[1] === 'value')) {
    ctx.report.error(
      paginateAt,
      'keyset-without-cursor',
      `keyset pagination cannot advance: the request of ${facts.label} never uses {{cursor.value}}; send it in the query or body`,
    );
  }
}

function requestRoots(ctx: SpecContext, facts: RequestFacts): Record<string, RootRule> {
  const roots: Record<string, RootRule> = { ...declaredRoots(ctx, true), now: { fields: [], bare: true } };
  const keyset = facts.paginator?.type === 'keyset';
  if (facts.paginator && 'pageSize' in facts.paginator && facts.paginator.pageSize !== undefined) {
    roots.page = { fields: ['size'], bare: false };
  }
  if (facts.partitioned) roots.partition = { fields: 'any', bare: true };
  if (facts.until) roots.until = { fields: [], bare: true };
  if (facts.incremental) {
    const id = facts.cursor?.tieBreaker !== undefined || keyset;
    roots.cursor = {
      fields: id ? ['value', 'id'] : ['value'],
      bare: false,
      missingFields: id ? undefined : { id: `cursor.id is not defined in ${facts.label}: its cursor has no tieBreaker` },
    };
  } else if (keyset) {
    roots.cursor = {
      fields: ['value', 'id'],
      bare: false,
      guard: `cursor is not defined in the first request of ${facts.label}; wrap it in {{#if cursor}}…{{/if}}`,
    };
  }
  return roots;
}

function requestUnavailable(facts: RequestFacts): Unavailable {
  const undefinedBecause = (message: string) => ({ code: 'undefined-variable', message });
  return {
    cursor: undefinedBecause(`cursor is not defined in ${facts.label}: ${facts.cursorHint}`),
    page: undefinedBecause(
      facts.paginator
        ? `page.size is not defined: the paginator of sync '${facts.syncName}' has no pageSize`
        : `page.size is not defined: sync '${facts.syncName}' has no paginator with a pageSize`,
    ),
    partition: undefinedBecause(`partition is not defined: sync '${facts.syncName}' has no partitions`),
    until: undefinedBecause(`until is only defined in incremental syncs (now minus the cursor's bufferSeconds)`),
    record: undefinedBecause('record is only available in map, primaryKey, icon and content'),
  };
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
