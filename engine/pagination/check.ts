/**
 * Every configuration rule of a paginator, written once: its style's own check, then the stop rules
 * (stop.ts) with the style's facts. `validate` reports each issue at its place in the file; compile
 * (paginate.ts) refuses a paginator with any, so `run` never rejects a paginator `validate` accepted.
 */
import type { Paginator } from '../spec/model.generated.js';
import { listOf, styleOf, typesWhere } from './facts.js';
import { checkStop } from './stop.js';
import type { PaginatorIssue } from './style.js';

export function checkPaginator(paginator: Paginator): PaginatorIssue[] {
  const style = styleOf(paginator);
  const own = style.check?.(paginator) ?? [];
  const stop = checkStop('stop' in paginator ? paginator.stop : undefined, {
    type: paginator.type,
    noun: style.noun,
    defaultStop: style.defaultStop,
    hasPageSize: 'pageSize' in paginator && paginator.pageSize !== undefined,
    readsTotal: style.pastTotal !== undefined,
    totalStyles: listOf(typesWhere((s) => s.pastTotal), 'and'),
  });
  // A style that says more about a key (requery on stop.shortPage) is not contradicted by the general rule.
  const said = new Set(own.map((issue) => issue.path.join('.')));
  return [...own, ...stop.filter((issue) => !said.has(issue.path.join('.')))];
}

/**
 * `pageConcurrency` above 1 needs pages whose positions are known ahead: a style with `ahead`
 * (offset, pageNumber), a page size, and `stop.total` to tell where the pages end.
 */
export function checkPageConcurrency(paginator: Paginator | undefined, concurrency: number | undefined): PaginatorIssue[] {
  if (concurrency === undefined || concurrency <= 1) return [];
  const style = styleOf(paginator);
  const stop = paginator && 'stop' in paginator ? paginator.stop : undefined;
  const fits = style.ahead !== undefined && stop?.total !== undefined && paginator !== undefined && 'pageSize' in paginator && paginator.pageSize !== undefined;
  if (fits) return [];
  return [{
    path: [], code: 'bad-page-concurrency',
    message: `pageConcurrency ${concurrency} needs ${listOf(typesWhere((s) => s.ahead), 'or')} pagination with a pageSize and stop.total, ` +
      'so that the positions of the pages ahead are known; this paginator cannot fetch pages ahead',
  }];
}

/** An issue as compile reports it, e.g. `syncs.contacts.paginate.stop.total: stop.total applies to …`. */
export function describeIssue(where: string, issue: PaginatorIssue): string {
  return `${[where, ...issue.path].join('.')}: ${issue.message}`;
}
