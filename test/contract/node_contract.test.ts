import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { runContractSuite } from './suite.ts';
import type { SuiteResult } from './suite.ts';
import type { BackendName } from '../../src/kernels/index.ts';

/** The contract suite in Node, on each backend Node has (the browser backends run in e2e/contract.spec.ts). */
describe.each(['cpu', 'wasm'] as BackendName[])('contract suite on %s (Node)', (backend) => {
  let result: SuiteResult;
  it('runs on the backend it names', async () => {
    result = await runContractSuite({ backend });
    expect(result.backend).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    expect(result.checks.find((c) => c.name === 'backend')?.ok).toBe(true);
  });
  it('passes every check', () => {
    for (const c of result.checks.filter((x) => !x.ok)) console.log(`[${backend}] FAILED ${c.name}: ${JSON.stringify(c.detail)}`);
    for (const c of result.checks) expect({ check: c.name, ok: c.ok, detail: c.detail }).toMatchObject({ check: c.name, ok: true });
    expect(result.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['top-k', 'top-k-set-items', 'checkerboard', 'no-leaks', 'bad-input', 'sequence-forward:tfjs', 'sequence-forward:plain', 'sequence-no-leaks:tfjs', 'sequence-bad-input:tfjs']));
    expect(result.checks.filter((c) => c.name.startsWith('trajectory:')).length).toBeGreaterThanOrEqual(8);
  });
});
