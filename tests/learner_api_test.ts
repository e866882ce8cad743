/**
 * `Learner` API details: argument errors, result shape, lag independence of the recorded losses,
 * save/load to a file, models without a state dict, custom loss and metrics.
 */
import assert from "node:assert/strict";
import { Learner, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { crossEntropy, type Tensor } from "../src/tensor/mod.ts";
import { gpu, lines, simpleNet, synthData, TinyMlp } from "./_notebook_helpers.ts";

const phase = (epochs = 1, lr = 1e-2) => new TrainingPhase({ epochs, optimizer: SGD, lr });

Deno.test("fitOptSched refuses bad arguments up front", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  await assert.rejects(() => learn.fitOptSched([]), TypeError);
  await assert.rejects(() => learn.fitOptSched([{} as TrainingPhase]), TypeError);
  await assert.rejects(
    () => learn.fitOptSched([phase(), phase()], { dataList: [synthData()] }),
    /dataList must have one data object per phase \(2\), got 1/,
  );
  const wrongGroups = new TrainingPhase({ optimizer: SGD, lr: [1e-3, 1e-2] }); // simpleNet has 5 groups
  await assert.rejects(() => learn.fitOptSched([wrongGroups], { log: false }), RangeError);
  await assert.rejects(
    () => learn.fitOptSched([new TrainingPhase({ optimizer: { optimizerName: "Lion" } })]),
    /Cannot use optimizer "Lion"/,
  );
  assert.throws(() => new Learner({} as never, synthData()), TypeError);
  assert.throws(() => new Learner(simpleNet(), {} as never), TypeError);
});

Deno.test("recorded losses do not depend on the readback lag; fractional epochs", async () => {
  await gpu();
  const runs: number[][] = [];
  for (const readEvery of [1, 5, 16]) {
    const learn = new Learner(simpleNet(3), synthData());
    const r = await learn.fitOptSched([phase(0.55), phase(0.7, 1e-3)], { log: false, readEvery });
    assert.equal(r.stopped, false);
    // 0.55*20 = 11 batches, then ceil(25) - 11 = 14; validation at the end of the pass and at the end
    assert.deepEqual(learn.sched.recorder.epochIterations, [20, 25]);
    runs.push(learn.sched.recorder.rawLosses);
  }
  assert.equal(runs[0]!.length, 25);
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
});

Deno.test("result shape, table and metrics; custom loss; names", async () => {
  await gpu();
  const acc = { name: "acc", fn: (o: Tensor, t: Tensor) => crossEntropy(o, t) };
  const learn = new Learner(simpleNet(), synthData(), { lossFn: crossEntropy, metrics: [acc] });
  const { log, out } = lines();
  const r = await learn.fitOptSched([phase()], { log });
  assert.deepEqual(Object.keys(r).sort(), ["metrics", "stopped", "trnLoss", "valLoss"]);
  if (r.stopped) return;
  assert.deepEqual(Object.keys(r.metrics), ["acc"]);
  assert.equal(out[0], "  epoch    trn_loss   val_loss   acc");
  assert.match(out[1]!, /^ {4}0 {6}\d\.\d+ +\d\.\d+ +\d\.\d+$/);
  // the metric here is the same function as the loss
  assert.ok(Math.abs(r.metrics.acc! - r.valLoss) < 1e-6);
});

Deno.test("save/load in memory and to a file; a model without a state dict", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  await learn.fitOptSched([phase(0.5)], { log: false });
  const file = await Deno.makeTempFile({ suffix: ".tempo" });
  await learn.save("a", { path: file });
  const w = await learn.model.parameters()[1]!.data();
  const optState = await (learn.opt as unknown as { stateDict(): Promise<unknown> }).stateDict();
  await learn.fitOptSched([phase(0.5)], { log: false });
  assert.notDeepEqual(await learn.model.parameters()[1]!.data(), w);
  await learn.load("a", { path: file });
  assert.deepEqual(await learn.model.parameters()[1]!.data(), w);
  assert.deepEqual(
    await (learn.opt as unknown as { stateDict(): Promise<unknown> }).stateDict(),
    optState,
  );
  await learn.fitOptSched([phase(0.5)], { log: false });
  await learn.load("a");
  assert.deepEqual(await learn.model.parameters()[1]!.data(), w);
  await assert.rejects(() => learn.load("nope"), /Cannot load "nope"/);
  await Deno.remove(file);
  // a plain object model (parameters + forward, tensors as layer groups, no state dict)
  const mlp = new TinyMlp(192, 40, 10);
  const l2 = new Learner(mlp, synthData());
  assert.equal(l2.layerGroups().length, 2);
  const w2 = await mlp.w1.data();
  await l2.save("x");
  await l2.fitOptSched([phase(0.5)], { log: false });
  await l2.load("x");
  assert.deepEqual(await mlp.w1.data(), w2);
});
