/**
 * Walks a paginated collection the way the runtime does: render the request templates (with the keyset
 * cursor when there is one), apply the position, send, extract records, ask for the next position — and
 * round-trip every position through JSON, as a checkpoint would.
 */
import { createHttpClient } from '../../engine/http/client.js';
import { Redactor } from '../../engine/http/redact.js';
import { describeRequest, type HttpMethod } from '../../engine/http/request.js';
import { createAuthenticator } from '../../engine/http/auth/registry.js';
import { selectRecords } from '../../engine/extract/jsonpath.js';
import { compilePaginator, type Position } from '../../engine/pagination/paginate.js';
import type { StopReason } from '../../engine/pagination/stop.js';
import type { Paginator } from '../../engine/spec/types.generated.js';
import { paginatorModel } from '../support/model.js';
import { compileBody, compileTemplate, type TemplateContext } from '../../engine/template/render.js';
import type { ReceivedRequest, TestServer } from '../support/http-server.js';

export interface WalkOptions {
  server: TestServer;
  spec: Paginator | undefined;
  baseUrl?: string;
  method?: HttpMethod;
  /** Path template. */
  path: string;
  /** Query templates; a value that renders empty is left out. */
  query?: Record<string, string>;
  /** Body template. */
  body?: unknown;
  records?: string;
  /** {{cursor}} before keyset pagination has a position of its own. */
  initialCursor?: { value: unknown; id?: string | null };
  maxPages?: number;
}

export interface Walk {
  pages: unknown[][];
  reason: StopReason;
  requests: ReceivedRequest[];
  positions: Position[];
}

export async function walk(options: WalkOptions): Promise<Walk> {
  const baseUrl = options.baseUrl ?? options.server.url;
  const paginator = compilePaginator(paginatorModel(options.spec), baseUrl);
  const redactor = new Redactor();
  const client = createHttpClient({
    baseUrl,
    headers: {},
    timeoutMs: 2000,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    auth: createAuthenticator(undefined, { secrets: {}, vars: {}, redactor, http: { postForm: () => Promise.reject() } }),
    redactor,
  });
  const path = compileTemplate(options.path, 'path');
  const query = Object.entries(options.query ?? {}).map(([name, source]) => [name, compileTemplate(source, 'query')] as const);
  const body = options.body === undefined ? undefined : compileBody(options.body);
  const pages: unknown[][] = [];
  const positions: Position[] = [];
  try {
    let position = paginator.first();
    for (let n = 0; n < (options.maxPages ?? 20); n++) {
      positions.push(position);
      const ctx: TemplateContext = {
        page: { size: paginator.pageSize },
        cursor: paginator.templateCursor(position) ?? options.initialCursor,
      };
      const rendered = Object.fromEntries(query.map(([name, render]) => [name, render(ctx)]).filter(([, value]) => value !== ''));
      const request = paginator.apply(
        {
          method: options.method ?? 'GET',
          url: path(ctx),
          query: rendered,
          headers: {},
          ...(body ? { body: body(ctx) } : {}),
        },
        position,
      );
      const response = await client.send(request);
      const records = selectRecords(options.records ?? '$[*]', response.body, describeRequest(response.request));
      pages.push(records);
      const next = paginator.next({ response, records, position });
      if (next.done) return { pages, reason: next.reason, requests: options.server.requests, positions };
      position = JSON.parse(JSON.stringify(next.position)) as Position;
    }
    throw new Error(`pagination did not stop within ${options.maxPages ?? 20} pages`);
  } finally {
    client.close();
  }
}

/** Records with ids 1…n. */
export const collection = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

/** The ids of each page. */
export const ids = (pages: unknown[][]) => pages.map((page) => page.map((record) => (record as { id: unknown }).id));
