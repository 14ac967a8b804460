/**
 * docs/api.md is generated from the TSDoc comments (`npm run docs:api`): regenerate it and compare, so the
 * committed page cannot drift from the code; and check every export of both entry points has a heading there.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { joinApiPages, MODULES, runTypedoc } from '../../scripts/docs/api.ts';
import { headings } from '../../scripts/docs/markdown.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const committed = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');

/** The names an entry point exports, star re-exports resolved, as the compiler sees them. */
function exportedNames(entry: string): string[] {
  const program = ts.createProgram([join(ROOT, entry)], { allowImportingTsExtensions: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(ROOT, entry))!;
  return checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).map((s) => s.name);
}

describe('docs/api.md', () => {
  it('is what `npm run docs:api` generates now (run it after changing a public TSDoc comment)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tastebud-api-'));
    try {
      runTypedoc(dir);
      const fresh = joinApiPages(dir);
      if (fresh !== committed) {
        const a = fresh.split('\n');
        const b = committed.split('\n');
        const line = a.findIndex((l, i) => l !== b[i]);
        expect.fail(`docs/api.md is stale from line ${line + 1} (generated: ${JSON.stringify(a[line])}, committed: ${JSON.stringify(b[line])}): run npm run docs:api`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('documents every export of src/index.ts and src/embed/index.ts', () => {
    const documented = new Set(headings(committed).filter((h) => h.level === 3).map((h) => h.text.replace(/[`()\\]/g, '')));
    for (const m of MODULES) {
      const names = exportedNames(m.entry);
      expect(names.length, m.entry).toBeGreaterThan(5);
      expect(names.filter((n) => !documented.has(n)), `${m.entry} exports missing from docs/api.md`).toEqual([]);
    }
  }, 60_000);
});
