/**
 * Credential checks for each auth style and a small OAuth 2 token service. Failures are the 401s real
 * APIs send (with WWW-Authenticate), because the engine must treat them as fatal, never as retriable.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from './clock.js';
import { HttpError, json, type AuthKind, type Reply } from './http.js';

export interface AuthOptions {
  /** Static bearer token of the ordinary `/v1` routes. @default 'sandbox-token' */
  token?: string;
  /** HTTP Basic credentials of `/v1/basic`. @default { user: 'sandbox', password: 'sandbox-pass' } */
  basic?: { user: string; password: string };
  /** `X-API-Key` header / `api_key` query value. @default 'sandbox-key' */
  apiKey?: string;
  /** OAuth client. @default 'sandbox-client' / 'sandbox-secret' */
  clientId?: string;
  clientSecret?: string;
  /** The refresh token `grant_type=refresh_token` accepts. @default 'sandbox-refresh' */
  refreshToken?: string;
  /** `expires_in` of issued access tokens. @default 3600 */
  tokenTtlSeconds?: number;
}

export type Credentials = Required<AuthOptions>;

export function credentials(opts: AuthOptions = {}): Credentials {
  return {
    token: opts.token ?? 'sandbox-token',
    basic: opts.basic ?? { user: 'sandbox', password: 'sandbox-pass' },
    apiKey: opts.apiKey ?? 'sandbox-key',
    clientId: opts.clientId ?? 'sandbox-client',
    clientSecret: opts.clientSecret ?? 'sandbox-secret',
    refreshToken: opts.refreshToken ?? 'sandbox-refresh',
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
  };
}

function unauthorized(message: string, challenge: string, code = 'unauthorized'): HttpError {
  return new HttpError(401, code, message, { 'www-authenticate': challenge });
}

function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m?.[1];
}

function basicOf(headers: IncomingHttpHeaders): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Access tokens issued by `/oauth/token`, each with its own expiry. */
export class OAuthService {
  private readonly tokens = new Map<string, number>();
  private counter = 0;

  constructor(
    private readonly creds: Credentials,
    private readonly clock: Clock,
    private readonly onIssue: () => void,
  ) {}

  /** Makes every token issued so far expired, as if the provider revoked them. */
  expireAll(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  check(token: string | undefined): 'ok' | 'expired' | 'unknown' {
    const expiresAt = token === undefined ? undefined : this.tokens.get(token);
    if (expiresAt === undefined) return 'unknown';
    return this.clock.now() < expiresAt ? 'ok' : 'expired';
  }

  /** `POST /oauth/token`: client_credentials (client via Basic or body) and refresh_token grants. */
  tokenEndpoint(body: unknown, headers: IncomingHttpHeaders): Reply {
    const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const client = basicOf(headers) ?? (form.client_id === undefined ? undefined : { user: String(form.client_id), password: String(form.client_secret ?? '') });
    const clientOk = client !== undefined && client.user === this.creds.clientId && client.password === this.creds.clientSecret;
    const oauthError = (status: number, error: string, description: string) =>
      new HttpError(status, error, description, {}, { error, error_description: description });

    if (form.grant_type === 'client_credentials') {
      if (!clientOk) throw oauthError(401, 'invalid_client', 'unknown client or wrong secret');
    } else if (form.grant_type === 'refresh_token') {
      if (client !== undefined && !clientOk) throw oauthError(401, 'invalid_client', 'unknown client or wrong secret');
      if (form.refresh_token !== this.creds.refreshToken) throw oauthError(400, 'invalid_grant', 'refresh token is invalid');
    } else {
      throw oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials or refresh_token');
    }
    const ttl = this.creds.tokenTtlSeconds;
    const accessToken = `oat_${++this.counter}_${randomBytes(6).toString('hex')}`;
    this.tokens.set(accessToken, this.clock.now() + ttl * 1000);
    this.onIssue();
    return json(
      { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, refresh_token: this.creds.refreshToken, scope: 'contacts.read' },
      { 'cache-control': 'no-store' },
    );
  }
}

/** Throws the 401 a real API would send, or returns when the request carries valid credentials. */
export function authenticate(kind: AuthKind, headers: IncomingHttpHeaders, query: URLSearchParams, creds: Credentials, oauth: OAuthService): void {
  switch (kind) {
    case 'none':
      return;
    case 'bearer':
      if (bearerOf(headers) !== creds.token) throw unauthorized('missing or invalid bearer token', 'Bearer realm="sandbox"');
      return;
    case 'basic': {
      const basic = basicOf(headers);
      if (basic?.user !== creds.basic.user || basic.password !== creds.basic.password) throw unauthorized('missing or invalid basic credentials', 'Basic realm="sandbox"');
      return;
    }
    case 'apikey':
      if (headers['x-api-key'] !== creds.apiKey) throw unauthorized('missing or invalid X-API-Key header', 'ApiKey realm="sandbox"');
      return;
    case 'apikey-query':
      if (query.get('api_key') !== creds.apiKey) throw unauthorized('missing or invalid api_key parameter', 'ApiKey realm="sandbox"');
      return;
    case 'oauth': {
      const state = oauth.check(bearerOf(headers));
      if (state === 'expired') throw unauthorized('access token expired', 'Bearer error="invalid_token", error_description="The access token expired"', 'invalid_token');
      if (state === 'unknown') throw unauthorized('missing or unknown access token', 'Bearer realm="sandbox"', 'invalid_token');
      return;
    }
  }
}
