/**
 * Artefact part of the quality bench: sizes of the float32 / float16 / uint8 encodings (model.json + weights)
 * and the HR@10 / NDCG@10 of each decoded model, scored with the trained user vectors, vs float32.
 */
import { gzipSync } from 'node:zlib';
import { decodeArtefact } from '../../src/artefact/decode.ts';
import { encodeArtefact } from '../../src/artefact/encode.ts';
import type { WeightDtype } from '../../src/artefact/format.ts';
import type { ExperimentInput, ExperimentResult } from '../../src/eval/experiment.ts';
import { sampledCandidates } from '../../src/eval/experiment.ts';
import { evaluateCandidates, evaluateFullRanking } from '../../src/eval/protocols.ts';
import type { ResultRow } from '../../src/eval/report.ts';
import { createParamsScorer } from '../../src/eval/scorers.ts';
import { buildUserItemIndex } from '../../src/train/user_index.ts';

export function measureArtefacts(
  r: ExperimentResult,
  input: ExperimentInput,
): { table: ResultRow[]; summary: string; sizes: Record<string, number>; hr: Record<string, number> } {
  const seen = buildUserItemIndex(input.train.users, input.train.items, input.train.userIds.length);
  const candidates = input.candidates ?? sampledCandidates(input, 0);
  const sizes: Record<string, number> = {};
  const hr: Record<string, number> = {};
  const table: ResultRow[] = [];
  for (const dtype of ['float32', 'float16', 'uint8'] as WeightDtype[]) {
    const enc = encodeArtefact(r.model, { dtype });
    const jsonBytes = new TextEncoder().encode(JSON.stringify(enc.modelJson));
    const bytes = jsonBytes.length + enc.weights.byteLength;
    // what a CDN with gzip actually sends
    const gz = gzipSync(jsonBytes, { level: 9 }).length + gzipSync(new Uint8Array(enc.weights), { level: 9 }).length;
    const m = decodeArtefact(JSON.parse(JSON.stringify(enc.modelJson)), enc.shards.map((s) => s.data));
    const params = { ...r.params, itemEmb: m.itemEmb, itemBias: m.itemBias, w: m.w };
    const scorer = createParamsScorer(params, `tastebud ${dtype}`);
    const ncf = evaluateCandidates(scorer, candidates);
    // float32 decodes bit-exactly to the trained model (tested), so its full ranking is the main result's
    const full = dtype === 'float32' ? r.results.find((x) => x.protocol === 'full')! : evaluateFullRanking(scorer, seen, input.test);
    sizes[dtype] = bytes;
    sizes[`${dtype}Gzip`] = gz;
    sizes[`${dtype}Weights`] = enc.weights.byteLength;
    hr[dtype] = ncf.metrics['HR@10'];
    table.push({
      name: `artefact ${dtype}`,
      protocol: 'NCF / full',
      metrics: { 'NCF HR@10': ncf.metrics['HR@10'], 'NCF NDCG@10': ncf.metrics['NDCG@10'], 'full HR@10': full.metrics['HR@10'] },
      extra: { 'weights bytes': enc.weights.byteLength, 'model.json bytes': jsonBytes.length, 'total bytes': bytes, 'total gzip -9 bytes': gz },
    });
  }
  const ratio = sizes.float32 / sizes.uint8;
  const loss = (hr.float32 - hr.uint8) / hr.float32;
  const gzRatio = sizes.float32Gzip / sizes.uint8Gzip;
  const wRatio = sizes.float32Weights / sizes.uint8Weights;
  const summary =
    `uint8 vs float32 (target ≥ 3.5x smaller): ${ratio.toFixed(2)}x on total bytes (model.json + weights), ${gzRatio.toFixed(2)}x gzipped as served, ` +
    `${wRatio.toFixed(2)}x on the weight shards alone (model.json holds ids and attributes, the same in both). ` +
    `NCF HR@10 relative change ${(-loss * 100).toFixed(2)}% (target: loss ≤ 1%).`;
  return { table, summary, sizes, hr };
}
