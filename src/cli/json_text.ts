/**
 * JSON.parse for files the CLI reads, with a named error that says where the text broke (line and column)
 * instead of a raw SyntaxError, and a nesting limit so a hostile file cannot blow the stack of later walks.
 */
import { ModelLoadError } from '../errors.ts';

export const MAX_JSON_DEPTH = 64;

/**
 * @example
 * parseJsonText('{"a": 1}', 'model.json'); // { a: 1 }
 * parseJsonText('{"a": }', 'model.json'); // throws ModelLoadError "model.json:1:7: not valid JSON …"
 */
export function parseJsonText(text: string, path: string, ErrorClass: new (m: string, o?: { cause?: unknown }) => Error = ModelLoadError): unknown {
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new ErrorClass(`${path}: JSON nested ${depth} levels deep (at most ${MAX_JSON_DEPTH}); not a tastebud file`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const where = at ? `:${lineCol(text, Number(at[1]))}` : '';
    throw new ErrorClass(`${path}${where}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

/** Deepest [ / { nesting outside strings, counted without recursion. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (inString) {
      if (c === 92) k++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `${line}:${pos - before.lastIndexOf('\n')}`;
}
