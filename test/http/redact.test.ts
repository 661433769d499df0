import { afterAll, describe, expect, test } from 'vitest';
import { Redactor, isSensitiveName } from '../../engine/http/redact.js';
import { sendJson, useServers } from '../support/http-server.js';
import { removeScratchDirs } from '../support/cli.js';
import { apiProject, itemsSpec } from '../support/api-project.js';
import { expectNoLeaks } from '../support/leaks.js';

describe('Redactor', () => {
  test('replaces raw, URL-encoded and base64 forms of every secret', () => {
    const redactor = new Redactor(['p@ss word/1', 'tok_live_123']);
    const base64 = Buffer.from('p@ss word/1').toString('base64');
    expect(redactor.redact(`a p@ss word/1 b ${encodeURIComponent('p@ss word/1')} c p%40ss+word%2F1 d ${base64} e tok_live_123`)).toBe(
      'a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED] e [REDACTED]',
    );
  });

  test('secrets added later are redacted too; a secret containing another is replaced whole', () => {
    const redactor = new Redactor(['abcd']);
    redactor.add('abcdefgh');
    expect(redactor.redact('x abcdefgh y abcd')).toBe('x [REDACTED] y [REDACTED]');
  });

  test('ignores empty and very short values, which are not secrets worth shredding text for', () => {
    const redactor = new Redactor(['', 'ab', undefined]);
    expect(redactor.redact('ab cd')).toBe('ab cd');
  });

  test('credential headers are hidden whatever they hold', () => {
    const redactor = new Redactor(['s3cr3t']);
    expect(
      redactor.redactHeaders({
        Authorization: 'Bearer anything',
        Cookie: 'a=b',
        'X-Api-Key': 'k',
        'X-Echo': 'value s3cr3t',
        Accept: ['application/json', 'text/plain'],
      }),
    ).toEqual({
      Authorization: '[REDACTED]',
      Cookie: '[REDACTED]',
      'X-Api-Key': '[REDACTED]',
      'X-Echo': 'value [REDACTED]',
      Accept: 'application/json, text/plain',
    });
  });

  test.each([
    ['authorization', true],
    ['api_key', true],
    ['apikey', true],
    ['X-Auth-Token', true],
    ['client_secret', true],
    ['key', true],
    ['page', false],
    ['keyword', false],
    ['monkey', false],
  ])('isSensitiveName(%s) = %s', (name, expected) => {
    expect(isSensitiveName(name)).toBe(expected);
  });
});

describe('a secret echoed back in an escaped form, through syncspec run', () => {
  afterAll(removeScratchDirs);
  const serve = useServers();
  // Quotes and backslashes are escaped in JSON; the base64 basic-auth pair does not contain the password.
  const PASSWORD = 'pa"ss\\word/42 ok';
  const PAIR = Buffer.from(`user:${PASSWORD}`).toString('base64');

  test('JSON-escaped, URL-encoded and base64 echoes of it are redacted in stderr, the summary and run history', async () => {
    const api = await serve((req, res) =>
      sendJson(res, 400, {
        error: `invalid credentials: ${PASSWORD}`,
        nested: JSON.stringify({ detail: `password ${PASSWORD}` }),
        sent: req.headers.authorization,
        query: `pw=${encodeURIComponent(PASSWORD).toLowerCase()}`,
      }),
    );
    const { dir, config, cli } = apiProject(api.url, itemsSpec({ auth: { type: 'basic', username: 'user', password: { secret: 'key' } } }, {}, ['key']), { key: PASSWORD });
    const run = await cli('run', config, '--log-format', 'json');
    expect(run.code).toBe(1);
    // The error is still there to read, with the echoes taken out.
    expect(run.stdout).toContain(`GET ${api.url}/items: 400 Bad Request: {"error":"invalid credentials: [REDACTED]"`);
    const [list, logs] = await Promise.all([cli('runs', 'list', config, '--json'), cli('runs', 'logs', config, '1', '--json')]);
    expect(JSON.parse(list.stdout)[0].error).toContain('[REDACTED]');
    expectNoLeaks([PASSWORD, PAIR], {
      outputs: { 'run stdout': run.stdout, 'run stderr': run.stderr, 'runs list': list.stdout, 'runs logs': logs.stdout },
      dirs: [dir],
    });
  });
});
