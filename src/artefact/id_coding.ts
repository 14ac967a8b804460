/**
 * Front coding of the item ids (as in sorted-dictionary indexes): each id is stored as the length of the prefix it
 * shares with the id before it and the rest. Catalogue exports list SKUs in runs (`sku-0012345`, `sku-0012346`, …,
 * `shoe-red-42`, `shoe-red-43`), so a million ids take 2-4 bytes each instead of the 14 a JSON array spends on
 * `"sku-0012345",`. The order is kept: row i of every weight is still item i.
 *
 * One JSON string, one record per id: `varint(shared) varint(rest length) rest`. A varint is base 32, high digits
 * first, digits before the last drawn from `CONT`, the last from `LAST` — all ASCII letters and digits, so the
 * string needs no JSON escaping beyond what the ids themselves need. Lengths count UTF-16 code units (JS string
 * length), and a shared prefix never ends between the halves of a surrogate pair. Pure: runs in Node and browsers.
 */

const LAST = '0123456789abcdefghijklmnopqrstuv';
const CONT = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
const DIGIT = new Int8Array(128).fill(-1);
for (let k = 0; k < 32; k++) {
  DIGIT[LAST.charCodeAt(k)] = k;
  DIGIT[CONT.charCodeAt(k)] = 32 + k;
}

/** The artefact format version that introduced `items.idsCoded`: artefacts with plain `items.ids` stay version 1. */
export const CODED_IDS_VERSION = 2;

/** Catalogues from this size are front-coded (never larger, see EncodeOptions.ids); smaller ones keep a readable list. */
export const CODE_IDS_FROM = 20_000;

/** Thrown by decodeIds with the position at which the coded string stops making sense. */
export class IdCodingError extends Error {
  override name = 'IdCodingError';
}

function pushVarint(out: string[], n: number): void {
  const digits: number[] = [];
  do {
    digits.push(n & 31);
    n = Math.floor(n / 32);
  } while (n > 0);
  for (let k = digits.length - 1; k > 0; k--) out.push(CONT[digits[k]]);
  out.push(LAST[digits[0]]);
}

function sharedPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && a.charCodeAt(k) === b.charCodeAt(k)) k++;
  // never split a surrogate pair: the rest must start on a whole character
  if (k > 0 && k < b.length) {
    const c = b.charCodeAt(k - 1);
    if (c >= 0xd800 && c <= 0xdbff) k--;
  }
  return k;
}

/**
 * @example
 * encodeIds(['sku-0010', 'sku-0011', 'sku-0012']); // '08sku-0010711712'
 * decodeIds(encodeIds(ids), ids.length); // ids
 */
export function encodeIds(ids: readonly string[]): string {
  const out: string[] = [];
  let prev = '';
  for (const id of ids) {
    const shared = sharedPrefix(prev, id);
    pushVarint(out, shared);
    pushVarint(out, id.length - shared);
    out.push(shared === 0 ? id : id.slice(shared));
    prev = id;
  }
  return out.join('');
}

/**
 * Decodes `count` ids, refusing (IdCodingError) a string that ends early, runs on past the last id, or whose
 * lengths point outside it — a truncated or hand-edited model.json fails here, not as wrong recommendations.
 */
export function decodeIds(coded: string, count: number): string[] {
  const ids = new Array<string>(count);
  let pos = 0;
  let prev = '';
  const varint = (): number => {
    let n = 0;
    for (let steps = 0; ; steps++) {
      const c = coded.charCodeAt(pos);
      const d = c < 128 ? DIGIT[c] : -1;
      if (pos >= coded.length || d < 0 || steps > 6) throw new IdCodingError(`items.idsCoded: bad length at character ${pos}`);
      pos++;
      if (d < 32) return n * 32 + d;
      n = n * 32 + (d - 32);
    }
  };
  for (let i = 0; i < count; i++) {
    const shared = varint();
    const rest = varint();
    if (shared > prev.length) throw new IdCodingError(`items.idsCoded: id ${i} shares ${shared} characters with an id of ${prev.length}`);
    if (pos + rest > coded.length) throw new IdCodingError(`items.idsCoded: id ${i} runs past the end of the string`);
    const id = prev.slice(0, shared) + coded.slice(pos, pos + rest);
    pos += rest;
    ids[i] = id;
    prev = id;
  }
  if (pos !== coded.length) throw new IdCodingError(`items.idsCoded: ${coded.length - pos} characters left after ${count} ids`);
  return ids;
}
