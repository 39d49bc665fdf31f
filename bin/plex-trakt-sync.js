#!/usr/bin/env node
// Entry point of the `plex-trakt-sync` command: builds the project when the sources are
// newer than the build (a fresh clone, a git pull), then runs the compiled CLI.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

ensureBuilt();
const { runCli } = await import('../dist/src/cli.js');
const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exit(code);
