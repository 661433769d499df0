/**
 * Checks of each sync against the rest of its spec: the database it writes and the properties it
 * maps (this is how syncs sharing a database agree on its key and properties: the properties are
 * declared once, each sync maps the key, every mapped name exists), its mode and cursor, its pacer,
 * schedule, request and paginator, and those of its delete stream and anchor.
 */
import type { Paginator } from '../model.generated.js';
import { formatPath, type DocPath } from '../diagnostics.js';
import { checkPageConcurrency, checkPaginator } from '../../pagination/check.js';
import { pagesByCursor } from '../../pagination/facts.js';
import { parseSchedule } from '../../schedule/parse.js';
import { suggestion } from '../../core/suggest.js';
import { checkedSyncs, isPlainObject, paginatorOf, type CheckedSync, type SpecContext } from './context.js';
import { checkValueSources } from './value-sources.js';
import { checkCursor } from './cursors.js';
import { checkCycles } from './cycles.js';

export function checkSyncs(ctx: SpecContext): void {
  for (const checked of checkedSyncs(ctx)) {
    checkDatabase(ctx, checked);
    checkModeAndCursor(ctx, checked);
    checkPacerAndSchedule(ctx, checked);
    checkRequestPath(ctx, checked.request.request.path, ctx.raw.syncs[checked.name].request, [...checked.path, 'request']);
    checkPaginatorRules(checked.paginator, [...checked.path, 'paginate'], ctx);
    for (const issue of checkPageConcurrency(checked.paginator, checked.sync.pageConcurrency)) {
      ctx.report.error([...checked.path, 'pageConcurrency'], issue.code, issue.message);
    }
    checkDeleteStream(ctx, checked);
    checkAnchorRequest(ctx, checked);
    checkCycles(ctx, checked);
  }
  checkUnusedPacers(ctx);
}

/** A pacer no sync or delete stream names limits nothing: the budget it was meant to keep is not kept. */
function checkUnusedPacers(ctx: SpecContext): void {
  const used = new Set(Object.values(ctx.raw.syncs ?? {}).flatMap((sync) => (isPlainObject(sync) ? [sync.pacer, sync.deletes?.stream?.pacer] : [])));
  for (const name of Object.keys(ctx.raw.pacers ?? {})) {
    if (!used.has(name)) ctx.report.warning(['pacers', name], 'unused-pacer', `pacer '${name}' is named by no sync (pacer: ${name}), so it limits nothing`, { at: 'key' });
  }
}

/** A delete stream is a request of its own: its path, paginator and cursor are checked like a sync's. */
function checkDeleteStream(ctx: SpecContext, { name, path, sync }: CheckedSync): void {
  const stream = sync.deletes?.stream;
  if (!stream) return;
  const at = [...path, 'deletes', 'stream'];
  const request = ctx.resolved.requests.get(formatPath([...at, 'request']));
  if (request) checkRequestPath(ctx, request.request.path, ctx.raw.syncs[name].deletes?.stream?.request, [...at, 'request']);
  checkPaginatorRules(paginatorOf(stream.paginate), [...at, 'paginate'], ctx);
  if (stream.cursor) checkCursor(ctx, stream.cursor, [...at, 'cursor'], { deleteStream: true });
}

function checkPacerName(ctx: SpecContext, pacer: string | undefined, at: DocPath): void {
  if (pacer === undefined || Object.hasOwn(ctx.raw.pacers ?? {}, pacer)) return;
  const pacers = Object.keys(ctx.raw.pacers ?? {});
  ctx.report.error(at, 'unknown-pacer', `unknown pacer '${pacer}' ${suggestion(pacer, pacers, { label: 'declared', empty: 'no pacers are declared under pacers' })}`);
}

function checkAnchorRequest(ctx: SpecContext, { name, path, sync }: CheckedSync): void {
  if (!sync.anchor?.request) return;
  const at = [...path, 'anchor', 'request'];
  const request = ctx.resolved.requests.get(formatPath(at));
  if (request) checkRequestPath(ctx, request.request.path, ctx.raw.syncs[name].anchor?.request, at);
}

