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
 * Runs the CLI; resolves to the exit code (0 ok, 1 a tastebud error, 2 usage).
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
  if (!cmd) {
    io.err(`unknown command "${name}"\n\n${USAGE}`);
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
    if (e instanceof TastebudError) {
      io.err(`tastebud ${name}: ${e.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
