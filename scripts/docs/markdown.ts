/**
 * Just enough Markdown reading for the docs' own checks: heading anchors as GitHub makes them, relative links,
 * and fenced code blocks. Used by the API page generator (scripts/docs/api.ts) and the docs tests (test/docs/).
 */

export interface CodeBlock {
  /** The fence's info string, e.g. `ts` or `html`. */
  lang: string;
  code: string;
  /** The nearest heading above the block. */
  heading: string;
}

/** Lines outside fenced code blocks, with their line index. */
function proseLines(markdown: string): { line: string; index: number }[] {
  const out: { line: string; index: number }[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((line, index) => {
    const m = /^\s*(```+|~~~+)/.exec(line);
    if (m) fence = fence === null ? m[1] : line.trim().startsWith(fence) ? null : fence;
    else if (fence === null) out.push({ line, index });
  });
  return out;
}

/**
 * GitHub's anchor for a heading's text: markup dropped, lower case, punctuation other than `-` and `_` removed,
 * spaces turned into dashes.
 * @example
 * slugify('`refreshModel()`?') // 'refreshmodel'
 */
export function slugify(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading of a document, in order, with the anchor GitHub gives it (repeats get `-1`, `-2`, …). */
export function headings(markdown: string): { text: string; level: number; anchor: string }[] {
  const seen = new Map<string, number>();
  const out: { text: string; level: number; anchor: string }[] = [];
  for (const { line } of proseLines(markdown)) {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slugify(m[2]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push({ text: m[2], level: m[1].length, anchor: n ? `${base}-${n}` : base });
  }
  return out;
}

/** The anchors a link may target: headings' plus explicit `<a id>` / `<a name>` elements. */
export function anchors(markdown: string): Set<string> {
  const set = new Set(headings(markdown).map((h) => h.anchor));
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) set.add(m[1]);
  return set;
}

/** Links to other files or anchors (not http(s) or mailto), outside code: `[text](target)`. */
export function relativeLinks(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  for (const { line, index } of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) out.push({ target: m[1], line: index + 1 });
    }
  }
  return out;
}

/** The fenced code blocks of a document, optionally only those of one language. */
export function codeBlocks(markdown: string, lang?: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let current: CodeBlock | null = null;
  let fence = '';
  let heading = '';
  for (const line of markdown.split('\n')) {
    if (current) {
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') {
        blocks.push(current);
        current = null;
      } else current.code += line + '\n';
      continue;
    }
    const open = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (open) {
      fence = open[1];
      current = { lang: open[2], code: '', heading };
    } else if (/^#{1,6}\s/.test(line)) heading = line.replace(/^#+\s*/, '').trim();
  }
  return lang === undefined ? blocks : blocks.filter((b) => b.lang === lang);
}
