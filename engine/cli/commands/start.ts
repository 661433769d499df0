/**
 * `syncspec start <config> [--log-format pretty|json]`: the long-running service. Runs each
 * scheduled sync when it is due and every run `syncspec trigger` queues, logging each run's start
 * and end on stderr. The first SIGINT/SIGTERM stops scheduling and lets the running syncs finish
 * the page in flight and commit; the second aborts the requests in flight too. Exit 0 once stopped.
 * Started through npm (`npx syncspec start`, `npm run …`: npx does not forward signals), a service
 * whose launcher dies stops the same graceful way instead of running on as an orphan. Started any
 * other way (systemd, a container, `nohup`) it does not watch its parent: outliving it is the point.
 */
import { Option, type Command } from 'commander';
import { createLogger } from '../../log/logger.js';
import { createProgressBoard } from '../progress.js';
import { runService, serviceOf } from '../../service/service.js';
import { openOrReport } from '../open.js';

const LOG_FORMATS = ['pretty', 'json'] as const;
/** How often the service looks whether its parent process is still there. */
const PARENT_CHECK_MS = 1_000;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run as a service: each scheduled sync when it is due, and the runs queued by `syncspec trigger`, until SIGINT/SIGTERM')
    .argument('<config>', 'config file')
    .addOption(new Option('--log-format <format>', 'logs as readable lines or JSON lines (default: pretty on a terminal, else json)').choices(LOG_FORMATS))
    .action(async (config: string, options: { logFormat?: (typeof LOG_FORMATS)[number] }) => {
      const opened = await openOrReport(config);
      if (!opened) return;
      const pretty = options.logFormat === undefined ? Boolean(process.stderr.isTTY) : options.logFormat === 'pretty';
      // On a terminal, a bar for each sync while it runs; it goes when the run ends (its line is logged).
      const board = process.stderr.isTTY && pretty ? createProgressBoard(process.stderr, { syncs: opened.syncs.map((sync) => sync.name), removeFinished: true }) : undefined;
      const logger = createLogger({ redact: opened.redact, pretty, destination: board?.logStream ?? process.stderr });
      const graceful = new AbortController();
      const hard = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        if (!graceful.signal.aborted) {
          logger.info({ signal }, `${signal}: stopping (a second signal aborts the requests in flight)`);
          graceful.abort();
        } else {
          hard.abort();
        }
      };
      process.on('SIGINT', stop).on('SIGTERM', stop);
      // An orphan is re-parented (to init or a subreaper): its parent pid changes. npm and npx set npm_command.
      const parent = process.ppid;
      const orphaned = process.env.npm_command === undefined ? undefined : setInterval(() => {
        if (process.ppid === parent || graceful.signal.aborted) return;
        logger.warn({ parent }, `the process that started this service (pid ${parent}) is gone: stopping`);
        graceful.abort();
      }, PARENT_CHECK_MS);
      orphaned?.unref();
      if (orphaned) logger.info({ parent }, `started through npm: stops when its launcher (pid ${parent}) is gone`);
      try {
        await runService(serviceOf(opened), { logger, signal: graceful.signal, abortSignal: hard.signal, onEvent: board?.onEvent });
      } finally {
        board?.stop();
        if (orphaned) clearInterval(orphaned);
        process.off('SIGINT', stop).off('SIGTERM', stop);
        await opened.close();
      }
    });
}
