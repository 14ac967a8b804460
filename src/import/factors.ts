/**
 * Factor tables read from other systems, before they become an artefact: ids as those systems wrote them,
 * rows of `dim` floats, and what is known of the training that produced them.
 */
import { InvalidInputError } from '../errors.ts';

export interface FactorTable {
  ids: string[];
  /** [ids.length, dim] */
  factors: Float32Array;
  /** Per-row intercept (BigQuery ML); absent means 0. */
  intercepts?: Float32Array;
}

export interface ImportedFactors {
  source: 'spark-ml' | 'spark-mllib' | 'bigquery-ml';
  dim: number;
  items: FactorTable;
  /** Mean of the user factors, when the export has them: the browser's cold-start prior p_0. */
  userMean?: Float32Array;
  users: number;
  /** What the export says about itself (Spark version, class, …). */
  info: Record<string, unknown>;
}

/** Collects (id, vector) rows into a table, checking that every vector has the same length and finite values. */
export function createTableBuilder(what: string): {
  add(id: string, vector: ArrayLike<number>, intercept?: number): void;
  build(): FactorTable & { dim: number };
} {
  const ids: string[] = [];
  const rows: number[] = [];
  const intercepts: number[] = [];
  let dim = -1;
  const seen = new Set<string>();
  return {
    add(id, vector, intercept) {
      if (dim < 0) dim = vector.length;
      if (vector.length !== dim) throw new InvalidInputError(`${what}: row ${id} has ${vector.length} factors, the first had ${dim}`);
      if (seen.has(id)) throw new InvalidInputError(`${what}: id ${id} appears twice`);
      seen.add(id);
      ids.push(id);
      for (let k = 0; k < vector.length; k++) {
        const v = Number(vector[k]);
        if (!Number.isFinite(v)) throw new InvalidInputError(`${what}: row ${id} has a non-finite factor (${vector[k]})`);
        rows.push(v);
      }
      intercepts.push(intercept ?? 0);
    },
    build() {
      if (ids.length === 0) throw new InvalidInputError(`${what}: no rows`);
      const t: FactorTable & { dim: number } = { ids, factors: Float32Array.from(rows), dim };
      if (intercepts.some((b) => b !== 0)) t.intercepts = Float32Array.from(intercepts);
      return t;
    },
  };
}

/** Mean row of a [n, dim] table (float64 accumulation). */
export function meanRow(factors: Float32Array, dim: number): Float32Array {
  const n = factors.length / dim;
  const sum = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) sum[j] += factors[r * dim + j];
  return Float32Array.from(sum, (s) => (n ? s / n : 0));
}
