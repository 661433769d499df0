/**
 * APIs echo credentials into their next links (`api_key=…`, `access_token=…`). With each auth type, a
 * run that stops on such a link (the next page answers 500) leaves a checkpoint at it — and no secret
 * value may appear in the SQLite folder or in what `state show`, `status`, `runs list` and `runs logs`
 * print. The resumed run then follows the link exactly: a config secret is sealed as a marker and put
 * back when the URL is fetched; a token obtained at run time is dropped (the authenticator sends its own).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sendJson, useServers, type ReceivedRequest } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';
import { expectNoLeaks } from '../support/leaks.js';

afterAll(removeScratchDirs);
const serve = useServers();

const SECRET = 'sec/ret+key=with&symbols';
const USER = 'api-user';
const ACCESS_TOKEN = 'at-issued-at-run-time-31337';

interface AuthCase {
  name: string;
  auth: Record<string, unknown>;
  /** The query parameter the API echoes into its next link, and what it echoes. */
  echo: { param: string; value: string };
  /** The value must come back exactly on the next page (a config secret); a runtime token cannot. */
  restored: boolean;
  secrets: string[];
}

const oauth2 = { type: 'oauth2', grant: 'clientCredentials', tokenUrl: '{{vars.baseUrl}}/oauth/token', clientId: 'the-client', clientSecret: { secret: 'key' } };
const basicPair = Buffer.from(`${USER}:${SECRET}`).toString('base64');

const cases: AuthCase[] = [
  { name: 'bearer', auth: { type: 'bearer', token: { secret: 'key' } }, echo: { param: 'access_token', value: SECRET }, restored: true, secrets: [SECRET] },
  { name: 'basic', auth: { type: 'basic', username: USER, password: { secret: 'key' } }, echo: { param: 'auth', value: basicPair }, restored: true, secrets: [SECRET, basicPair] },
  { name: 'apiKey in a header', auth: { type: 'apiKey', name: 'X-Api-Key', key: { secret: 'key' } }, echo: { param: 'api_key', value: SECRET }, restored: true, secrets: [SECRET] },
  { name: 'apiKey in the query', auth: { type: 'apiKey', in: 'query', name: 'api_key', key: { secret: 'key' } }, echo: { param: 'api_key', value: SECRET }, restored: true, secrets: [SECRET] },
  { name: 'oauth2', auth: oauth2, echo: { param: 'access_token', value: ACCESS_TOKEN }, restored: false, secrets: [SECRET, ACCESS_TOKEN] },
];

/** An API whose next link echoes a credential, and whose second page fails until `healthy`. */
async function echoingApi(echo: AuthCase['echo']) {
  const state = { healthy: false, secondPage: [] as ReceivedRequest[] };
  const server = await serve((req, res) => {
    if (req.path === '/oauth/token') return sendJson(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3600 });
    if (req.query.get('page') !== '2') {
      const next = `/items?page=2&${new URLSearchParams({ [echo.param]: echo.value })}`;
      return sendJson(res, 200, { data: [{ id: 'a', name: 'A' }], next });
    }
    state.secondPage.push(req);
    if (!state.healthy) return sendJson(res, 500, { error: 'try again' });
    sendJson(res, 200, { data: [{ id: 'b', name: 'B' }], next: null });
  });
  return { server, state };
}

describe.each(cases)('$name: credentials echoed into a next link', (authCase) => {
  test('are never stored or printed, and the resumed run follows the link', async () => {
    const { server, state } = await echoingApi(authCase.echo);
    const { dir, config, cli } = apiProject(server.url, itemsSpec({ auth: authCase.auth }, { paginate: { type: 'nextUrl', path: '$.next' } }, ['key']), { key: SECRET });

    const failed = await cli('run', config, '--json');
    expect(failed.code).toBe(1);
    const outputs: Record<string, string> = { 'run --json': failed.stdout, 'run stderr': failed.stderr };
    const reads = [['state', 'show', config], ['state', 'show', config, '--json'], ['status', config], ['status', config, '--json'],
      ['runs', 'list', config], ['runs', 'list', config, '--json'], ['runs', 'logs', config, '1'], ['runs', 'logs', config, '1', '--json']];
    // Read-only commands: side by side.
    const results = await Promise.all(reads.map((args) => cli(...args)));
    reads.forEach((args, i) => {
      expect(results[i].code, `${args.join(' ')}: ${results[i].stderr}`).toBe(0);
      outputs[args.join(' ')] = results[i].stdout + results[i].stderr;
    });
    // The checkpoint is at the echoing link: sealed, not dropped.
    const [checkpoint] = JSON.parse(outputs[`state show ${config} --json`]);
    expect(checkpoint.state.page.position.at).toContain('page=2');
    if (authCase.restored) expect(checkpoint.state.page.position.at).toContain('[secret:key');
    expectNoLeaks(authCase.secrets, { outputs, dirs: [dir] });

    state.healthy = true;
    const resumed = await cli('run', config, '--json');
    expect(resumed.code, resumed.stdout).toBe(0);
    const last = state.secondPage.at(-1)!;
    if (authCase.restored) expect(last.query.get(authCase.echo.param)).toBe(authCase.echo.value);
    else expect(last.query.has(authCase.echo.param)).toBe(false);
    expectNoLeaks(authCase.secrets, { outputs: { run: resumed.stdout + resumed.stderr }, dirs: [dir] });
  });
});
