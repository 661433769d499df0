/**
 * OAuth2 client credentials and refresh-token grants (RFC 6749 §4.4, §6). The access token lives in memory
 * only: it is fetched on first use, reused until shortly before it expires, and renewed once when the API
 * answers 401. Concurrent requests that need a token share one token request (single flight).
 */
import type { AuthOAuth2 } from '../../spec/model.generated.js';
import { compileTemplate } from '../../template/render.js';
import { describeRequest, type HttpResponse } from '../request.js';
import { basicCredentials, secretValue, textOrSecret, withHeader } from './credentials.js';
import type { AuthFactory } from './types.js';

/** Renew this long before the announced expiry (or halfway, for tokens that live less than two minutes). */
const EXPIRY_MARGIN_MS = 60_000;

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is renewed; undefined = the server gave no lifetime (renew on a 401). */
  renewAt: number | undefined;
}

export class OAuth2Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OAuth2Error';
  }
}

export const oauth2: AuthFactory<AuthOAuth2> = (spec, deps) => {
  const now = deps.now ?? Date.now;
  const tokenUrl = compileTemplate(spec.tokenUrl)({ vars: deps.vars, secrets: deps.secrets });
  if (!URL.canParse(tokenUrl)) {
    throw new OAuth2Error(`auth.tokenUrl must be an absolute URL, got ${JSON.stringify(deps.redactor.redact(tokenUrl))}`);
  }
  const clientId = textOrSecret(spec.clientId, deps, 'auth.clientId');
  const clientSecret = secretValue(spec.clientSecret, deps, 'auth.clientSecret');
  let refreshToken: string | undefined;
  if (spec.grant === 'refreshToken') {
    if (!spec.refreshToken) throw new OAuth2Error('auth.refreshToken is required for the refreshToken grant');
    refreshToken = secretValue(spec.refreshToken, deps, 'auth.refreshToken');
  }
  const basicHeader =
    spec.clientAuth === 'basic'
      ? // RFC 6749 §2.3.1: form-encode the id and secret before joining them.
        basicCredentials(formEncode(clientId), formEncode(clientSecret))
      : undefined;
  if (basicHeader) deps.redactor.add(basicHeader.slice('Basic '.length));

  let token: CachedToken | undefined;
  let inflight: Promise<string> | undefined;

  async function requestToken(): Promise<string> {
    const form: Record<string, string> =
      spec.grant === 'clientCredentials'
        ? { grant_type: 'client_credentials' }
        : { grant_type: 'refresh_token', refresh_token: refreshToken! };
    if (spec.scopes && spec.scopes.length > 0) form.scope = spec.scopes.join(' ');
    const headers: Record<string, string> = {};
    if (basicHeader) headers.Authorization = basicHeader;
    else Object.assign(form, { client_id: clientId, client_secret: clientSecret });

    let response: HttpResponse;
    try {
      response = await deps.http.postForm(tokenUrl, form, headers);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OAuth2Error(`OAuth2 token request (${spec.grant} grant) failed: ${deps.redactor.redact(reason)}`, {
        cause: error,
      });
    }
    const body = response.body as Record<string, unknown> | null;
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      const found = body && typeof body === 'object' ? `keys ${Object.keys(body).join(', ') || '(none)'}` : String(body);
      throw new OAuth2Error(
        `OAuth2 token request (${spec.grant} grant) to ${describeRequest(response.request, deps.redactor)} ` +
          `returned no access_token (got ${found})`,
      );
    }
    deps.redactor.add(accessToken);
    // Servers that rotate refresh tokens send a new one; the old one may already be revoked.
    if (typeof body?.refresh_token === 'string' && body.refresh_token !== '') {
      refreshToken = body.refresh_token;
      deps.redactor.add(refreshToken);
    }
    token = { value: accessToken, renewAt: renewAt(body?.expires_in) };
    return accessToken;
  }

  function renewAt(expiresIn: unknown): number | undefined {
    const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
    const lifetime = seconds * 1000;
    return now() + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 2);
  }

  function currentToken(): Promise<string> {
    if (token && (token.renewAt === undefined || now() < token.renewAt)) return Promise.resolve(token.value);
    inflight ??= requestToken().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    fields: { headers: ['Authorization'] },
    async authenticate(request) {
      return withHeader(request, 'Authorization', `Bearer ${await currentToken()}`);
    },
    async onUnauthorized(rejected) {
      const used = Object.entries(rejected.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
      // Only the token the API rejected is thrown away; one renewed meanwhile is kept.
      if (token && used === `Bearer ${token.value}`) token = undefined;
      await currentToken();
      return true;
    },
  };
};

function formEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}
