/**
 * Search engines that page by the sort values of the last hit: Elasticsearch and OpenSearch
 * `search_after`. Every hit of a sorted search carries its `sort` array (`"sort": [1463538855, "654322"]`),
 * and the next request repeats the query with `"search_after": <that array of the last hit>` in its JSON
 * body; the walk ends on a page without hits. (Elastic, "Paginate search results" → Search after,
 * https://www.elastic.co/guide/en/elasticsearch/reference/8.15/paginate-search-results.html; OpenSearch,
 * "Point in Time", https://docs.opensearch.org/docs/search-plugins/searching-data/point-in-time.)
 *
 * Not expressible as a token: the position is a JSON array of mixed types (an epoch number, an id
 * string), sent back as JSON. The request itself must sort on a unique tiebreaker, as both vendors say;
 * a point in time (`pit.id`, which may change between responses) is not carried from page to page.
 */
import type { PaginateSearchAfter } from '../spec/model.generated.js';
import { describeValue, selectFirst } from '../extract/jsonpath.js';
import { parseJsonPath } from '../extract/jsonpath-syntax.js';
import { PaginationError } from './errors.js';
import { placeValue, toTarget } from './param.js';
import type { PaginatorIssue, PaginatorStyle } from './style.js';

export const searchAfter: PaginatorStyle<PaginateSearchAfter, unknown> = {
  defaultStop: { emptyPage: true },
  noun: 'search_after position',
  check(spec) {
    const after = spec.after;
    const parsed = parseJsonPath(after);
    // A malformed path is the schema check's to report.
    if (!parsed.ok || parsed.segments.every((s) => !s.descendant && (s.selector.kind === 'name' || s.selector.kind === 'index'))) return [];
    const issue: PaginatorIssue = {
      path: ['after'],
      code: 'bad-jsonpath',
      message:
        `searchAfter.after ${after} may select several values, and only the first would be sent; it must name one ` +
        'value of the last record (names and indexes only, e.g. $.sort): the whole array of its sort values',
    };
    return [issue];
  },
  firstPosition: () => undefined,
  applyPosition(spec, request, position) {
    if (position === undefined) return request;
    const target = toTarget(spec.param);
    return placeValue(request, target, target.in === 'body' ? position : JSON.stringify(position));
  },
  nextPosition(spec, page) {
    const last = page.records[page.records.length - 1];
    if (last === undefined) return undefined;
    const after = spec.after;
    const value = selectFirst(after, last);
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
      throw new PaginationError(
        `${page.request}: the page's last record has no search_after values at ${after} (${describeValue(last)}); ` +
          'the request must sort (search_after continues after the sort values of the last hit)',
      );
    }
    return value;
  },
};
