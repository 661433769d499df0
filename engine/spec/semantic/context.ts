/**
 * What every family of semantic checks gets: the spec as written, the spec with `use` resolved,
 * where to report, and which parts passed the schema check (the others are not looked at again:
 * their shape is unknown and their errors are already reported).
 */
import type { ConnectorSpec, Database, Sync } from '../types.generated.js';
import type { Paginator } from '../model.generated.js';
import { connectorDefault, withDefaults } from '../defaults.js';
import { formatPath, type DocPath, type Reporter } from '../diagnostics.js';
import type { ResolvedRequest, ResolvedSpec } from '../resolve.js';

const DEFAULT_MODE = connectorDefault<CheckedSync['mode']>('sync', 'mode');

export interface SpecContext {
  /** The spec as written. */
  raw: ConnectorSpec;
  resolved: ResolvedSpec;
  report: Reporter;
  /** True when no schema error lies at or below `path`. */
  isClean(path: DocPath): boolean;
  /** Values the config gives to vars, when the spec is checked through a config. */
  varValues?: Record<string, unknown>;
}

export interface CheckedSync {
  name: string;
  path: DocPath;
  /** With `use` resolved. */
  sync: Sync;
  request: ResolvedRequest;
  /** The resolved paginator with its defaults, as compile sees it; undefined when there is none or its `use` names no paginator. */
  paginator: Paginator | undefined;
  mode: 'replace' | 'incremental';
}

/** The syncs that passed the schema check and whose request resolved. */
export function checkedSyncs(ctx: SpecContext): CheckedSync[] {
  const out: CheckedSync[] = [];
  if (!isPlainObject(ctx.resolved.spec.syncs)) return out;
  for (const [name, sync] of Object.entries(ctx.resolved.spec.syncs)) {
    const path = ['syncs', name];
    const request = ctx.resolved.requests.get(formatPath([...path, 'request']));
    if (!request) continue;
    out.push({ name, path, sync, request, paginator: paginatorOf(sync.paginate), mode: sync.mode ?? DEFAULT_MODE });
  }
  return out;
}

export function paginatorOf(paginate: Sync['paginate']): Paginator | undefined {
  return paginate && 'type' in paginate ? withDefaults<Paginator>('connector', paginate, 'paginator') : undefined;
}

/** The databases that passed the schema check. */
export function checkedDatabases(ctx: SpecContext): [string, Database][] {
  if (!isPlainObject(ctx.raw.databases)) return [];
  return Object.entries(ctx.raw.databases).filter(([key]) => ctx.isClean(['databases', key]));
}

/** The property type of a property as written (`Name: title` or `{ type: title }`). */
export function propertyType(property: Database['properties'][string]): string {
  return typeof property === 'string' ? property : property.type;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
