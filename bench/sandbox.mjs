/**
 * The sandbox API in a child process, so serving pages does not share the engine's event loop
 * (on two cores they run side by side, as a real API and syncspec would), plus the two admin
 * calls the benchmark needs: clear the request log, and sum the time the server spent answering.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SANDBOX_MAIN = fileURLToPath(new URL('../dist/sandbox/main.js', import.meta.url));

export async function startSandboxProcess({ contacts, seed }) {
  const child = spawn(process.execPath, [SANDBOX_MAIN, '--port', '0', '--seed', String(seed), '--contacts', String(contacts)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const [url] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the sandbox exited with code ${code} before listening:\n${stderr}`);
    }),
  ]);
  lines.close();

  const admin = async (path, init) => {
    const response = await fetch(`${url}/_admin/${path}`, init);
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} /_admin/${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    url,
    clearStats: () => admin('stats/clear', { method: 'POST' }),
    /** Requests answered since the last clear, and the milliseconds the server spent on them. */
    async served() {
      const { requests } = await admin('stats');
      return { requests: requests.length, serverMs: requests.reduce((sum, entry) => sum + entry.durationMs, 0) };
    },
    async close() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
