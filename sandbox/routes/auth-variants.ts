/**
 * The same Stripe-style contact list behind each credential style, plus the OAuth token endpoint,
 * so a connector's auth block can be tested independently of its pagination.
 */
import type { SandboxRoute } from '../env.js';
import { stripeRoute } from './cursor.js';

export const authVariantRoutes: SandboxRoute[] = [
  stripeRoute('/v1/basic/contacts', 'contacts', 'basic'),
  stripeRoute('/v1/apikey/contacts', 'contacts', 'apikey'),
  stripeRoute('/v1/apikey-query/contacts', 'contacts', 'apikey-query'),
  stripeRoute('/v1/oauth/contacts', 'contacts', 'oauth'),
  { method: 'POST', path: '/oauth/token', auth: 'none', handle: (ctx) => ctx.env.oauth.tokenEndpoint(ctx.body, ctx.headers) },
];
