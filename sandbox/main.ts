/**
 * CLI: `node dist/sandbox/main.js --port 4010 --seed 42 --contacts 250`. Prints the URL on its first
 * stdout line (parents spawning it parse that line) and serves until SIGINT/SIGTERM.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateFaults } from './faults.js';
import { startSandbox, type SandboxOptions } from './server.js';

const USAGE = `Usage: syncspec-sandbox [options]
  --port <n>              port to listen on, 0 = any free one (default 4010)
  --host <addr>           interface (default 127.0.0.1)
  --seed <n>              dataset seed (default 42)
  --companies <n>         seeded companies (default 20)
  --contacts <n>          seeded contacts (default 250)
  --repos <n>             seeded repositories (default 5)
  --issues-per-repo <n>   seeded issues per repository (default 30)
  --clean                 no deliberately bad contacts
  --lag-ms <n>            replica lag of list endpoints (default 0)
  --token <s>             bearer token (default sandbox-token)
  --token-ttl <s>         OAuth access token lifetime in seconds (default 3600)
  --delta-max-age-ms <n>  delta token lifetime (default 3600000)
  --rate-limit <n>/<ms>   request budget per window, e.g. 10/1000 (default unlimited)
  --faults <json>         fault options, e.g. '{"rate5xx":0.1,"seed":3}'
  -h, --help              this text`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  companies: { type: 'string' },
  contacts: { type: 'string' },
  repos: { type: 'string' },
  'issues-per-repo': { type: 'string' },
  clean: { type: 'boolean' },
  'lag-ms': { type: 'string' },
  token: { type: 'string' },
  'token-ttl': { type: 'string' },
  'delta-max-age-ms': { type: 'string' },
  'rate-limit': { type: 'string' },
  faults: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function int(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Options for `startSandbox`, or `'help'`; throws with a one-line message on bad input. */
export function parseCliArgs(argv: string[]): SandboxOptions | 'help' {
  const { values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (v.help) return 'help';
  const counts = {
    companies: int('companies', v.companies),
    contacts: int('contacts', v.contacts),
    repos: int('repos', v.repos),
    issuesPerRepo: int('issues-per-repo', v['issues-per-repo']),
  };
  let rateLimit: SandboxOptions['rateLimit'];
  if (v['rate-limit'] !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v['rate-limit']);
    if (!m) throw new Error('--rate-limit must look like <requests>/<windowMs>, e.g. 10/1000');
    rateLimit = { requests: Number(m[1]), windowMs: Number(m[2]) };
  }
  let faults: SandboxOptions['faults'];
  if (v.faults !== undefined) {
    try {
      faults = validateFaults(JSON.parse(v.faults));
    } catch (err) {
      throw new Error(`--faults: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const ttl = int('token-ttl', v['token-ttl']);
  return {
    port: int('port', v.port) ?? 4010,
    host: v.host,
    seed: int('seed', v.seed),
    counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== undefined)),
    clean: v.clean,
    lagMs: int('lag-ms', v['lag-ms']),
    auth: { token: v.token, tokenTtlSeconds: ttl },
    deltaTokenMaxAgeMs: int('delta-max-age-ms', v['delta-max-age-ms']),
    rateLimit,
    faults,
  };
}

async function main(argv: string[]): Promise<void> {
  let options: SandboxOptions | 'help';
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const sandbox = await startSandbox(options);
  const { seed, counts, badContactIds } = sandbox.source;
  console.log(sandbox.url);
  console.error(`sandbox API listening on ${sandbox.url} (seed ${seed}, ${counts.contacts} contacts, ${badContactIds.length} bad); admin under ${sandbox.url}/_admin/info`);
  const stop = (signal: string) => {
    console.error(`${signal}: closing sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Run only when executed directly, so tests can import parseCliArgs. */
function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
