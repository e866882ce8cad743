/**
 * Notebook sections "It supports discriminative learning rates" (small ResNet, 3 layer groups) and
 * "But there's more!" (SGD -> Adam between phases; a change of data between phases).
 */
import assert from "node:assert/strict";
import { DecayType, Learner, TrainingPhase } from "../src/sched/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { resnet, shallowConvNet } from "../src/nn/mod.ts";
import {
  close,
  expectedLrs,
  formulas,
  gpu,
  headTail,
  lines,
  phaseLines,
  simpleNet,
  synthData,
} from "./_notebook_helpers.ts";

Deno.test("discriminative lrs on the small ResNet: 3 groups, lr arrays", async () => {
  await gpu();
  const data = synthData({ nTrain: 64, nValid: 32 }); // 4 batches per epoch
  const learn = new Learner(resnet({ seed: 0 }), data);
  learn.unfreeze();
  assert.equal(learn.layerGroups().length, 3);
  const lr = 1e-2;
  const lrs = [lr / 100, lr / 10, lr];
  const phases = [
    new TrainingPhase({
      epochs: 1,
      optimizer: Adam,
      lr: { start: lrs.map((x) => x / 10), end: lrs },
      lrDecay: DecayType.LINEAR,
    }),
    new TrainingPhase({ epochs: 2, optimizer: Adam, lr: lrs, lrDecay: DecayType.COSINE }),
  ];
  const { log, out } = lines();
  const r = await learn.fitOptSched(phases, { log });
  assert.equal(r.stopped, false);
  assert.equal(out.length, 4);
  assert.match(out[0]!, /accuracy/);
  const rec = learn.sched.recorder;
  assert.equal(rec.groupLrs.length, 12);
  lrs.forEach((l, g) => {
    close(
      rec.groupLrs.map((x) => x[g]!),
      expectedLrs([[4, 4, formulas.linear(l / 10, l)], [8, 8, formulas.cosine(l, 0)]]),
      1e-12,
      `group ${g}`,
    );
  });
  // the plotted lr is the highest group's
  close(rec.lrs, rec.groupLrs.map((g) => Math.max(...g)));
  const opt = learn.opt!;
  lrs.forEach((_, g) => close([opt.getHypers(g).lr], [rec.groupLrs[11]![g]!], 1e-6));
  assert.equal(phaseLines(learn.sched.plotLr({ showText: false, showMoms: false })), 1);
});

Deno.test("a change of optimizer between phases: SGD 1cycle then Adam annealing", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  const phases = [
    new TrainingPhase({
      epochs: 1,
      optimizer: SGD,
      lr: { start: 1e-3, end: 1e-2 },
      lrDecay: DecayType.LINEAR,
      momentum: { start: 0.95, end: 0.85 },
      momentumDecay: DecayType.LINEAR,
    }),
    new TrainingPhase({
      epochs: 1,
      optimizer: SGD,
      lr: { start: 1e-2, end: 1e-3 },
      lrDecay: DecayType.LINEAR,
      momentum: { start: 0.85, end: 0.95 },
      momentumDecay: DecayType.LINEAR,
    }),
    new TrainingPhase({
      epochs: 1,
      optimizer: Adam,
      lr: 1e-3,
      lrDecay: DecayType.COSINE,
      momentum: 0.9,
      beta: 0.99,
    }),
  ];
  const opts: unknown[] = [];
  const r = await learn.fitOptSched(phases, { log: false, onBatchEnd: () => opts.push(learn.opt) });
  assert.equal(r.stopped, false);
  // same class keeps the optimizer (and its state); a new class re-creates it
  assert.ok(opts.slice(0, 40).every((o) => o === opts[0]));
  assert.ok(opts.slice(40).every((o) => o === opts[40]));
  assert.notEqual(opts[0], opts[40]);
  assert.equal(learn.opt?.optimizerName, "Adam");
  assert.equal(learn.opt?.getHypers(0).beta, 0.99);
  const rec = learn.sched.recorder;
  assert.deepEqual(rec.phases.map((p) => p.optimizerName), ["SGD", "SGD", "Adam"]);
  assert.equal(rec.phases[2]!.beta, 0.99);
  close(
    rec.momentums,
    expectedLrs([
      [20, 20, formulas.linear(0.95, 0.85)],
      [20, 20, formulas.linear(0.85, 0.95)],
      [20, 20, formulas.no(0.9)],
    ]),
    1e-12,
  );
  const svg = learn.sched.plotLr();
  assert.match(svg, />SGD</);
  assert.match(svg, />Adam</);
  assert.match(svg, /beta=0\.99/);
  assert.equal(phaseLines(svg), 4);
  const [head, tail] = headTail(rec.rawLosses, 10);
  assert.ok(tail < head, `loss ${head} -> ${tail}`);
});

Deno.test("a change of data between phases: 8 then 10 pixels, conv net with adaptive pooling", async () => {
  await gpu();
  const data1 = synthData({ size: 8, nTrain: 64, nValid: 32 });
  const data2 = synthData({ size: 10, nTrain: 96, nValid: 32 });
  const learn = new Learner(shallowConvNet({ seed: 0 }), data1);
  const phases = [
    new TrainingPhase({ epochs: 1, optimizer: Adam, lr: 1e-2, lrDecay: DecayType.COSINE }),
    new TrainingPhase({ epochs: 2, optimizer: Adam, lr: 1e-2, lrDecay: DecayType.COSINE }),
  ];
  await assert.rejects(
    () => learn.fitOptSched(phases, { dataList: [data1] }),
    (e: Error) =>
      e instanceof RangeError && /one data object per phase \(2\), got 1/.test(e.message),
  );
  const { log, out } = lines();
  const r = await learn.fitOptSched(phases, { dataList: [data1, data2], log });
  assert.equal(r.stopped, false);
  const rec = learn.sched.recorder;
  // 4 batches of data1, then 2 epochs of 6 batches of data2
  assert.equal(rec.lrs.length, 16);
  assert.deepEqual(rec.epochIterations, [4, 10, 16]);
  assert.deepEqual(rec.phases.map((p) => [p.start, p.end]), [[0, 4], [4, 16]]);
  close(
    rec.lrs,
    expectedLrs([[4, 4, formulas.cosine(1e-2, 0)], [12, 12, formulas.cosine(1e-2, 0)]]),
    1e-12,
  );
  assert.equal(out.length, 4);
  assert.ok(rec.valLosses.every(Number.isFinite));
  assert.equal(phaseLines(learn.sched.plotLr({ showMoms: false })), 1);
});
