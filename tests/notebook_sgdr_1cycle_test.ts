/**
 * Notebook sections "SGDR" and "1cycle" (plus fastai v2's `fit_one_cycle`), 20 batches per epoch.
 */
import assert from "node:assert/strict";
import { Learner, phases1cycle, phasesSgdr } from "../src/sched/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import {
  close,
  expectedLrs,
  formulas,
  gpu,
  headTail,
  phaseLines,
  simpleNet,
  synthData,
} from "./_notebook_helpers.ts";

Deno.test("SGDR: phases_sgdr(1e-2, Adam, 2, 1, 2) warm-up then two cosine cycles", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  const phases = phasesSgdr({ lr: 1e-2, optimizer: Adam, numCycles: 2, cycleLen: 1, cycleMult: 2 });
  const r = await learn.fitOptSched(phases, { log: false });
  assert.equal(r.stopped, false);
  const rec = learn.sched.recorder;
  // warm-up: 1/20 epoch = 1 batch at lr/100; cosine over 19 batches; cosine over 40 batches
  close(
    rec.lrs,
    expectedLrs([
      [1, 1, formulas.no(1e-4)],
      [19, 19, formulas.cosine(1e-2, 0)],
      [40, 40, formulas.cosine(1e-2, 0)],
    ]),
    1e-12,
  );
  assert.deepEqual(rec.phases.map((p) => p.end), [1, 20, 60]);
  assert.ok(rec.phases.every((p) => p.optimizerName === "Adam"));
  assert.deepEqual(rec.epochIterations, [20, 40, 60]);
  assert.equal(learn.opt?.optimizerName, "Adam");
  // the restart: lr jumps back to the max at batch 20
  assert.ok(rec.lrs[19]! < 1e-4 && rec.lrs[20] === 1e-2);
  const [head, tail] = headTail(rec.rawLosses, 10);
  assert.ok(tail < head, `loss ${head} -> ${tail}`);
  const svg = learn.sched.plotLr({ showText: false, showMoms: false });
  assert.equal(phaseLines(svg), 2);
});

Deno.test("1cycle: phases_1cycle(3, 1e-2, 10, 10, 0.95, 0.85) lrs and momentums", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  const phases = phases1cycle({
    cycleLen: 3,
    lr: 1e-2,
    div: 10,
    pct: 10,
    maxMom: 0.95,
    minMom: 0.85,
  });
  assert.ok(phases.every((p) => p.optimizer === SGD), "the default optimizer is the SGD class");
  const r = await learn.fitOptSched(phases, { log: false });
  assert.equal(r.stopped, false);
  const rec = learn.sched.recorder;
  // tri = 2.7 epochs: 1.35 + 1.35 + 0.3 epochs = 27 + 27 + 6 batches
  close(
    rec.lrs,
    expectedLrs([
      [27, 27, formulas.linear(1e-3, 1e-2)],
      [27, 27, formulas.linear(1e-2, 1e-3)],
      [6, 6, formulas.linear(1e-3, 1e-5)],
    ]),
    1e-9,
  );
  close(
    rec.momentums,
    expectedLrs([
      [27, 27, formulas.linear(0.95, 0.85)],
      [27, 27, formulas.linear(0.85, 0.95)],
      [6, 6, formulas.no(0.95)],
    ]),
    1e-9,
  );
  rec.phases.forEach((p, i) => close([p.end], [[27, 54, 60][i]!], 1e-9, "limits"));
  assert.deepEqual(rec.epochIterations, [20, 40, 60]);
  const svg = learn.sched.plotLr({ showText: false });
  assert.equal(phaseLines(svg), 4, "2 interior limits on each of 2 panels");
  const [head, tail] = headTail(rec.rawLosses, 10);
  assert.ok(tail < head * 0.8, `loss ${head} -> ${tail}`);
});

Deno.test("fitOneCycle: fastai v2 cosine one-cycle through oneCyclePhases", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData(), { optimizer: Adam });
  const r = await learn.fitOneCycle(2, { lrMax: 1e-2, log: false });
  assert.equal(r.stopped, false);
  const rec = learn.sched.recorder;
  close(
    rec.lrs,
    expectedLrs([
      [10, 10, formulas.cosine(1e-2 / 25, 1e-2)],
      [30, 30, formulas.cosine(1e-2, 1e-7)],
    ]),
    1e-9,
  );
  close(
    rec.momentums,
    expectedLrs([[10, 10, formulas.cosine(0.95, 0.85)], [30, 30, formulas.cosine(0.85, 0.95)]]),
    1e-9,
  );
  assert.equal(learn.opt?.optimizerName, "Adam");
});
