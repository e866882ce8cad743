/**
 * The training loop's GPU budget: with the schedule changing every batch, nothing is compiled or
 * allocated after the warm-up batches, and the only readbacks are the lagged loss groups.
 */
import assert from "node:assert/strict";
import { DecayType, Learner, TrainingPhase } from "../src/sched/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { device, type DeviceStats } from "../src/tensor/mod.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

for (const optimizer of [SGD, Adam]) {
  Deno.test(`${optimizer.optimizerName}: 50 batches, new hypers every batch, no allocation, lagged reads`, async () => {
    await gpu();
    const learn = new Learner(simpleNet(), synthData({ nTrain: 800 })); // 50 full batches
    const phases = [
      new TrainingPhase({
        epochs: 1,
        optimizer,
        lr: { start: 1e-3, end: 1e-2 },
        lrDecay: DecayType.LINEAR,
        momentum: { start: 0.95, end: 0.85 },
        momentumDecay: DecayType.COSINE,
        wds: 1e-4,
      }),
    ];
    const at: Record<number, DeviceStats> = {};
    const r = await learn.fitOptSched(phases, {
      log: false,
      readEvery: 8,
      onBatchEnd: (k) => {
        if (k === 2 || k === 50) at[k] = device().stats();
      },
    });
    assert.equal(r.stopped, false);
    assert.equal(learn.sched.recorder.lrs.length, 50);
    assert.equal(new Set(learn.sched.recorder.lrs).size, 50, "a new lr every batch");
    // batch 1 compiles the forward/backward/step kernels; batch 2 is the first to ACCUMULATE into
    // the existing .grad buffers (zeroGrad keeps them), which compiles one more engine kernel
    const a = at[2]!, b = at[50]!;
    assert.equal(b.pipelinesCreated - a.pipelinesCreated, 0, "pipelines");
    assert.equal(b.created - a.created, 0, "storage buffers");
    assert.equal(b.uniformsCreated - a.uniformsCreated, 0, "uniforms");
    // one read per group of 8 losses, started at batches 8, 16, ..., 48
    assert.equal(b.readbacks - a.readbacks, 6, "readbacks");
  });
}
