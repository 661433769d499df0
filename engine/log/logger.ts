/**
 * Structured logs through pino: readable lines on an interactive terminal (pino-pretty), one JSON
 * object per line otherwise (CI, services, files). Every message and string field passes through
 * `redact`, so a secret that reached an error text never reaches a log.
 */
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type prettyModule from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Removes secret values from a text (OpenedProject.redact). */
  redact: (text: string) => string;
  /** Human-readable lines; default: when stderr is a terminal. */
  pretty?: boolean;
  level?: 'debug' | 'info' | 'warn' | 'error';
  /** Where lines go; default stderr (stdout stays for command output). */
  destination?: NodeJS.WritableStream;
}

/** pino-pretty, loaded for a terminal only: JSON lines (CI, services) never need it. */
function loadPretty(): typeof prettyModule {
  const loaded = createRequire(import.meta.url)('pino-pretty') as typeof prettyModule & { default?: typeof prettyModule };
  return loaded.default ?? loaded;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const human = options.pretty ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  // On a terminal the message says it all; the fields stay in the JSON form (and in run history).
  const stream = human
    ? loadPretty()({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', hideObject: true, sync: true })
    : destination;
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      // JSON lines are read by machines and people alike: level names and ISO times, not numbers.
      ...(human ? {} : { timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } }),
      hooks: {
        // Redact the message and every string argument before pino formats them.
        logMethod(args, method) {
          method.apply(this, args.map((arg) => redactDeep(arg, options.redact)) as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}

function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (value instanceof Error) return redact(value.message);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)]));
  }
  return value;
}
