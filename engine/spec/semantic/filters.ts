/**
 * Filters that break incremental fidelity (engine/spec/filters.ts). Every name a request gives in
 * `filters` must be one of its query parameters or body fields. And where an incremental sync's
 * request filters — by a filtering var or a marked field — while nothing ever runs a full cycle of
 * its database (its `fullSync` is off, and no replace sync, nor another incremental sync with a
 * fullSync, writes that database), a warning says so where the filter is written: a record that
 * leaves the filter would stay in the database as it was, for good.
 */
import { formatPath, type DocPath } from '../diagnostics.js';
import { filterableFields, fieldUse, filteringVarUses, fullSyncOf, markedFields } from '../filters.js';
import type { ResolvedRequest } from '../resolve.js';
import { suggestion } from '../../core/suggest.js';
import { checkedSyncs, type CheckedSync, type SpecContext } from './context.js';

export function checkFilters(ctx: SpecContext): void {
  const syncs = checkedSyncs(ctx);
  for (const checked of syncs) {
    const at = checked.path;
    checkMarkedNames(ctx, checked.request);
    for (const other of [[...at, 'deletes', 'stream', 'request'], [...at, 'anchor', 'request']]) {
      const request = ctx.resolved.requests.get(formatPath(other));
      if (request) checkMarkedNames(ctx, request);
    }
    if (checked.mode === 'incremental') checkFullCycles(ctx, checked, syncs);
  }
}

function checkMarkedNames(ctx: SpecContext, { request, filtersAt }: ResolvedRequest): void {
  for (const field of markedFields(request, filtersAt)) {
    if (field.in !== undefined) continue;
    ctx.report.error(
      field.path,
      'unknown-filter-field',
      `'${field.name}' is neither a query parameter nor a body field of this request ${suggestion(field.name, filterableFields(request), {
        label: 'it has',
        empty: 'it has no query parameters and no JSON object body',
      })}`,
    );
  }
}

function checkFullCycles(ctx: SpecContext, { name, sync, request }: CheckedSync, syncs: CheckedSync[]): void {
  if (fullSyncOf(sync) !== 'off') return;
  const correcting = syncs.some((other) => other.name !== name && other.sync.database === sync.database && fullSyncOf(other.sync) !== 'off');
  if (correcting) return;
  const uses = [
    ...filteringVarUses(ctx.raw, request.sites, ctx.varValues),
    ...markedFields(request.request, request.filtersAt).filter((field) => field.in !== undefined).map(fieldUse),
  ];
  for (const use of uses) warn(ctx, use.path, name, use.label, sync.database);
}

function warn(ctx: SpecContext, at: DocPath, sync: string, filter: string, database: string): void {
  ctx.report.warning(
    at,
    'filter-without-full-cycles',
    `incremental sync '${sync}' filters by ${filter} with fullSync off: a record that leaves the filter is never read again and ` +
      `stays in database '${database}' as it was; set fullSync (e.g. 7d) or add a replace backfill of database '${database}'`,
  );
}
