/**
 * A small argv parser: `--key value`, `--key=value`, boolean `--flag`, `--no-flag`, and positionals. Unknown
 * options are errors (a typo must not silently fall back to a default).
 */
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
export function parseArgs(argv: string[], specs: Specs): Parsed {
  const values: Parsed['values'] = {};
  const positionals: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    let [name, inline] = splitOnce(a.slice(2));
    let negated = false;
    if (!(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs[name];
    if (!spec) throw new InvalidInputError(`unknown option --${name}${suggest(name, Object.keys(specs))}`);
    if (spec.type === 'boolean') {
      values[name] = negated ? false : inline === undefined ? true : inline !== 'false';
      continue;
    }
    if (inline === undefined) {
      inline = argv[++k];
      if (inline === undefined) throw new InvalidInputError(`option --${name} needs a value`);
    }
    values[name] = convert(name, inline, spec);
  }
  for (const [name, spec] of Object.entries(specs)) if (values[name] === undefined && spec.default !== undefined)
      values[name] = spec.type === 'list' ? convert(name, String(spec.default), spec) : spec.default;
  return { positionals, values };
}

function splitOnce(s: string): [string, string | undefined] {
  const at = s.indexOf('=');
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
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
  const close = known.find((k) => k.startsWith(name.slice(0, 3)));
  return close ? ` (did you mean --${close}?)` : '';
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