function checkDatabase(ctx: SpecContext, { name, path, sync }: CheckedSync): void {
  // Without a map of databases (missing, or not a map) there is nothing to check against.
  if (!isPlainObject(ctx.raw.databases)) return;
  const keys = Object.keys(ctx.raw.databases);
  if (!keys.includes(sync.database)) {
    ctx.report.error(
      [...path, 'database'],
      'unknown-database',
      `sync '${name}' writes unknown database '${sync.database}' ${suggestion(sync.database, keys, { label: 'databases' })}`,
    );
    return;
  }
  if (!ctx.isClean(['databases', sync.database])) return;
  const database = ctx.raw.databases[sync.database];
  const properties = Object.keys(database.properties);
  for (const key of Object.keys(sync.map)) {
    if (properties.includes(key)) continue;
    ctx.report.error(
      [...path, 'map', key],
      'unknown-property',
      `'${key}' is not a property of database '${sync.database}' ${suggestion(key, properties, { label: 'properties' })}`,
      { at: 'key', shownPath: [...path, 'map'] },
    );
  }
  const primaryKey = database.primaryKeyProperty;
  if (properties.includes(primaryKey) && !Object.hasOwn(sync.map, primaryKey) && sync.primaryKey === undefined) {
    ctx.report.error(
      [...path, 'map'],
      'primary-key-not-mapped',
      `sync '${name}' does not map '${primaryKey}', the primary key of database '${sync.database}'; map it or give primaryKey`,
    );
  }
  checkValueSources(ctx, path, sync.map, database);
}

function checkModeAndCursor(ctx: SpecContext, { path, sync, paginator, mode }: CheckedSync): void {
  if (mode === 'incremental' && !sync.cursor) {
    ctx.report.error(
      [...path, 'mode'],
      'missing-cursor',
      'an incremental sync needs a cursor: the record field that orders changes, e.g. cursor: { field: $.updated_at }',
    );
  }
  if (mode === 'replace' && sync.cursor) {
    if (paginator && pagesByCursor(paginator)) {
      ctx.report.warning(
        [...path, 'cursor'],
        'unnecessary-cursor',
        `a replace sync keeps no cursor; its ${paginator.type} paginator sets {{cursor.value}} and {{cursor.id}} by itself, so this cursor is not used: remove it`,
      );
    } else {
      ctx.report.error(
        [...path, 'cursor'],
        'unexpected-cursor',
        'a replace sync has no cursor; set mode: incremental to fetch only changes, or remove cursor',
      );
    }
  }
  if (sync.cursor) checkCursor(ctx, sync.cursor, [...path, 'cursor'], { deleteStream: false });
  if (sync.deletes && mode !== 'incremental') {
    ctx.report.error(
      [...path, 'deletes'],
      'deletes-in-replace',
      'deletes only apply to incremental syncs; a replace sync already deletes the rows a cycle did not see',
    );
  } else if (sync.deletes && Object.keys(sync.deletes).length === 0) {
    ctx.report.error([...path, 'deletes'], 'missing-key', 'deletes needs when, ids or stream');
  }
}

function checkPacerAndSchedule(ctx: SpecContext, { path, sync }: CheckedSync): void {
  checkPacerName(ctx, sync.pacer, [...path, 'pacer']);
  checkPacerName(ctx, sync.deletes?.stream?.pacer, [...path, 'deletes', 'stream', 'pacer']);
  if (sync.schedule !== undefined) {
    const parsed = parseSchedule(sync.schedule);
    if (!parsed.ok) ctx.report.error([...path, 'schedule'], 'bad-schedule', parsed.message);
  }
}

/** A request has no required key in the schema because `path` may come from its fragment. */
function checkRequestPath(ctx: SpecContext, resolvedPath: string | undefined, written: { use?: string } | undefined, at: DocPath): void {
  if (resolvedPath !== undefined) return;
  const from = written?.use !== undefined ? ` or in the fragment '${written.use}'` : '';
  ctx.report.error(at, 'missing-key', `request has no path; give path here${from}`);
}

/** The paginator's own rules (its style's check and the stop rules), each reported where it applies. */
function checkPaginatorRules(paginator: Paginator | undefined, at: DocPath, ctx: SpecContext): void {
  if (!paginator) return;
  for (const issue of checkPaginator(paginator)) ctx.report.error([...at, ...issue.path], issue.code, issue.message);
}
