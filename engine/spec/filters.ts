/**
 * Filters that break incremental fidelity: what a sync's request narrows its records by besides its
 * cursor — a var declared `filters: true` that a request template reads (`state: "{{vars.state}}"`),
 * or a query parameter or body field the request names in `filters` (a literal `state: open`). An
 * incremental sync never sees a record leave such a filter (closed, relabelled, given away): its row
 * stays as it was until a full cycle sweeps the database — the sync's own (fullSync, run --full) or
 * another sync's of that database (a replace backfill). `validate` warns where no full cycle is ever
 * scheduled (semantic/filters.ts); `status` says when the last one ran.
 */
import type { ConnectorSpec, Request, Sync } from './types.generated.js';
import type { DocPath } from './diagnostics.js';
import { requestSites, type TemplateSite } from './resolve.js';
import { analyzeTemplate } from '../template/analyze.js';
import { VALUE_HELPERS } from '../template/scope.js';
import { connectorDefault } from './defaults.js';

/** When an incremental sync runs a full cycle by itself, unless the spec says otherwise. */
const DEFAULT_FULL_SYNC = connectorDefault<string>('sync', 'fullSync');
const DEFAULT_MODE = connectorDefault<Sync['mode']>('sync', 'mode');

export interface FilterUse {
  /** As shown: `vars.state`, `query parameter 'state'`, `body field 'variables.states'`. */
  label: string;
  /** Where it is written: the template that reads the var, or the item of `filters`. */
  path: DocPath;
}

/**
 * The reads of filtering vars in a request's templates. A var whose value is empty ('' or null, or
 * an empty list) filters nothing: a query parameter that renders empty is left out. `varValues`
 * are the config's (defaults included); without them, the declared defaults count.
 */
export function filteringVarUses(spec: ConnectorSpec, sites: readonly TemplateSite[], varValues?: Record<string, unknown>): FilterUse[] {
  const declared = spec.vars ?? {};
  const filtering = (name: string) => {
    if (!Object.hasOwn(declared, name) || declared[name].filters !== true) return false;
    const value = varValues && Object.hasOwn(varValues, name) ? varValues[name] : declared[name].default;
    return !(value === '' || value === null || (Array.isArray(value) && value.length === 0));
  };
  const uses: FilterUse[] = [];
  for (const site of sites) {
    const analysis = analyzeTemplate(site.text, { helpers: VALUE_HELPERS });
    if (!analysis.ok) continue;
    const names = new Set(analysis.variables.filter((use) => use.path[0] === 'vars' && use.path[1] !== undefined).map((use) => use.path[1]));
    for (const name of names) if (filtering(name)) uses.push({ label: `vars.${name}`, path: site.path });
  }
  return uses;
}

export interface MarkedField {
  name: string;
  /** The item of `filters` that names it. */
  path: DocPath;
  /** Where the request has it; undefined when it has no such query parameter or body field. */
  in: 'query' | 'body' | undefined;
}

/** The fields a request names in `filters`; `at` is the request object the list is written in. */
export function markedFields(request: Request, at: DocPath | undefined): MarkedField[] {
  if (!request.filters || !at) return [];
  const query = Object.keys(request.query ?? {});
  const body = bodyFields(request.body);
  return request.filters.map((name, i) => ({
    name,
    path: [...at, 'filters', i],
    in: query.includes(name) ? 'query' : body.includes(name) ? 'body' : undefined,
  }));
}

/** Names a `filters` item may give: the query parameters, then every dotted path into the JSON body's objects. */
export function filterableFields(request: Request): string[] {
  return [...Object.keys(request.query ?? {}), ...bodyFields(request.body)];
}

export function fieldUse(field: MarkedField): FilterUse {
  return { label: `${field.in === 'body' ? 'body field' : 'query parameter'} '${field.name}'`, path: field.path };
}

function bodyFields(body: unknown, prefix = ''): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  return Object.entries(body).flatMap(([key, child]) => [`${prefix}${key}`, ...bodyFields(child, `${prefix}${key}.`)]);
}

/**
 * What the request of a sync of a resolved spec (a loaded connector's) filters by, as labels: the
 * filtering vars it reads, then the fields it marks. A replace sync's filters never matter: each of
 * its cycles is full.
 */
export function syncFilters(spec: ConnectorSpec, syncName: string, varValues?: Record<string, unknown>): string[] {
  const sync = spec.syncs[syncName];
  const at = ['syncs', syncName, 'request'];
  const uses = [
    ...filteringVarUses(spec, requestSites(sync.request, at), varValues),
    ...markedFields(sync.request, at).filter((field) => field.in !== undefined).map(fieldUse),
  ];
  return [...new Set(uses.map((use) => use.label))];
}

/** The sync's fullSync as written, or its default; null for a replace sync. */
export function fullSyncOf(sync: Sync): string | null {
  return (sync.mode ?? DEFAULT_MODE) === 'incremental' ? sync.fullSync ?? DEFAULT_FULL_SYNC : null;
}
