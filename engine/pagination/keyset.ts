/**
 * Keyset pagination over (field, id) — `WHERE ts > :t OR (ts = :t AND id > :id)`. The query shape is
 * API-specific, so this style does not patch the request: the caller re-renders the request templates with
 * {{cursor.value}} / {{cursor.id}} taken from `cursor.at(position)`, and validate requires it to read them.
 */
import type { PaginateKeyset } from '../spec/model.generated.js';
import { describeValue, selectFirst } from '../extract/jsonpath.js';
import { PaginationError } from './errors.js';
import type { PaginatorStyle } from './style.js';

export interface KeysetPosition {
  value: unknown;
  id: string | null;
}

export const keyset: PaginatorStyle<PaginateKeyset, KeysetPosition> = {
  defaultStop: { shortPage: true, emptyPage: true },
  noun: 'keyset position',
  firstPosition: () => undefined,
  applyPosition: (_spec, request) => request,
  nextPosition(spec, page) {
    const last = page.records[page.records.length - 1];
    if (last === undefined) return undefined;
    const value = selectFirst(spec.field, last);
    if (value === undefined || value === null) {
      throw new PaginationError(
        `${page.request}: keyset field ${spec.field} found nothing in the page's last record (${describeValue(last)})`,
      );
    }
    const id = selectFirst(spec.idField, last);
    if (id !== undefined && id !== null && typeof id === 'object') {
      throw new PaginationError(`${page.request}: keyset idField ${spec.idField} is not a scalar (got ${describeValue(id)})`);
    }
    return { value, id: id === undefined || id === null ? null : String(id) };
  },
  cursor: {
    fields: ['value', 'id'],
    requires: [{ fields: ['value'], code: 'keyset-without-cursor', cannot: 'advance', fix: 'send it in the query or body' }],
    at: (position) => (position === undefined ? undefined : { value: position.value, id: position.id }),
  },
};
