/**
 * The HTTP side of one connector: base URL and default headers rendered once, one authenticator
 * (so an OAuth2 token is shared by every sync), and one client per pacer — every sync naming a
 * pacer waits on the same budget, and each sender (one per sync) is its own share of it.
 */
import type { LoadedConnector } from '../config/load.js';
import { createHttpClient, createTokenHttp, type HttpClient } from '../http/client.js';
import { createAuthenticator } from '../http/auth/registry.js';
import type { Authenticator } from '../http/auth/types.js';
import { SyncError } from '../core/errors.js';
import { Redactor } from '../http/redact.js';
import { compileTemplate } from '../template/render.js';
import { readsSecrets } from '../template/secrets.js';
import type { HttpSender } from './stream.js';
import type { PacerRegistry } from './pacers.js';
import type { TransportFactory } from '../http/transport.js';

/** Beyond the API's timeout, how long a request's slot in a shared pacer budget may stay in flight. */
const IN_FLIGHT_MARGIN_MS = 5000;

export interface ConnectorHttp {
  baseUrl: string;
  redactor: Redactor;
  senderFor(pacer: string | undefined): HttpSender;
  close(): void;
}

export function createConnectorHttp(
  loaded: LoadedConnector,
  pacers: PacerRegistry,
  options: { secretsRequired: boolean; transport?: TransportFactory } = { secretsRequired: true },
): ConnectorHttp {
  const { spec, vars, secrets } = loaded;
  const redactor = new Redactor();
  for (const [name, value] of Object.entries(secrets)) redactor.addNamed(name, value);
  const context = { vars, secrets, now: new Date().toISOString() };
  const baseUrl = compileTemplate(spec.api.baseUrl)(context);
  const apiHeaders = Object.entries(spec.api.headers ?? {});
  const headers = Object.fromEntries(apiHeaders.map(([name, source]) => [name, compileTemplate(source, 'header')(context)]));
  const common = {
    timeoutMs: spec.api.timeoutMs,
    maxResponseBytes: spec.api.maxResponseBytes,
    retry: spec.api.retry,
    redactor,
    transport: options.transport,
  };
  const credentials = {
    credentialHeaders: apiHeaders.filter(([, source]) => readsSecrets(source)).map(([name]) => name),
    credentialOrigins: spec.api.credentialOrigins ?? [],
  };
  const rateLimit = spec.api.rateLimit;
  const tokenHttp = createTokenHttp(common);
  const auth = authenticatorOf(() => createAuthenticator(spec.api.auth, { secrets, vars, redactor, http: tokenHttp }), options.secretsRequired);
  const clients = new Map<string, HttpClient>();

  const clientFor = (pacerName: string | undefined): HttpClient => {
    const id = pacerName ?? '';
    let client = clients.get(id);
    if (!client) {
      // A request is in flight at most one timeout (and a moment for its answer to be read).
      const pacer = pacerName ? pacers.get(loaded.name, pacerName, spec.pacers![pacerName], spec.api.timeoutMs + IN_FLIGHT_MARGIN_MS) : undefined;
      client = createHttpClient({ ...common, ...credentials, baseUrl, headers, auth, pacer, rateLimit });
      clients.set(id, client);
    }
    return client;
  };

  return {
    baseUrl,
    redactor,
    senderFor: (pacerName) => {
      const client = clientFor(pacerName);
      // The sender is the owner the pacer shares its budget by: one per sync.
      const sender: HttpSender = { send: (request, io) => client.send(request, { signal: io.signal, metrics: io.metrics, owner: sender }) };
      return sender;
    },
    close: () => {
      for (const client of clients.values()) client.close();
      tokenHttp.close();
    },
  };
}

/**
 * The authenticator, or — when secrets are not required and one has no value — one that refuses
 * every request with why, so that commands which send none still open the project.
 */
function authenticatorOf(create: () => Authenticator, secretsRequired: boolean): Authenticator {
  if (secretsRequired) return create();
  try {
    return create();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { authenticate: () => Promise.reject(new SyncError('missing-secret', message)) };
  }
}
