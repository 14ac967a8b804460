/**
 * README.md and docs/*.md: every relative link names a file that exists and every anchor a heading (or `<a id>`)
 * of its target, as GitHub renders them (scripts/docs/markdown.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, relativeLinks } from '../../scripts/docs/markdown.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const pages = ['README.md', 'bench/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('links in the docs', () => {
  it('finds the pages and their links', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/integrate.md', 'docs/api.md', 'docs/cli.md', 'docs/models.md', 'docs/benchmarks.md', 'docs/architecture.md', 'docs/privacy.md']));
    expect(relativeLinks(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  it.each(pages)('%s: relative links and anchors resolve', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const { target, line } of relativeLinks(text)) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? relative(ROOT, resolve(ROOT, dirname(page), decodeURIComponent(path))) : page;
      if (!existsSync(join(ROOT, file))) {
        broken.push(`${page}:${line} ${target} (no such file)`);
        continue;
      }
      if (anchor === undefined || statSync(join(ROOT, file)).isDirectory()) continue;
      if (!file.endsWith('.md')) broken.push(`${page}:${line} ${target} (anchor into a non-Markdown file)`);
      else if (!anchors(readFileSync(join(ROOT, file), 'utf8')).has(anchor)) broken.push(`${page}:${line} ${target} (no heading #${anchor} in ${file})`);
    }
    expect(broken).toEqual([]);
  });

});
