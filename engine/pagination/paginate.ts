/**
 * The one entry point the runtime calls for pagination. It turns a resolved paginator spec into pure
 * functions over a JSON position (persisted in checkpoints), and guards every style at once: a next
 * position equal to the current one — a repeated token, the same next URL, an offset or keyset that did
 * not move — or a page that repeats the records of the page before it (an API ignoring `?page=`) is an
 * error, never an endless loop.
 */
import { createHash } from 'node:crypto';
import type { Paginator } from '../spec/model.generated.js';
import { jsonEqual } from '../extract/jsonEqual.js';
import { selectFirst } from '../extract/jsonpath.js';
import { describeRequest, type HttpRequest, type HttpResponse } from '../http/request.js';
import type { Redactor } from '../http/redact.js';
import { PaginationError } from './errors.js';
import { placeValue, toPageSize } from './param.js';
import { checkPaginator, describeIssue } from './check.js';
import { styleOf } from './facts.js';
import { compileStop, type StopReason } from './stop.js';
import type { Page, PaginatorStyle, TemplateCursor } from './style.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where pagination stands, as persisted in checkpoints: the style's position (`at`: a token, URL, page
 * number…, null before the first page of styles that start without one) and a digest of the records of the
 * page before it, so a page that merely repeats its predecessor (an API ignoring `?page=`) is caught too.
 */
export interface Position {
  at: JsonValue;
  previousPage?: string;
}

export interface PageResult {
  response: HttpResponse;
  records: unknown[];
  /** The position the page was fetched at (what first() or the previous next() gave, possibly via a checkpoint). */
  position: unknown;
}

export type NextPage = { done: true; reason: StopReason } | { done: false; position: Position };

export interface CompiledPaginator {
  readonly type: Paginator['type'];
  /** The page size, also what templates see as {{page.size}}; undefined when the spec gives none. */
  readonly pageSize: number | undefined;
  first(): Position;
  /** The request for a page: the page size parameter when the spec names one, and the position put in place. */
  apply(request: HttpRequest, position: unknown): HttpRequest;
  next(page: PageResult): NextPage;
  /**
   * The positions of up to `count` pages from `next` on (itself first) that the total the page
   * announced says exist, were every page full; none for a style that cannot tell them ahead.
   */
  ahead(page: PageResult, next: Position, count: number): Position[];
  /** What {{cursor}} is for this position (keyset, requery), or undefined to keep the sync's own cursor. */
  templateCursor(position: unknown): TemplateCursor | undefined;
}

export interface PaginatorOptions {
  /** Redacts secret values out of error messages. */
  redactor?: Redactor;
  /** Spec location for configuration errors. Default `paginate`. */
  where?: string;
}

export function compilePaginator(
  spec: Paginator | undefined,
  baseUrl: string,
  options: PaginatorOptions = {},
): CompiledPaginator {
  const resolved: Paginator = spec ?? { type: 'none' };
  const where = options.where ?? 'paginate';
  // The one refusal compile makes, and the rules validate reports: a checked spec never fails here.
  const [issue] = checkPaginator(resolved);
  if (issue) throw new PaginationError(describeIssue(where, issue));
  const style: PaginatorStyle<Paginator, JsonValue> = styleOf(resolved);
  const pageSize = 'pageSize' in resolved ? toPageSize(resolved.pageSize) : undefined;
  const stopSpec = ('stop' in resolved ? resolved.stop : undefined) ?? style.defaultStop;
  const pastTotal = style.pastTotal;
  const shouldStop = compileStop(stopSpec, {
    pageSize: pageSize?.value,
    pastTotal: pastTotal && ((total, next) => pastTotal(resolved, total, next as JsonValue)),
  });
  // Positions come back from checkpoints; one of another shape (an older engine, a hand-edited database) is
  // refused here rather than misread.
  const styleAt = (position: unknown): JsonValue | undefined => {
    const at = toPosition(position, where).at;
    return at === null ? undefined : at;
  };
  const show = (value: JsonValue) => {
    const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
    const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    return options.redactor ? options.redactor.redact(shown) : shown;
  };

  return {
    type: resolved.type,
    pageSize: pageSize?.value,
    first: () => ({ at: style.firstPosition(resolved) ?? null }),
    apply(request, position) {
      // Page size first: a next-URL position replaces the query, and the URL already carries the size.
      const sized = pageSize?.target ? placeValue(request, pageSize.target, pageSize.value) : request;
      return style.applyPosition(resolved, sized, styleAt(position), baseUrl);
    },
    next(result) {
      // The request is described for messages only, so only when one is written.
      let described: string | undefined;
      const describe = () => (described ??= describeRequest(result.response.request, options.redactor));
      const page: Page<JsonValue> = {
        response: result.response,
        records: result.records,
        position: styleAt(result.position),
        get request() { return describe(); },
        baseUrl,
      };
      const next = style.nextPosition(resolved, page);
      const reason = shouldStop({ body: result.response.body, records: result.records, next, get request() { return describe(); } });
      if (reason !== undefined) return { done: true, reason };
      if (next === undefined) {
        throw new PaginationError(
          `${page.request}: no next ${style.noun} in the response, yet no stop condition holds ` +
            `(${Object.keys(stopSpec).join(', ')}); the spec's pagination does not fit this API`,
        );
      }
      const current = [page.position, style.fetchedAt?.(resolved, page)];
      if (current.some((position) => position !== undefined && jsonEqual(next, position))) {
        throw new PaginationError(
          `${page.request}: the next ${style.noun} ${show(next)} is the same as the current one; ` +
            "the API's pagination is not advancing",
        );
      }
      const digest = result.records.length > 0 && !style.rereadsRecords ? digestOf(result.records) : undefined;
      if (digest !== undefined && digest === toPosition(result.position, where).previousPage) {
        throw new PaginationError(
          `${page.request}: this page has the same records as the page before it; the API's pagination is not ` +
            `advancing (does it read the ${style.noun} where the spec sends it?)`,
        );
      }
      return { done: false, position: digest === undefined ? { at: next } : { at: next, previousPage: digest } };
    },
    ahead(page, next, count) {
      const total = stopSpec.total === undefined ? undefined : Number(selectFirst(stopSpec.total, page.response.body));
      if (!style.ahead || !pastTotal || total === undefined || !Number.isFinite(total)) return [];
      const positions: Position[] = [];
      for (let n = 0; n < count; n++) {
        const at = style.ahead(resolved, next.at, n, pageSize?.value);
        if (at === undefined || pastTotal(resolved, total, at)) break;
        positions.push({ at });
      }
      return positions;
    },
    templateCursor: (position) => style.cursor?.at(styleAt(position)),
  };
}

function toPosition(value: unknown, where: string): Position {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    'at' in value &&
    (!('previousPage' in value) || typeof value.previousPage === 'string');
  if (!ok) {
    const shown = JSON.stringify(value) ?? String(value);
    throw new PaginationError(`${where}: ${shown.slice(0, 200)} is not a pagination position ({ at, previousPage? })`);
  }
  return value as Position;
}

/**
 * What tells a page from the one before it: its length and its first and last records. A page
 * served again has all three the same; pages that advance differ in at least their ends. Cheaper
 * than hashing every record of every page.
 */
function digestOf(records: unknown[]): string {
  const ends = JSON.stringify([records.length, records[0], records[records.length - 1]]);
  return createHash('sha256').update(ends).digest('base64url').slice(0, 22);
}
