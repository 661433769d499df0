/**
 * HTTP failures, sorted by what happens next: `fatal` (stop, a person must act), `retriable` (a transient
 * fault: retried with backoff), `rateLimited` (the API asked us to wait). The message always names the
 * request and summarizes the answer in one line — never a whole body, never a secret.
 */
import type { Redactor } from './redact.js';

export type HttpErrorKind = 'fatal' | 'retriable' | 'rateLimited';

/** Stable codes for callers that branch on the failure (and for logs). */
export type HttpErrorCode =
  | 'HTTP_STATUS' // the API answered with an error status
  | 'HTTP_NETWORK' // connection refused, reset, DNS…
  | 'HTTP_TIMEOUT' // no complete answer within timeoutMs
  | 'HTTP_FORMAT' // a 2xx answer that is not JSON (HTML, truncated…)
  | 'HTTP_RATE_LIMIT' // rate limited for longer than the client waits
  | 'HTTP_CREDENTIALS' // not sent: it would carry credentials to another origin
  | 'HTTP_REDIRECT' // too many redirects, or one without a usable Location
  | 'HTTP_TOO_LARGE'; // the body is larger than api.maxResponseBytes

export interface HttpErrorInit {
  kind: HttpErrorKind;
  code: HttpErrorCode;
  /** describeRequest(…) of the failed request: method and URL, secrets redacted. */
  request: string;
  /** One line: status and the start of the body, or the network failure. Already redacted. */
  summary: string;
  status?: number;
  /** How many attempts were made before giving up (1 = no retry). */
  attempts?: number;
  cause?: unknown;
}

export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly code: HttpErrorCode;
  readonly request: string;
  readonly summary: string;
  readonly status: number | undefined;
  readonly attempts: number;

  constructor(init: HttpErrorInit) {
    const attempts = init.attempts ?? 1;
    super(`${init.request}: ${init.summary}${attempts > 1 ? ` (gave up after ${attempts} attempts)` : ''}`, {
      cause: init.cause,
    });
    this.name = 'HttpError';
    this.kind = init.kind;
    this.code = init.code;
    this.request = init.request;
    this.summary = init.summary;
    this.status = init.status;
    this.attempts = attempts;
  }
}

/** A successful status whose body is not the JSON we need: an HTML error page, plain text, a cut-off document. */
export class ResponseFormatError extends HttpError {
  constructor(init: Omit<HttpErrorInit, 'code'>) {
    super({ ...init, code: 'HTTP_FORMAT' });
    this.name = 'ResponseFormatError';
  }
}

const EXCERPT_LENGTH = 200;

/** The first 200 characters of a body on one line, redacted; control characters (binary bodies) escaped. */
export function excerpt(text: string, redactor: Redactor): string {
  const flat = redactor
    .redact(text)
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat;
}

/** `404 Not Found: {"message":"Not Found"}` */
export function summarizeStatus(status: number, statusText: string | undefined, body: string, redactor: Redactor): string {
  const head = statusText ? `${status} ${statusText}` : String(status);
  const text = excerpt(body, redactor);
  return text === '' ? `${head} (empty body)` : `${head}: ${text}`;
}
