/**
 * Recorded HTTP exchanges as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format
 * browser devtools open: one file per cycle of a connector test, its `pages[0].startedDateTime` the
 * time the cycle ran at (the clock a replay runs under). Bodies are the decoded bytes the client saw
 * (UTF-8 text, else base64), so `content-encoding` and `content-length` are not kept.
 */
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { SyncError } from '../core/errors.js';
import type { Exchange, RawAnswer } from '../http/transport.js';
import { writeJsonFile } from './fixture-file.js';

export interface HarHeader {
  name: string;
  value: string;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarHeader[];
    queryString: HarHeader[];
    cookies: never[];
    headersSize: -1;
    bodySize: number;
    postData?: { mimeType: string; text: string };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarHeader[];
    cookies: never[];
    content: { size: number; mimeType: string; text: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: -1;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: { startedDateTime: string; id: string; title: string; pageTimings: Record<string, never> }[];
    entries: HarEntry[];
  };
}

/** Headers the recorded body no longer matches: it is kept decoded and whole. */
const BODY_FRAMING = new Set(['content-encoding', 'content-length', 'transfer-encoding']);

const headerList = (headers: Record<string, string | string[] | undefined>): HarHeader[] =>
  Object.entries(headers).flatMap(([name, value]) =>
    value === undefined || BODY_FRAMING.has(name.toLowerCase()) ? [] : (Array.isArray(value) ? value : [value]).map((one) => ({ name, value: one })));

export function toHarEntry(request: Exchange, answer: RawAnswer, startedAt: Date, ms: number, pageref: string): HarEntry {
  const url = new URL(request.url);
  const contentType = answer.headers['content-type'];
  const text = isUtf8(answer.body) ? { text: answer.body.toString('utf8') } : { text: answer.body.toString('base64'), encoding: 'base64' as const };
  return {
    pageref,
    startedDateTime: startedAt.toISOString(),
    time: Math.round(ms),
    request: {
      method: request.method,
      url: request.url,
      httpVersion: 'HTTP/1.1',
      headers: headerList(request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: request.body === undefined ? 0 : Buffer.byteLength(request.body),
      ...(request.body !== undefined && { postData: { mimeType: request.headers['content-type'] ?? 'application/json', text: request.body } }),
    },
    response: {
      status: answer.status,
      statusText: answer.statusMessage ?? '',
      httpVersion: 'HTTP/1.1',
      headers: headerList(answer.headers),
      cookies: [],
      content: { size: answer.body.length, mimeType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '', ...text },
      redirectURL: answer.headers.location === undefined ? '' : String(answer.headers.location),
      headersSize: -1,
      bodySize: answer.body.length,
    },
    cache: {},
    timings: { send: 0, wait: Math.round(ms), receive: 0 },
  };
}

/** The answer an entry recorded, as the transport would have handed it over. */
export function answerOf(entry: HarEntry): RawAnswer {
  const headers: Record<string, string | string[]> = {};
  for (const { name, value } of entry.response.headers) {
    const key = name.toLowerCase();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  const { content } = entry.response;
  if (content.mimeType && headers['content-type'] === undefined) headers['content-type'] = content.mimeType;
  const body = Buffer.from(content.text ?? '', content.encoding === 'base64' ? 'base64' : 'utf8');
  return { status: entry.response.status, statusMessage: entry.response.statusText, headers, body, url: entry.request.url };
}

export function harLog(entries: HarEntry[], page: { id: string; title: string; startedAt: Date }, version: string): HarLog {
  return {
    log: {
      version: '1.2',
      creator: { name: 'syncspec', version },
      pages: [{ startedDateTime: page.startedAt.toISOString(), id: page.id, title: page.title, pageTimings: {} }],
      entries,
    },
  };
}

export function writeHar(file: string, log: HarLog): Promise<void> {
  return writeJsonFile(file, log);
}

/** A recording, checked enough that a hand-edited one fails naming the file and the entry. */
export async function readHar(file: string, shown: string): Promise<{ startedAt: Date; entries: HarEntry[] }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new SyncError('invalid-fixture', `${shown}: not a HAR file (${error instanceof Error ? error.message : String(error)})`);
  }
  const log = (parsed as Partial<HarLog> | null)?.log;
  if (!log || !Array.isArray(log.entries)) throw new SyncError('invalid-fixture', `${shown}: not a HAR file (no log.entries)`);
  log.entries.forEach((entry, index) => {
    const where = `${shown}: log.entries[${index}]`;
    if (typeof entry?.request?.method !== 'string' || typeof entry.request.url !== 'string') throw new SyncError('invalid-fixture', `${where}: needs request.method and request.url`);
    if (!Number.isInteger(entry.response?.status)) throw new SyncError('invalid-fixture', `${where}: needs response.status`);
    if (!Array.isArray(entry.response.headers)) entry.response.headers = [];
    entry.response.content ??= { size: 0, mimeType: '', text: '' };
  });
  const started = log.pages?.[0]?.startedDateTime ?? log.entries[0]?.startedDateTime;
  const startedAt = new Date(started ?? Number.NaN);
  if (Number.isNaN(startedAt.getTime())) throw new SyncError('invalid-fixture', `${shown}: needs log.pages[0].startedDateTime, the time the cycle ran at`);
  return { startedAt, entries: log.entries };
}
