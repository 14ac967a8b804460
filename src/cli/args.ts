/**
 * Command-line options, parsed by Node's own `util.parseArgs` in strict mode: `--key value`, `--key=value`,
 * boolean `--flag` and `--no-flag`. Unknown options, a missing value, a value given to a switch and stray
 * positionals (`--k-core 5`) are InvalidInputErrors: a typo must not silently fall back to a default.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { InvalidInputError } from '../errors.ts';

export interface OptionSpec {
  type: 'string' | 'number' | 'boolean' | 'list';
  help: string;
  default?: string | number | boolean;
  /** Allowed values (strings). */
  choices?: string[];
}

export type Specs = Record<string, OptionSpec>;
export type Parsed = { positionals: string[]; values: Record<string, string | number | boolean | string[] | undefined> };

/**
 * @example
 * parseArgs(['--dim', '64', '--apr'], { dim: { type: 'number', help: '' }, apr: { type: 'boolean', help: '' } });
 * // { positionals: [], values: { dim: 64, apr: true } }
 */
export function parseArgs(argv: string[], specs: Specs, opts: { maxPositionals?: number } = {}): Parsed {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
    if (spec.type === 'boolean') options[`no-${name}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new InvalidInputError(explain(e as Error & { code?: string }, specs), { cause: e });
  }
  const extra = parsed.positionals.slice(opts.maxPositionals ?? 0);
  if (extra.length) throw new InvalidInputError(strayPositional(extra[0], argv, specs));
  const values: Parsed['values'] = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    if (spec.type === 'boolean') {
      const no = parsed.values[`no-${name}`] === true;
      if (raw !== undefined || no) values[name] = no ? false : raw === true;
    } else if (typeof raw === 'string') values[name] = convert(name, raw, spec);
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.type === 'list' ? convert(name, String(spec.default), spec) : spec.default;
  }
  return { positionals: parsed.positionals, values };
}

/** Node's parse errors, reworded with the option's name and a suggestion. */
function explain(e: Error & { code?: string }, specs: Specs): string {
  const flag = /'(-{1,2}[^' ]*)/.exec(e.message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}${suggest(flag.replace(/^-+/, ''), Object.keys(specs))}`;
  if (/argument missing/.test(e.message)) return `option ${flag} needs a value`;
  if (/does not take an argument/.test(e.message)) return `option ${flag} is a switch and takes no value (write ${flag} or --no-${flag.replace(/^-+/, '')})`;
  if (/ambiguous/.test(e.message)) return `option ${flag} needs a value; for a value starting with "-" write ${flag}=-…`;
  return e.message.split('\n')[0];
}

function strayPositional(arg: string, argv: string[], specs: Specs): string {
  const prev = argv[argv.indexOf(arg) - 1]?.replace(/^--(no-)?/, '');
  const hint = prev && specs[prev]?.type === 'boolean' ? ` (--${prev} is a switch and takes no value)` : '';
  return `unexpected argument "${arg.slice(0, 100)}"${hint}; options are written --name value or --name=value`;
}

function convert(name: string, raw: string, spec: OptionSpec): string | number | string[] {
  if (spec.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidInputError(`option --${name} needs a number, got "${raw}"`);
    return n;
  }
  if (spec.type === 'list') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (spec.choices && !spec.choices.includes(raw)) throw new InvalidInputError(`option --${name} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
  return raw;
}

function suggest(name: string, known: string[]): string {
  const close = name.length >= 2 ? known.find((k) => k.startsWith(name.slice(0, 3))) : undefined;
  return close ? ` (did you mean --${close}?)` : '';
}

/**
 * Whether the command line gives `--flag` itself (`--flag v` or `--flag=v`), as opposed to its default.
 *
 * @example
 * flagGiven(['--auto-budget=60'], 'auto-budget'); // true
 */
export function flagGiven(argv: readonly string[], flag: string): boolean {
  return argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
}

/** Help text for a command's options. */
export function formatHelp(usage: string, specs: Specs): string {
  const lines = [usage, '', 'Options:'];
  for (const [name, s] of Object.entries(specs)) {
    const arg = s.type === 'boolean' ? '' : s.type === 'list' ? ' a,b,…' : ` <${s.choices ? s.choices.join('|') : s.type}>`;
    const def = s.default !== undefined ? ` (default ${s.default})` : '';
    const left = `  --${name}${arg}`;
    lines.push(left.length < 34 ? left.padEnd(34) + s.help + def : `${left}\n${' '.repeat(34)}${s.help}${def}`);
  }
  return lines.join('\n');
}

/** Typed getters over parsed values, for command code. */
export function getters(p: Parsed): {
  str(name: string): string | undefined;
  num(name: string): number | undefined;
  bool(name: string): boolean;
  list(name: string): string[] | undefined;
  required(name: string): string;
} {
  return {
    str: (n) => p.values[n] as string | undefined,
    num: (n) => p.values[n] as number | undefined,
    bool: (n) => p.values[n] === true,
    list: (n) => p.values[n] as string[] | undefined,
    required(n) {
      const v = p.values[n];
      if (typeof v !== 'string' || v === '') throw new InvalidInputError(`option --${n} is required`);
      return v;
    },
  };
}
