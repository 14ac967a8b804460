/**
 * Side files of the Amazon benchmark (`amazon-s3rec/`): the item → attribute-ids JSON. Attribute ids there
 * stand for anonymised brands and categories, so each item gets them as `tags` ("1|2|3").
 */
import { InvalidInputError } from '../errors.ts';
import type { ItemAttributes } from '../model/global_model.ts';
import type { InteractionSet } from './interactions.ts';

/**
 * @example
 * parseItemAttributesJson('{"4": [1, 2, 3]}').get('4'); // { tags: '1|2|3' }
 */
export function parseItemAttributesJson(text: string, source = 'item2attributes.json'): Map<string, ItemAttributes> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidInputError(`${source}: expected an object {"itemId": [attributeId, ...]}`);
  const out = new Map<string, ItemAttributes>();
  for (const [item, v] of Object.entries(json)) {
    if (!Array.isArray(v) || !v.every((a) => typeof a === 'number' || typeof a === 'string'))
      throw new InvalidInputError(`${source}: item "${item}" must map to an array of attribute ids`);
    out.set(item, { tags: v.join('|') });
  }
  return out;
}

/**
 * Sets `itemAttributes` from a map by item id (items without an entry get none).
 *
 * @example
 * withItemAttributes(set, parseItemAttributesJson(text)).itemAttributes![0]; // { tags: '1|2|3' }
 */
export function withItemAttributes(set: InteractionSet, attrs: Map<string, ItemAttributes>): InteractionSet {
  return { ...set, itemAttributes: set.itemIds.map((id) => attrs.get(id)) };
}
