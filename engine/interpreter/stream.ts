/**
 * A stream is a request, a paginator and a record selector: it fetches one page at a position
 * and says where the next page is. Shared by syncs, parent listings and delete streams. It keeps
 * no state between calls; positions are plain JSON so they can live in checkpoints.
 */
import type { Paginator, Request } from '../spec/types.generated.js';
import type { HttpRequest, HttpResponse } from '../http/request.js';
import type { SyncMetrics } from '../core/types.js';
import { describeRequest, resolveUrl } from '../http/request.js';
import { compilePaginator } from '../pagination/paginate.js';
import { describeValue, ExtractError, selectRecords } from '../extract/jsonpath.js';
import type { TemplateContext } from '../template/render.js';
import type { CursorPosition } from './cursor.js';
import { compileRequest } from './request.js';

export interface StreamSpec {
  request: Request;
  records?: string;
  paginate?: Paginator;
  /**
   * The records are mapped, so they must be objects: a records path that selects only scalars (ids,
   * strings) fails the page naming the request and the path. Delete streams may list bare keys.
   */
  objects?: boolean;
}

/** Per-call I/O context: cancellation, and the run's counters that every request adds to. */
export interface FetchIo {
  signal: AbortSignal;
  metrics: SyncMetrics;
}

export interface HttpSender {
  send(request: HttpRequest, io: FetchIo): Promise<HttpResponse>;
}

export interface FetchedPage {
  records: unknown[];
  response: HttpResponse;
  next: { done: true } | { done: false; position: unknown };
}

export interface Stream {
  pageSize: number | undefined;
  firstPosition(): unknown;
  /** For keyset and requery pagination: the cursor the request templates see at a position. */
  templateCursor(position: unknown): (CursorPosition & { tie?: boolean }) | undefined;
  fetch(position: unknown, ctx: TemplateContext, io: FetchIo): Promise<FetchedPage>;
  /** The request for the page at a position, for messages (method and URL; secrets redacted later). */
  describe(position: unknown, ctx: TemplateContext): string;
}

export function compileStream(spec: StreamSpec, http: HttpSender, baseUrl: string): Stream {
  const build = compileRequest(spec.request);
  const paginator = compilePaginator(spec.paginate, baseUrl);
  const recordsPath = spec.records ?? '$[*]';
  return {
    pageSize: paginator.pageSize,
    firstPosition: () => paginator.first(),
    templateCursor: (position) => {
      const cursor = paginator.templateCursor(position);
      if (!cursor) return undefined;
      const at = { value: cursor.value as string | number, id: cursor.id };
      return cursor.tie === undefined ? at : { ...at, tie: cursor.tie };
    },
    describe: (position, ctx) => describeRequest(resolved(paginator.apply(build({ ...ctx, page: { size: paginator.pageSize } }), position), baseUrl)),
    async fetch(position, ctx, io) {
      const request = paginator.apply(build({ ...ctx, page: { size: paginator.pageSize } }), position);
      const response = await http.send(request, io);
      const described = describeRequest(response.request ?? request);
      const records = selectRecords(recordsPath, response.body, described);
      if (spec.objects) requireObjects(records, recordsPath, described);
      return { records, response, next: paginator.next({ response, records, position }) };
    },
  };
}

/**
 * A page whose records are none of them objects means a records path that selects the wrong thing
 * (ids, names): the page fails. One odd item among objects (a null the API let slip) fails alone.
 */
function requireObjects(records: unknown[], path: string, request: string): void {
  if (records.length === 0 || records.some((record) => record !== null && typeof record === 'object' && !Array.isArray(record))) return;
  throw new ExtractError(
    `${request}: records path ${path} selected ${records.length} value(s) that are not objects (the first is ${describeValue(records[0])}); ` +
      'it must select the records themselves (e.g. $.data[*])',
    path,
  );
}

/** The request with its URL resolved against the base URL, as the client would send it. */
function resolved(request: HttpRequest, baseUrl: string): HttpRequest {
  return { ...request, url: resolveUrl(baseUrl, request.url) };
}
