/**
 * The templates of requests, checked against what exists when each is rendered. Every request sees
 * vars, secrets (never in its path) and now. A sync's request, and its delete stream's, also see
 * the page size, the partition, `until` and the cursor — each only when that request has one. An
 * anchor's request is sent once, before a backfill: it sees nothing more.
 */
import type { Cursor } from '../types.generated.js';
import type { Paginator } from '../model.generated.js';
import { formatPath, type DocPath } from '../diagnostics.js';
import type { RootRule } from '../../template/scope.js';
import type { VariableUse } from '../../template/analyze.js';
import type { TemplateSite } from '../resolve.js';
import { cursorPaging, listOf, typesWhere } from '../../pagination/facts.js';
import { paginatorOf, type CheckedSync, type SpecContext } from './context.js';
import { check, declaredRoots, othersUnavailable, type Unavailable } from './template-roots.js';

/** The paginators whose position is a cursor, and the one that sets cursor.tie, for messages: "keyset or requery". */
const CURSOR_STYLES = listOf(typesWhere((style) => style.cursor), 'or');
const TIE_STYLES = listOf(typesWhere((style) => style.cursor?.fields.includes('tie')), 'or');

interface RequestFacts {
  /** "replace sync 'x'", "the delete stream of sync 'x'". */
  label: string;
  /** Whose paginator and partitions these are: "sync 'x'", "the delete stream of sync 'x'". */
  owner: string;
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

export function checkRequestTemplates(ctx: SpecContext, checked: CheckedSync): void {
  const { name, sync, mode } = checked;
  const main: RequestFacts = {
    label: `${mode} sync '${name}'`,
    owner: `sync '${name}'`,
    syncName: name,
    incremental: mode === 'incremental',
    until: mode === 'incremental',
    cursorHint: `only incremental syncs and ${CURSOR_STYLES} pagination have one`,
    cursor: sync.cursor,
    paginator: checked.paginator,
    partitioned: sync.partitions !== undefined,
  };
  checkSyncRequest(ctx, checked.request.sites, main, [...checked.path, 'paginate']);
  const stream = sync.deletes?.stream;
  const streamAt = [...checked.path, 'deletes', 'stream'];
  const streamRequest = ctx.resolved.requests.get(formatPath([...streamAt, 'request']));
  if (stream && streamRequest) {
    const facts: RequestFacts = {
      label: `the delete stream of sync '${name}'`,
      owner: `the delete stream of sync '${name}'`,
      syncName: name,
      incremental: stream.cursor !== undefined,
      // Delete streams only exist in incremental syncs; in a replace sync that is reported once, on `deletes`.
      until: true,
      cursorHint: `give the stream its own cursor, or page it by ${CURSOR_STYLES}`,
      cursor: stream.cursor,
      paginator: paginatorOf(stream.paginate),
      partitioned: main.partitioned,
    };
    checkSyncRequest(ctx, streamRequest.sites, facts, [...streamAt, 'paginate']);
  }
  const anchorRequest = ctx.resolved.requests.get(formatPath([...checked.path, 'anchor', 'request']));
  if (anchorRequest) {
    const roots = { ...declaredRoots(ctx, true), now: { fields: [], bare: true } };
    checkSites(ctx, anchorRequest.sites, roots, othersUnavailable(roots, (root) => `'${root}' is not available in anchor.request; only vars, secrets and now are`));
  }
}

/** Checks every site with secrets kept out of URL paths; returns what the sites read. */
function checkSites(ctx: SpecContext, sites: TemplateSite[], roots: Record<string, RootRule>, unavailable: Unavailable): VariableUse[] {
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
    reads.push(...check(ctx, site.path, site.text, { roots: siteRoots, unavailable: siteUnavailable }));
  }
  return reads;
}

function checkSyncRequest(ctx: SpecContext, sites: TemplateSite[], facts: RequestFacts, paginateAt: DocPath): void {
  const roots = requestRoots(ctx, facts);
  const unavailable = othersUnavailable(roots, (root) => `'${root}' is not available in requests`, requestUnavailable(facts));
  const reads = checkSites(ctx, sites, roots, unavailable);
  const paging = cursorPaging(facts.paginator);
  if (!paging) return;
  const type = facts.paginator!.type;
  const read = (field: string) => reads.some((use) => use.path[0] === 'cursor' && use.path[1] === field);
  for (const requirement of paging.requires) {
    const missing = requirement.fields.filter((field) => !read(field)).map((field) => `{{cursor.${field}}}`);
    if (missing.length === 0) continue;
    const never = missing.length === 1 ? `never uses ${missing[0]}` : `uses neither ${missing.join(' nor ')}`;
    ctx.report.error(
      paginateAt,
      requirement.code,
      `${type} pagination cannot ${requirement.cannot}: the request of ${facts.label} ${never}; ${requirement.fix}`,
    );
  }
}

function requestRoots(ctx: SpecContext, facts: RequestFacts): Record<string, RootRule> {
  const roots: Record<string, RootRule> = { ...declaredRoots(ctx, true), now: { fields: [], bare: true } };
  const paging = cursorPaging(facts.paginator);
  if (facts.paginator && 'pageSize' in facts.paginator && facts.paginator.pageSize !== undefined) {
    roots.page = { fields: ['size'], bare: false };
  }
  if (facts.partitioned) roots.partition = { fields: 'any', bare: true };
  if (facts.until) roots.until = { fields: [], bare: true };
  const missingTie = `cursor.tie is not defined in ${facts.label}: only ${TIE_STYLES} pagination sets it`;
  if (facts.incremental) {
    const fields = ['value'];
    if (facts.cursor?.tieBreaker !== undefined || paging?.fields.includes('id')) fields.push('id');
    if (paging?.fields.includes('tie')) fields.push('tie');
    const missingFields: Record<string, string> = {};
    if (!fields.includes('id')) missingFields.id = `cursor.id is not defined in ${facts.label}: its cursor has no tieBreaker`;
    if (!fields.includes('tie')) missingFields.tie = missingTie;
    roots.cursor = { fields, bare: false, missingFields };
  } else if (paging) {
    roots.cursor = {
      fields: paging.fields,
      bare: false,
      missingFields: paging.fields.includes('tie') ? undefined : { tie: missingTie },
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
        ? `page.size is not defined: the paginator of ${facts.owner} has no pageSize`
        : `page.size is not defined: ${facts.owner} has no paginator with a pageSize`,
    ),
    partition: undefinedBecause(`partition is not defined: sync '${facts.syncName}' has no partitions`),
    until: undefinedBecause(`until is only defined in incremental syncs (now minus the cursor's bufferSeconds)`),
    record: undefinedBecause('record is only available in map, primaryKey, icon and content'),
  };
}
