/**
 * `use: NAME` in a request or a paginate block starts from a fragment in `definitions`; the keys
 * given beside `use` override the fragment's (a shallow merge, except `query` and `headers`, which
 * merge name by name). The resolved spec — no `use` left — is what the runtime gets.
 *
 * Every template string of a resolved request keeps the document path it came from (the sync or
 * the fragment), so template errors point at the line that holds the template.
 */
import type { ConnectorSpec, Paginate, Paginator, Request } from './types.generated.js';
import { formatPath, type DocPath, type Reporter } from './diagnostics.js';
import { suggestion } from '../core/suggest.js';

export interface TemplateSite {
  /** Where the template string is in the document. */
  path: DocPath;
  text: string;
  /** Which part of the request it fills. */
  field: 'path' | 'query' | 'headers' | 'body';
}

export interface ResolvedRequest {
  request: Request;
  sites: TemplateSite[];
  /** The request object whose `filters` the resolved request has (its own, or a fragment's). */
  filtersAt?: DocPath;
}

export interface ResolvedSpec {
  /** The spec with every `use` merged. */
  spec: ConnectorSpec;
  /**
   * Resolved requests by the dotted path of their `request` key: `syncs.contacts.request`,
   * `syncs.contacts.deletes.stream.request`, `syncs.contacts.anchor.request`.
   */
  requests: Map<string, ResolvedRequest>;
}

type Origins = {
  method?: DocPath;
  path?: DocPath;
  body?: DocPath;
  filters?: DocPath;
  query: Record<string, DocPath>;
  headers: Record<string, DocPath>;
};

interface Merged {
  value: Request;
  /** For each field, the document path of the request object that supplied it. */
  origins: Origins;
}

/**
 * Resolves every `use` of the spec. Syncs for which `isClean` is false (they failed the schema
 * check) are left as they are and get no entry in `requests`.
 */
export function resolveSpec(spec: ConnectorSpec, report: Reporter, isClean: (path: DocPath) => boolean): ResolvedSpec {
  const resolved = structuredClone(spec);
  const requests = new Map<string, ResolvedRequest>();
  const definitionsClean = isClean(['definitions']);
  for (const [name, sync] of Object.entries(resolved.syncs ?? {})) {
    const at = ['syncs', name];
    if (!isClean(at) || !definitionsClean) continue;
    const request = resolveRequest(spec, sync.request, [...at, 'request'], report);
    if (request) {
      sync.request = request.request;
      requests.set(formatPath([...at, 'request']), request);
    }
    const paginator = resolvePaginate(spec, sync.paginate, [...at, 'paginate'], report);
    if (paginator) sync.paginate = paginator;
    const stream = sync.deletes?.stream;
    if (stream) {
      const streamAt = [...at, 'deletes', 'stream'];
      const streamRequest = resolveRequest(spec, stream.request, [...streamAt, 'request'], report);
      if (streamRequest) {
        stream.request = streamRequest.request;
        requests.set(formatPath([...streamAt, 'request']), streamRequest);
      }
      const streamPaginator = resolvePaginate(spec, stream.paginate, [...streamAt, 'paginate'], report);
      if (streamPaginator) stream.paginate = streamPaginator;
    }
    const anchor = sync.anchor;
    if (anchor?.request) {
      const anchorAt = [...at, 'anchor', 'request'];
      const anchorRequest = resolveRequest(spec, anchor.request, anchorAt, report);
      if (anchorRequest) {
        anchor.request = anchorRequest.request;
        requests.set(formatPath(anchorAt), anchorRequest);
      }
    }
  }
  return { spec: resolved, requests };
}

/** A request with its fragment merged in, and its template strings with their locations. */
export function resolveRequest(spec: ConnectorSpec, request: Request, at: DocPath, report: Reporter): ResolvedRequest | undefined {
  const merged = merge(spec, request, at, report, []);
  if (!merged) return undefined;
  return { request: merged.value, sites: templateSites(merged), filtersAt: merged.origins.filters };
}

/** The template strings of a request that has no `use` left (a resolved spec's), located under `at`. */
export function requestSites(request: Request, at: DocPath): TemplateSite[] {
  return templateSites({ value: request, origins: ownOrigins(request, at) });
}

