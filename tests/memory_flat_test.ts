/**
 * GPU memory and the cost of scheduler writes over long SimpleNet training.
 *
 * - 1,000 SGD steps (batch 8, 3x8x8 input, a new lr and momentum every step, as a scheduler does)
 *   leave the pool's live buffers, live bytes and in-use buffers exactly where they were after step 10,
 *   and create no buffer, pipeline or uniform after that.
 * - Scheduler writes (`setHypers` on every group) cost under 1% of a SimpleNet step (3072-40-10,
 *   batch 64, the bench workload). Both sides are measured as medians of several rounds in the same
 *   process, and the setHypers side keeps its fastest round (noise only ever adds time).
 */
import assert from "node:assert/strict";
import { nllLoss, simpleNet } from "../src/nn/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { backward, device, init, randn, tensor, tidy } from "../src/tensor/mod.ts";

await init();

const POOL_KEYS = ["liveBuffers", "liveBytes", "inUseBuffers"] as const;

function setup(layers: number[], batch: number, inShape: number[]) {
  const net = simpleNet(layers, { seed: 3 });
  const groups = net.layerGroupParameters().filter((g) => g.length > 0);
  const opt = new SGD(groups, { lr: 0.01, momentum: 0.9 });
  const x = randn([batch, ...inShape], { seed: 4 });
  const y = tensor(Array.from({ length: batch }, (_, i) => i % 10), { dtype: "i32" });
  const hypers = (k: number) => {
    for (let g = 0; g < opt.groupCount; g++) {
      opt.setHypers(g, { lr: 0.01 / (1 + k * 1e-3), momentum: 0.9 - (k % 7) * 1e-3 });
    }
  };
  const step = (k: number) => {
    hypers(k);
    opt.zeroGrad();
    tidy(() => backward(nllLoss(net.forward(x), y)));
    opt.step();
  };
  const dispose = () => {
    opt.dispose();
    net.dispose();
    x.dispose();
    y.dispose();
  };
  return { net, opt, step, hypers, dispose };
}

Deno.test("memory: 1,000 SimpleNet training steps keep GPU memory flat after step 10", async () => {
  const t = setup([192, 40, 10], 8, [3, 8, 8]);
  const d = device();
  try {
    for (let k = 0; k < 10; k++) t.step(k);
    await d.sync();
    const at10 = d.stats();
    for (let k = 10; k < 1000; k++) {
      t.step(k);
      if (k % 100 === 99) await d.sync(); // keeps the queue short; no readback
    }
    await d.sync();
    const end = d.stats();
    for (const k of POOL_KEYS) assert.equal(end[k], at10[k], `${k} after 1,000 steps vs step 10`);
    for (const k of ["created", "pipelinesCreated", "uniformsCreated", "readbacks"] as const) {
      assert.equal(end[k], at10[k], `${k} over steps 11..1000`);
    }
    const w = await t.net.parameters()[0]!.data();
    assert.ok(w.every(Number.isFinite), "weights stay finite");
  } finally {
    t.dispose();
  }
});

Deno.test("memory: scheduler writes (setHypers on every group) take under 1% of a SimpleNet step", async () => {
  const t = setup([3072, 40, 10], 64, [3, 32, 32]);
  const d = device();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  try {
    for (let k = 0; k < 3; k++) t.step(k);
    await d.sync();
    // Step time: 20 steps then one sync, per step; median of 5 rounds.
    const stepMs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const a = performance.now();
      for (let k = 0; k < 20; k++) t.step(k);
      await d.sync();
      stepMs.push((performance.now() - a) / 20);
    }
    // Scheduler writes: 1,000 calls of "setHypers on every group", CPU time, fastest of 5 rounds.
    const hyperMs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const a = performance.now();
      for (let k = 0; k < 1000; k++) t.hypers(k);
      hyperMs.push((performance.now() - a) / 1000);
      t.opt.step(); // the upload the writes stand for (one per step); keeps the state realistic
      await d.sync();
    }
    const step = median(stepMs), hyper = Math.min(...hyperMs);
    const share = hyper / step;
    if (Deno.env.get("TEMPO_REPORT")) {
      console.log(
        `setHypers on ${t.opt.groupCount} groups: ${(hyper * 1000).toFixed(2)} us; step ${
          step.toFixed(2)
        } ms; share ${(share * 100).toFixed(3)}%`,
      );
    }
    assert.ok(
      share < 0.01,
      `setHypers on every group took ${(hyper * 1000).toFixed(1)} us = ${
        (share * 100).toFixed(2)
      }% of a ${step.toFixed(2)} ms step (expected < 1%)`,
    );
  } finally {
    t.dispose();
  }
});
