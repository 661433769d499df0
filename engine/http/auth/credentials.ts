/**
 * Reading credentials out of an auth spec, and putting them on a request. Secret refs name a secret the
 * config supplies; text fields are templates over vars and secrets (e.g. a username from a var).
 */
import type { SecretRef, Template } from '../../spec/model.generated.js';
import { compileTemplate } from '../../template/render.js';
import type { HttpRequest } from '../request.js';
import type { AuthDeps } from './types.js';

/** The value of a `{ secret: NAME }` field; `field` names it for the error (e.g. `auth.token`). */
export function secretValue(ref: SecretRef, deps: AuthDeps, field: string): string {
  const value = deps.secrets[ref.secret];
  if (value === undefined || value === '') {
    throw new Error(`${field}: secret ${ref.secret} has no value; set it in the config's secrets (environment or .env file)`);
  }
  return value;
}

/** A field that is either a template (rendered over vars and secrets) or a secret ref. */
export function textOrSecret(value: Template | SecretRef, deps: AuthDeps, field: string): string {
  if (typeof value !== 'string') return secretValue(value, deps, field);
  return compileTemplate(value)({ vars: deps.vars, secrets: deps.secrets });
}

/** The request with one header set, replacing any spelling of the same name (`authorization` vs `Authorization`). */
export function withHeader(request: HttpRequest, name: string, value: string): HttpRequest {
  const wanted = name.toLowerCase();
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== wanted));
  return { ...request, headers: { ...headers, [name]: value } };
}

export function withQuery(request: HttpRequest, name: string, value: string): HttpRequest {
  return { ...request, query: { ...request.query, [name]: value } };
}

/** `Basic base64(user:password)` */
export function basicCredentials(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
