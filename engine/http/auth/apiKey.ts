import type { AuthApiKey } from '../../spec/model.generated.js';
import { secretValue, withHeader, withQuery } from './credentials.js';
import type { AuthFactory } from './types.js';

/** A key in a header (`X-Api-Key: …`, `Authorization: Token …`) or a query parameter (`?api_key=…`). */
export const apiKey: AuthFactory<AuthApiKey> = (spec, deps) => {
  const value = `${spec.prefix ?? ''}${secretValue(spec.key, deps, 'auth.key')}`;
  if (spec.in === 'query') return { fields: { query: [spec.name] }, authenticate: async (request) => withQuery(request, spec.name, value) };
  return { fields: { headers: [spec.name] }, authenticate: async (request) => withHeader(request, spec.name, value) };
};
