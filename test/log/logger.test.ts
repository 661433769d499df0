/** createLogger: JSON lines off a terminal, readable lines on one, and no secret in either. */
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../../engine/log/logger.js';
import { Redactor } from '../../engine/http/redact.js';

const SECRET = 'sk_live_abcdef123456';
const redactor = new Redactor([SECRET]);
const redact = (text: string) => redactor.redact(text);

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; lines: (count: number) => Promise<string> } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let out = '';
  const waiting: { count: number; resolve: (text: string) => void }[] = [];
  const check = () => {
    const have = out.split('\n').length - 1;
    for (const wait of waiting.splice(0)) (have >= wait.count ? wait.resolve(out) : waiting.push(wait));
  };
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    check();
  });
  return {
    stream,
    /** Resolves with everything written once `count` whole lines have been (pino-pretty formats through a transform). */
    lines: (count) =>
      new Promise((resolve) => {
        waiting.push({ count, resolve });
        check();
      }),
  };
}

describe('createLogger', () => {
  test('off a terminal: one JSON object per line, with level names and ISO times', async () => {
    const out = capture(false);
    const logger = createLogger({ redact, destination: out.stream });
    logger.info({ sync: 'crm.contacts', runId: 3 }, 'run started');
    logger.warn('careful');
    const lines = (await out.lines(2)).trimEnd().split('\n').map((line) => JSON.parse(line));
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
    const text = await out.lines(1);
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({
      level: 'error',
      url: 'https://api.example.com/v1?token=[REDACTED]',
      nested: { list: ['Bearer [REDACTED]'] },
      error: '401 for [REDACTED]',
      msg: 'request failed with [REDACTED]',
    });
  });

  test('on a terminal: readable lines, redacted too; --log-format forces either way', async () => {
    const tty = capture(true);
    const ttyLogger = createLogger({ redact, destination: tty.stream });
    ttyLogger.info({ sync: 'crm.contacts' }, `committed with ${SECRET}`);
    ttyLogger.info('next');
    const [line, next] = (await tty.lines(2)).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    // One line per entry: the fields stay in the JSON form and in run history.
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: committed with \[REDACTED\]$/);
    expect(next).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: next$/);

    const forcedJson = capture(true);
    createLogger({ redact, destination: forcedJson.stream, pretty: false }).info('plain');
    expect(JSON.parse(await forcedJson.lines(1))).toMatchObject({ level: 'info', msg: 'plain' });
  });

  test('below the level, nothing is written', async () => {
    const out = capture(false);
    const logger = createLogger({ redact, destination: out.stream, level: 'warn' });
    logger.info('hidden');
    // Lines keep their order: once the warning is written, the info before it would have been too.
    logger.warn('shown');
    const lines = (await out.lines(1)).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([{ level: 'warn', time: expect.any(String), msg: 'shown' }]);
  });
});
