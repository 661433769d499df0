/** Pagination styles by the spec's `paginate.type`: adding a style is one file and one line here. */
import type { Paginator } from '../spec/model.generated.js';
import { keyset } from './keyset.js';
import { linkHeader } from './linkHeader.js';
import { nextUrl } from './nextUrl.js';
import { none } from './none.js';
import { offset } from './offset.js';
import { pageNumber } from './pageNumber.js';
import { relay } from './relay.js';
import { requery } from './requery.js';
import { searchAfter } from './searchAfter.js';
import type { PaginatorStyle } from './style.js';
import { token } from './token.js';

export const paginators = { none, token, nextUrl, linkHeader, pageNumber, offset, keyset, relay, requery, searchAfter } satisfies {
  // `any`: each style picks its own position type; paginate.ts only moves positions around as JSON.
  [T in Paginator['type']]: PaginatorStyle<Extract<Paginator, { type: T }>, any>;
};

export type PaginatorType = keyof typeof paginators;
