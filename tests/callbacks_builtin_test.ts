/**
 * The built-in callbacks: EarlyStopping, SaveModel, GradientClip (against a CPU computation, and
 * without allocation or readback in a fit), GradientAccumulation (equal to one larger batch),
 * CSVLogger, TerminateOnNaN and DivergenceGuard.
 */
import assert from "node:assert/strict";
import {
  type Callback,
  clipGradNorm,
  CSVLogger,
  DivergenceGuard,
  EarlyStopping,
  GradientAccumulation,
  GradientClip,
  Learner,
  SaveModel,
  TerminateOnNaN,
  TrainingPhase,
} from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { device, type DeviceStats, matmul, randn, square, sum, tidy } from "../src/tensor/mod.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

const phase = (epochs = 1, lr = 1e-2) => new TrainingPhase({ epochs, optimizer: SGD, lr });
const tmp = () => Deno.makeTempDirSync({ prefix: "tempo_cb_" });

/** Replaces the validation loss of each epoch by a scripted value (after the validator). */
const script = (vals: number[]): Callback => ({
  order: 55,
  afterValidate: (ctx) => void (ctx.valLoss = vals[ctx.epoch]!),
});

async function weights(learn: Learner): Promise<Float32Array[]> {
  return await Promise.all(learn.model.parameters().map((p) => p.data() as Promise<Float32Array>));
}

Deno.test("EarlyStopping stops after `patience` epochs without improvement", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 16 })); // 1 batch per epoch
  const es = new EarlyStopping({ patience: 2 });
  const r = await learn.fitOptSched([phase(6)], {
    log: false,
    callbacks: [script([1, 0.9, 0.95, 0.96, 0.5, 0.4]), es],
  });
  assert.ok(r.stopped);
  assert.match(
    r.reason,
    /EarlyStopping: valLoss did not improve for 2 epochs \(best 0.9 at epoch 1/,
  );
  assert.equal(r.trained, 4);
  // minDelta: 0.9 is not an improvement of more than 0.2 on 1
  const r2 = await learn.fitOptSched([phase(6)], {
    log: false,
    callbacks: [script([1, 0.9, 0.7, 0.6]), new EarlyStopping({ minDelta: 0.2 })],
  });
  assert.ok(r2.stopped && r2.trained === 2);
  assert.throws(() => new EarlyStopping({ patience: 0 }), RangeError);
  await assert.rejects(
    () =>
      learn.fitOptSched([phase(1)], {
        log: false,
        callbacks: [new EarlyStopping({ monitor: "f1" })],
      }),
    /Cannot monitor 'f1': expected valLoss, trnLoss or one of the metrics \[accuracy\]/,
  );
});

Deno.test("SaveModel keeps the best epoch's weights (file and learner), or every epoch's", async () => {
  await gpu();
  const dir = tmp();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 32 }));
  const at: Float32Array[][] = [];
  const grab: Callback = { order: 75, afterEpoch: async () => void at.push(await weights(learn)) };
  const best = new SaveModel({ path: `${dir}/best.safetensors` });
  await learn.fitOptSched([phase(3)], {
    log: false,
    callbacks: [script([1, 0.5, 0.8]), best, grab],
  });
  assert.equal(best.bestEpoch, 1);
  assert.deepEqual(await weights(learn), at[1], "the learner has the best epoch's weights");
  assert.notDeepEqual(at[2], at[1]);
  const fresh = new Learner(simpleNet(7), synthData({ nTrain: 32 }));
  await fresh.load("x", { path: `${dir}/best.safetensors` });
  assert.deepEqual(await weights(fresh), at[1], "the file has them too");
  const every = new SaveModel({ path: `${dir}/e.safetensors`, every: "epoch" });
  await learn.fitOptSched([phase(2)], { log: false, callbacks: [every] });
  for (const e of [0, 1]) assert.ok(Deno.statSync(`${dir}/e_${e}.safetensors`).isFile);
  assert.throws(() => new SaveModel({} as never), /expected a path/);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("clipGradNorm scales the gradients as the CPU computes it", async () => {
  await gpu();
  for (const maxNorm of [0.5, 1e6]) {
    const w1 = randn([6, 4], { seed: 1, requiresGrad: true });
    const w2 = randn([4, 3], { seed: 2, requiresGrad: true });
    const x = randn([5, 6], { seed: 3 });
    tidy(() => sum(square(matmul(matmul(x, w1), w2))).backward());
    const before = [await w1.grad!.data(), await w2.grad!.data()] as Float32Array[];
    const norm = Math.sqrt(before.reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
    const f = Math.min(1, maxNorm / (norm + 1e-6));
    const gpuNorm = tidy(() => clipGradNorm([w1, w2], maxNorm)!);
    assert.ok(Math.abs((await gpuNorm.data())[0]! - norm) <= 1e-4 * norm);
    gpuNorm.dispose();
    const after = [await w1.grad!.data(), await w2.grad!.data()] as Float32Array[];
    after.forEach((g, i) =>
      g.forEach((v, j) => assert.ok(Math.abs(v - before[i]![j]! * f) <= 1e-5 * norm, `${i}.${j}`))
    );
    if (maxNorm < norm) {
      const n2 = Math.sqrt(after.reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
      assert.ok(Math.abs(n2 - maxNorm) < 1e-4, `clipped norm ${n2}`);
    }
  }
});

Deno.test("GradientClip in a fit: no allocation, no readback after the warm-up; changes training", async () => {
  await gpu();
  const at: Record<number, DeviceStats> = {};
  const results: Float32Array[][] = [];
  for (const callbacks of [[], [new GradientClip({ maxNorm: 0.05 })]]) {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 320 }));
    await learn.fitOptSched([phase(1, 0.1)], {
      log: false,
      validate: false,
      callbacks,
      onBatchEnd: (k) => void ((k === 2 || k === 19) && (at[k] = device().stats())),
    });
    results.push(await weights(learn));
    if (callbacks.length) {
      for (const key of ["pipelinesCreated", "created", "uniformsCreated"] as const) {
        assert.equal(at[19]![key] - at[2]![key], 0, key);
      }
      assert.equal(at[19]!.readbacks - at[2]!.readbacks, 2, "the loss groups of batches 8 and 16");
    }
  }
  assert.notDeepEqual(results[0], results[1]);
});

