#!/usr/bin/env node
// The package's command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare).
import('../dist/engine/cli/main.js').then((cli) => cli.main(process.argv)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