function merge(spec: ConnectorSpec, request: Request, at: DocPath, report: Reporter, chain: string[]): Merged | undefined {
  const own = ownOrigins(request, at);
  if (request.use === undefined) return { value: { ...request }, origins: own };
  const fragments = spec.definitions?.requests ?? {};
  const name = request.use;
  const fragment = Object.hasOwn(fragments, name) ? fragments[name] : undefined;
  if (!fragment) {
    const declared = Object.keys(fragments);
    report.error([...at, 'use'], 'unknown-fragment', `unknown request fragment '${name}' ${suggestion(name, declared, {
      label: 'declared',
      empty: 'no fragments are declared under definitions.requests',
    })}`);
    return undefined;
  }
  if (chain.includes(name)) {
    report.error([...at, 'use'], 'fragment-cycle', `request fragments use each other in a cycle: ${[...chain, name].join(' → ')}`);
    return undefined;
  }
  const base = merge(spec, fragment, ['definitions', 'requests', name], report, [...chain, name]);
  if (!base) return undefined;
  const { use: _use, ...overrides } = request;
  const value: Request = { ...base.value, ...overrides };
  delete value.use;
  if (base.value.query || request.query) value.query = { ...base.value.query, ...request.query };
  if (base.value.headers || request.headers) value.headers = { ...base.value.headers, ...request.headers };
  return {
    value,
    origins: {
      method: own.method ?? base.origins.method,
      path: own.path ?? base.origins.path,
      body: own.body ?? base.origins.body,
      filters: own.filters ?? base.origins.filters,
      query: { ...base.origins.query, ...own.query },
      headers: { ...base.origins.headers, ...own.headers },
    },
  };
}

function ownOrigins(request: Request, at: DocPath): Origins {
  const byName = (map: Record<string, string> | undefined) =>
    Object.fromEntries(Object.keys(map ?? {}).map((key) => [key, at]));
  return {
    method: request.method !== undefined ? at : undefined,
    path: request.path !== undefined ? at : undefined,
    body: request.body !== undefined ? at : undefined,
    filters: request.filters !== undefined ? at : undefined,
    query: byName(request.query),
    headers: byName(request.headers),
  };
}

function templateSites({ value, origins }: Merged): TemplateSite[] {
  const sites: TemplateSite[] = [];
  if (value.path !== undefined && origins.path) sites.push({ path: [...origins.path, 'path'], text: value.path, field: 'path' });
  for (const field of ['query', 'headers'] as const) {
    for (const [key, text] of Object.entries(value[field] ?? {})) {
      sites.push({ path: [...origins[field][key], field, key], text, field });
    }
  }
  if (value.body !== undefined && origins.body) collectBodyStrings(value.body, [...origins.body, 'body'], sites);
  return sites;
}

/** Every string in a JSON body is a template. */
function collectBodyStrings(node: unknown, path: DocPath, sites: TemplateSite[]): void {
  if (typeof node === 'string') sites.push({ path, text: node, field: 'body' });
  else if (Array.isArray(node)) node.forEach((item, i) => collectBodyStrings(item, [...path, i], sites));
  else if (node && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) collectBodyStrings(child, [...path, key], sites);
  }
}

/** A paginate block with its named paginator merged in (pageSize and stop given beside `use` win). */
export function resolvePaginate(
  spec: ConnectorSpec,
  paginate: Paginate | undefined,
  at: DocPath,
  report: Reporter,
): Paginator | undefined {
  if (paginate === undefined || !('use' in paginate)) return paginate;
  const fragments = spec.definitions?.paginators ?? {};
  const fragment = Object.hasOwn(fragments, paginate.use) ? fragments[paginate.use] : undefined;
  if (!fragment) {
    const declared = Object.keys(fragments);
    report.error([...at, 'use'], 'unknown-fragment', `unknown paginator '${paginate.use}' ${suggestion(paginate.use, declared, {
      label: 'declared',
      empty: 'no paginators are declared under definitions.paginators',
    })}`);
    return undefined;
  }
  const { use: _use, ...overrides } = paginate;
  if (fragment.type === 'none') return { ...fragment };
  return { ...fragment, ...overrides } as Paginator;
}
