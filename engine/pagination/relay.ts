/** GraphQL Relay connections: `pageInfo { endCursor, hasNextPage }`, the cursor sent as `variables.after`. */
import type { PaginateRelay } from '../spec/model.generated.js';
import { describeValue, selectFirst } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';
import { placeValue, toTarget } from './param.js';
import type { PaginatorStyle } from './style.js';

export const relay: PaginatorStyle<PaginateRelay, string> = {
  defaultStop: { missingToken: true },
  noun: 'endCursor',
  firstPosition: () => undefined,
  applyPosition: (spec, request, position) =>
    position === undefined
      ? request
      : placeValue(request, toTarget(spec.param), position),
  nextPosition(spec, page) {
    const pageInfo = selectFirst(spec.pageInfo, page.response.body);
    if (pageInfo === null || typeof pageInfo !== 'object' || Array.isArray(pageInfo)) {
      throw new PaginationError(
        `${page.request}: pageInfo path ${spec.pageInfo} found no object (got ${describeValue(pageInfo)}; ` +
          `the response is ${describeValue(page.response.body)})`,
      );
    }
    const { endCursor, hasNextPage } = pageInfo as { endCursor?: unknown; hasNextPage?: unknown };
    if (hasNextPage === false) return undefined;
    if (typeof endCursor === 'string' && endCursor !== '') return endCursor;
    if (hasNextPage === true) {
      throw new PaginationError(
        `${page.request}: pageInfo at ${spec.pageInfo} says hasNextPage but has no endCursor (got ${describeValue(endCursor)})`,
      );
    }
    return undefined;
  },
};
