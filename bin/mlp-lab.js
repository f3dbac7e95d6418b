#!/usr/bin/env node
// The `mlp-lab` command: runs the CLI built into out/main/cli.js (`npm install` builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('mlp-lab: the CLI is not built yet: run `npm run build` in the MLP Lab folder\n');
  process.exit(1);
}
const { runCliProcess } = await import(pathToFileURL(cli).href);
await runCliProcess();
