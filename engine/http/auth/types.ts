/**
 * Auth is a transform of a plain request value (meltano's `authenticate_request`): it adds a header or a
 * query parameter and returns a new request. Authenticators that can renew their credential say so through
 * `onUnauthorized`, which the client calls once on a 401.
 */
import type { Auth } from '../../spec/model.generated.js';
import type { Redactor } from '../redact.js';
import type { CredentialFields, HttpRequest, HttpResponse } from '../request.js';

export interface Authenticator {
  authenticate(request: HttpRequest): Promise<HttpRequest>;
  /** The headers and query parameters it adds: never sent to another origin, whatever they hold. */
  readonly fields?: CredentialFields;
  /**
   * Called on a 401 with the authenticated request that got it. true = the credential was renewed: the
   * client retries the request once. (The request tells a stale credential from one already renewed by a
   * concurrent 401, so a burst of 401s costs one renewal.)
   */
  onUnauthorized?(rejected: HttpRequest): Promise<boolean>;
}

/**
 * The unauthenticated HTTP an authenticator may use for its own calls (OAuth2 token requests). It must not
 * be the authenticated client: a token request that needed a token would never end.
 */
export interface TokenHttp {
  postForm(url: string, form: Record<string, string>, headers: Record<string, string>): Promise<HttpResponse>;
}

export interface AuthDeps {
  /** Secret values by name, from the config (environment, .env). */
  secrets: Record<string, string>;
  /** Config var values by name, for templates in auth fields (basic username, OAuth2 tokenUrl/clientId). */
  vars: Record<string, unknown>;
  /** Credentials built or obtained at run time (basic-auth header values, access tokens) are registered here. */
  redactor: Redactor;
  http: TokenHttp;
  /** Wall clock in epoch ms, for token expiry. Default Date.now. */
  now?: () => number;
}

export type AuthFactory<S extends Auth> = (spec: S, deps: AuthDeps) => Authenticator;

/** One `auth.type`: every fact about it lives in its registry entry. */
export interface AuthKind<S extends Auth> {
  create: AuthFactory<S>;
  /** Its keys that hold URLs (templates): validate checks each is an absolute http(s) URL. */
  urls?: readonly (keyof S & string)[];
}
