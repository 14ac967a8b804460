/**
 * The `tastebud` CLI: ingest a shop's interaction log, pretrain the global model, evaluate, tune and export
 * the artefact. `npm run cli -- <command> --help` lists each command's options.
 */
import { pathToFileURL } from 'node:url';
import { TastebudError } from '../errors.ts';
import type { Specs } from './args.ts';
import { formatHelp } from './args.ts';
import { cmdExport, cmdInspect, EXPORT_SPECS, INSPECT_SPECS } from './cmd_artefact.ts';
import { cmdEvaluate, EVALUATE_SPECS } from './cmd_evaluate.ts';
import { cmdImport, IMPORT_SPECS } from './cmd_import.ts';
import { cmdPretrain, PRETRAIN_SPECS } from './cmd_pretrain.ts';
import { cmdTune, TUNE_SPECS } from './cmd_tune.ts';
import type { Io } from './io.ts';
import { processIo } from './io.ts';

const COMMANDS: Record<string, { run: (argv: string[], io: Io) => Promise<void>; specs: Specs; about: string }> = {
  pretrain: { run: cmdPretrain, specs: PRETRAIN_SPECS, about: 'train the global model on a log and write the artefact folder' },
  evaluate: { run: cmdEvaluate, specs: EVALUATE_SPECS, about: 'full-ranking and NCF metrics on a test split, with the popularity baseline' },
  tune: { run: cmdTune, specs: TUNE_SPECS, about: 'search hyper-parameters on the validation split' },
  export: { run: cmdExport, specs: EXPORT_SPECS, about: 're-encode an artefact as float32, float16 or uint8' },
  import: { run: cmdImport, specs: IMPORT_SPECS, about: 'build an artefact from Spark ALS or BigQuery ML factors, an id map and the catalogue' },
  inspect: { run: cmdInspect, specs: INSPECT_SPECS, about: 'validate an artefact and print its summary' },
};

const USAGE = `usage: tastebud <command> [options]

${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)}${c.about}`).join('\n')}

Run "tastebud <command> --help" for a command's options.`;

/**
 * Runs the CLI; resolves to the exit code (0 ok, 1 a tastebud error, 2 usage, 70 an internal error). Never
 * throws: every failure is one line on stderr.
 *
 * @example
 * await runCli(['inspect', '--model', 'out/model']); // 0
 */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!Object.hasOwn(COMMANDS, name)) {
    io.err(`tastebud: unknown command "${oneLine(name).slice(0, 100)}"; commands: ${Object.keys(COMMANDS).join(', ')} ("tastebud --help" describes them)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(formatHelp(`usage: tastebud ${name} [options]\n\n${cmd.about}`, cmd.specs));
    return 0;
  }
  try {
    await cmd.run(rest, io);
    return 0;
  } catch (e) {
    io.err(`tastebud ${name}: ${describeError(e)}`);
    return e instanceof TastebudError ? 1 : 70;
  }
}

/**
 * One line for any failure: a tastebud error by its name and message; anything else (a bug) as an internal
 * error without the stack, unless TASTEBUD_DEBUG=1.
 */
export function describeError(e: unknown): string {
  if (e instanceof TastebudError) return oneLine(`${e.name}: ${e.message}`);
  const err = e instanceof Error ? e : new Error(String(e));
  if (process.env.TASTEBUD_DEBUG === '1') return err.stack ?? err.message;
  return oneLine(`internal error (${err.name}: ${err.message}); please report it (TASTEBUD_DEBUG=1 prints the stack)`);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
}

/** The process-level safety net of the `tastebud` binary: a closed stdout pipe ends quietly, nothing prints a raw stack. */
export function guardProcess(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // `tastebud inspect | head`: the reader has all it wanted
    process.stderr.write(`tastebud: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
  process.on('uncaughtException', (e) => {
    process.stderr.write(`tastebud: ${describeError(e)}\n`);
    process.exit(70);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  guardProcess();
  process.exitCode = await runCli(process.argv.slice(2));
}
