/**
 * The API's URLs must be URLs: a static `api.baseUrl` (and an OAuth2 `tokenUrl`) is checked as it is
 * written; one built from vars is checked as the config's values render it, when a config gives them.
 * A bad one would otherwise pass `validate` and fail on the first request.
 */
import type { DocPath } from '../diagnostics.js';
import { compileTemplate } from '../../template/render.js';
import { readsSecrets } from '../../template/secrets.js';
import { isPlainObject, type SpecContext } from './context.js';
import { authKinds, type AuthType } from '../../http/auth/registry.js';

export function checkApi(ctx: SpecContext): void {
  const api = ctx.raw.api;
  if (!isPlainObject(api) || !ctx.isClean(['api'])) return;
  checkUrl(ctx, ['api', 'baseUrl'], api.baseUrl, 'api.baseUrl');
  const auth = api.auth;
  if (!isPlainObject(auth) || !Object.hasOwn(authKinds, auth.type)) return;
  const urls: readonly string[] = (authKinds[auth.type as AuthType] as { urls?: readonly string[] }).urls ?? [];
  for (const key of urls) checkUrl(ctx, ['api', 'auth', key], (auth as Record<string, unknown>)[key], `auth.${key}`);
}

function checkUrl(ctx: SpecContext, at: DocPath, template: unknown, what: string): void {
  if (typeof template !== 'string') return;
  const dynamic = template.includes('{{');
  // Secrets are not known when validating, nor vars without a config: those are checked at run time.
  if (dynamic && (ctx.varValues === undefined || readsSecrets(template))) return;
  let url: string;
  try {
    url = dynamic ? compileTemplate(template)({ vars: ctx.varValues }) : template;
  } catch {
    return; // The template's own errors are reported by the template checks.
  }
  const problem = urlProblem(url);
  if (!problem) return;
  const shown = dynamic ? ` (rendered with the config's vars: '${url}')` : '';
  ctx.report.error(at, 'bad-url', `${what} must be an absolute http:// or https:// URL${shown}: ${problem}`);
}

function urlProblem(text: string): string | undefined {
  if (!URL.canParse(text)) return text.trim() === '' ? 'it is empty' : `'${text}' is not a URL`;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `'${text}' uses ${url.protocol.slice(0, -1)}`;
  return undefined;
}
