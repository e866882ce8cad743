/**
 * Autotuning in a fit: off by default (the fit tunes nothing), and with `setAutotune(true)` the fit
 * tunes the matmul shape classes of its first batch right after that batch, once; from then on the
 * training steps compile and allocate nothing and read back nothing new (the lagged loss reads only).
 */
import assert from "node:assert/strict";
import { Learner, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import {
  device,
  type DeviceStats,
  exportTuning,
  setAutotune,
  tunePending,
  tuningKey,
} from "../src/tensor/mod.ts";
import { resetTuning } from "../src/tensor/ops/_matmul_tune.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

/** 50 batches of one epoch; the stats at batches 2 and 50, and whether classes were pending. */
async function fit50(autotune: boolean) {
  await gpu();
  resetTuning();
  setAutotune(autotune);
  try {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 800 }));
    const at: Record<number, DeviceStats> = {};
    const pending: Record<number, boolean> = {};
    const phases = [new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2, momentum: 0.9 })];
    const r = await learn.fitOptSched(phases, {
      log: false,
      readEvery: 8,
      onBatchEnd: (k) => {
        pending[k] = tunePending();
        if (k === 2 || k === 50) at[k] = device().stats();
      },
    });
    assert.equal(r.stopped, false);
    const delta = (k: keyof DeviceStats) => (at[50]![k] as number) - (at[2]![k] as number);
    return { pending, delta, tuned: exportTuning().adapters[tuningKey()]?.matmul ?? {} };
  } finally {
    setAutotune(false);
  }
}

Deno.test("a fit tunes nothing by default", async () => {
  const { pending, tuned } = await fit50(false);
  assert.equal(pending[50], true, "the fit's classes stay recorded, untuned");
  assert.deepEqual(tuned, {});
  assert.deepEqual(exportTuning().adapters, {});
});

Deno.test("setAutotune(true): the fit tunes its classes once, after batch 1; then nothing is created", async () => {
  const { pending, delta, tuned } = await fit50(true);
  assert.equal(pending[1], true, "batch 1 recorded classes (tuned after its afterBatch)");
  assert.equal(pending[2], false, "tuned before batch 2");
  // simpleNet's linear layers: forward, dX and dW products
  assert.ok(Object.keys(tuned).length >= 3, JSON.stringify(tuned));
  for (const k of ["pipelinesCreated", "created", "uniformsCreated"] as const) {
    assert.equal(delta(k), 0, k);
  }
  // (bind groups are left out: the same fit without tuning creates a few between batches 2 and 50,
  // as the pool hands out other buffers, and how many varies with the pool's history)
  assert.equal(delta("readbacks"), 7, "readbacks: the lagged loss groups only");
});
