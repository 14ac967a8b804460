/** The last step of `pretrain` for every model family and either way of reading the log. */
import { encodeSealedArtefact } from '../artefact/integrity.ts';
import type { WeightDtype } from '../artefact/format.ts';
import type { GlobalModel } from '../model/global_model.ts';
import type { PlacementLists } from '../train/placements.ts';
import { toModelRows } from '../train/placements.ts';
import type { getters } from './args.ts';
import { writeArtefactDir } from './artefact_dir.ts';
import { assertFiniteModel } from './model_limits.ts';
import { trendingJson, type ItemDisplay } from './shelf_display.ts';

export type Extra = { name: string; data: string };

/**
 * Placement lists (rows of the log's `logItemIds`), the finite check, the content-hash seal and the atomic
 * write; `display` (pretrain --catalogue) goes into trending.json. The version is the content hash (ids, attributes and metadata included) unless --model-version names it.
 *
 * @example
 * await writeModel(model, buildPlacements(set), set.itemIds, g, 'model/', () => []);
 */
export async function writeModel(model: GlobalModel, lists: PlacementLists, logItemIds: string[], g: ReturnType<typeof getters>, out: string, extras: (version: string) => Extra[], display?: Map<string, ItemDisplay>) {
  model.placements = toModelRows(lists, logItemIds, model.itemIds);
  assertFiniteModel(model);
  const enc = await encodeSealedArtefact(model, { dtype: g.str('dtype') as WeightDtype, keepVersion: g.str('model-version') !== undefined });
  const version = enc.modelJson.tastebud.modelVersion;
  // the cold-start shelf the embed paints before the model loads: a few ids (with --catalogue their titles,
  // links, images and prices, so it renders without the shop's catalogue too), fetched in one small request
  const trending = { name: 'trending.json', data: trendingJson(version, model.placements.trending.slice(0, 24).map((r) => model.itemIds[r]), display) };
  const written = await writeArtefactDir(out, enc, { extras: [...extras(version), trending] });
  return { written, version };
}