Deno.test("GradientAccumulation of 2 batches of 8 equals batches of 16", async () => {
  await gpu();
  const out: Float32Array[][] = [];
  for (
    const [bs, callbacks] of [[8, [new GradientAccumulation({ steps: 2 })]], [16, []]] as const
  ) {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 64, bs }));
    let steps = 0;
    const count: Callback = { afterStep: () => void steps++ };
    await learn.fitOptSched([phase(2, 0.05)], { log: false, callbacks: [...callbacks, count] });
    assert.equal(steps, 8, "one step per 16 samples");
    out.push(await weights(learn));
  }
  out[0]!.forEach((w, i) =>
    w.forEach((v, j) => assert.ok(Math.abs(v - out[1]![i]![j]!) < 1e-5, `param ${i}[${j}]`))
  );
});

Deno.test("CSVLogger writes the epoch table; TerminateOnNaN is on by default, once", async () => {
  await gpu();
  const dir = tmp();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 32 }));
  await learn.fitOptSched([phase(2)], {
    log: false,
    callbacks: [new CSVLogger({ path: `${dir}/h.csv` }), new TerminateOnNaN()],
  });
  const rows = Deno.readTextFileSync(`${dir}/h.csv`).trim().split("\n").map((l) => l.split(","));
  assert.deepEqual(rows[0], ["epoch", "trn_loss", "val_loss", "accuracy", "time"]);
  assert.equal(rows.length, 3);
  rows.slice(1).forEach((r, e) => {
    assert.equal(Number(r[0]), e);
    assert.equal(Number(r[2]), learn.sched.recorder.valLosses[e]);
    assert.equal(Number(r[3]), learn.sched.recorder.metrics[e]!.accuracy);
  });
  Deno.removeSync(dir, { recursive: true });
  // a NaN stops the fit by default
  const nan = new Learner(simpleNet(), synthData({ nTrain: 64 }));
  const r = await nan.fitOptSched([phase(1, 1e30)], { log: false, readEvery: 1 });
  assert.ok(
    r.stopped && /^loss is (NaN|Infinity) at batch \d+ \(epoch 0, phase 0\)$/.test(r.reason),
  );
});

Deno.test("DivergenceGuard rolls back to good weights and lowers the lr instead of stopping", async () => {
  await gpu();
  const phases = () => [phase(1, 1e-2), phase(0.5, 1e4), phase(1, 1e-2)];
  const plain = new Learner(simpleNet(), synthData());
  const r0 = await plain.fitOptSched(phases(), { log: false, readEvery: 2, stopDiv: true });
  assert.ok(r0.stopped, "without the guard, stopDiv stops the fit");
  const guard = new DivergenceGuard({ lrFactor: 1e-4, every: 2 });
  const learn = new Learner(simpleNet(), synthData());
  const r = await learn.fitOptSched(phases(), {
    log: false,
    readEvery: 2,
    stopDiv: true,
    callbacks: [guard],
  });
  assert.equal(r.stopped, false, r.stopped ? r.reason : "");
  assert.ok(guard.rollbacks.length >= 1);
  const first = guard.rollbacks[0]!;
  assert.ok(first.diverged > 20 && first.restored + 1 < first.diverged, JSON.stringify(first));
  for (const w of await weights(learn)) assert.ok(w.every(Number.isFinite));
  assert.ok(learn.sched.recorder.rawLosses.every(Number.isFinite), "bad losses not recorded");
  assert.ok(r.valLoss < 2.5, `recovered: valLoss ${r.valLoss}`); // diverged weights give ~1e22
});
