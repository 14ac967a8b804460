#!/usr/bin/env node
// The `tastebud` command: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli, guardProcess } = await import('../src/cli/main.ts');
guardProcess();
process.exitCode = await runCli(process.argv.slice(2));
