/** createLogger: JSON lines off a terminal, readable lines on one, and no secret in either. */
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../../engine/log/logger.js';
import { Redactor } from '../../engine/http/redact.js';

const SECRET = 'sk_live_abcdef123456';
const redactor = new Redactor([SECRET]);
const redact = (text: string) => redactor.redact(text);

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let out = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return { stream, text: () => out };
}

/** pino-pretty formats through a transform: let it flush. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('createLogger', () => {
  test('off a terminal: one JSON object per line, with level names and ISO times', async () => {
    const out = capture(false);
    const logger = createLogger({ redact, destination: out.stream });
    logger.info({ sync: 'crm.contacts', runId: 3 }, 'run started');
    logger.warn('careful');
    await settle();
    const lines = out.text().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), sync: 'crm.contacts', runId: 3, msg: 'run started' },
      { level: 'warn', time: expect.any(String), msg: 'careful' },
    ]);
  });

  test('secrets are redacted in the message, in fields at any depth, and in errors', async () => {
    const out = capture(false);
    const logger = createLogger({ redact, destination: out.stream });
    logger.error(
      { url: `https://api.example.com/v1?token=${SECRET}`, nested: { list: [`Bearer ${SECRET}`] }, error: new Error(`401 for ${SECRET}`) },
      `request failed with ${SECRET}`,
    );
    await settle();
    expect(out.text()).not.toContain(SECRET);
    expect(JSON.parse(out.text())).toMatchObject({
      level: 'error',
      url: 'https://api.example.com/v1?token=[REDACTED]',
      nested: { list: ['Bearer [REDACTED]'] },
      error: '401 for [REDACTED]',
      msg: 'request failed with [REDACTED]',
    });
  });

  test('on a terminal: readable lines, redacted too; --log-format forces either way', async () => {
    const tty = capture(true);
    createLogger({ redact, destination: tty.stream }).info({ sync: 'crm.contacts' }, `committed with ${SECRET}`);
    await settle();
    const line = tty.text().replace(/\x1b\[[0-9;]*m/g, '');
    // One line per entry: the fields stay in the JSON form and in run history.
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: committed with \[REDACTED\]\n$/);

    const forcedJson = capture(true);
    createLogger({ redact, destination: forcedJson.stream, pretty: false }).info('plain');
    await settle();
    expect(JSON.parse(forcedJson.text())).toMatchObject({ level: 'info', msg: 'plain' });
  });

  test('below the level, nothing is written', async () => {
    const out = capture(false);
    createLogger({ redact, destination: out.stream, level: 'warn' }).info('hidden');
    await settle();
    expect(out.text()).toBe('');
  });
});
