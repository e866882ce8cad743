/**
 * Notebook sections "Basic lr decay" and the four decay types (LINEAR, COSINE, EXPONENTIAL,
 * POLYNOMIAL p=2 and p=0.5, a single lr COSINE to 0), on synthetic 3x8x8 data, 20 batches/epoch.
 */
import assert from "node:assert/strict";
import { type DecaySpec, DecayType, Learner, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
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

const NB = 20; // 320 images, batch 16

async function learner(): Promise<Learner> {
  await gpu();
  return new Learner(simpleNet(), synthData());
}

Deno.test("basic lr decay: 1 epoch at 1e-2 then 2 at 1e-3, table, result, plotLr", async () => {
  const learn = await learner();
  const phases = [
    new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 }),
    new TrainingPhase({ epochs: 2, optimizer: SGD, lr: 1e-3 }),
  ];
  const { log, out } = lines();
  const r = await learn.fitOptSched(phases, { log });
  // returned value: the last validation
  assert.equal(r.stopped, false);
  if (r.stopped) return;
  assert.ok(Number.isFinite(r.valLoss) && r.valLoss > 0);
  assert.deepEqual(Object.keys(r.metrics), learn.metrics.map((m) => m.name));
  // the table: header then one row per epoch, fastai's column layout
  assert.equal(out.length, 4);
  assert.match(out[0]!, /^\s+epoch\s+trn_loss\s+val_loss/);
  assert.equal(out[0]!.indexOf("trn_loss"), 11);
  for (let e = 0; e < 3; e++) {
    const cells = out[e + 1]!.trim().split(/\s+/);
    assert.equal(cells[0], String(e));
    assert.equal(out[e + 1]!.indexOf(cells[1]!), 11, "trn_loss column aligned");
  }
  assert.equal(Number(out[3]!.trim().split(/\s+/)[2]), Number(r.valLoss.toFixed(6)));
  // per-batch lrs, momentum default 0.9, phase limits
  const rec = learn.sched.recorder;
  close(rec.lrs, expectedLrs([[NB, NB, formulas.no(1e-2)], [2 * NB, 2 * NB, formulas.no(1e-3)]]));
  assert.ok(rec.momentums.every((m) => m === 0.9));
  assert.deepEqual(rec.phases.map((p) => [p.start, p.end, p.optimizerName]), [
    [0, 20, "SGD"],
    [20, 60, "SGD"],
  ]);
  assert.deepEqual(rec.epochIterations, [20, 40, 60]);
  // the training loss goes down
  const [head, tail] = headTail(rec.rawLosses, 10);
  assert.ok(tail < head * 0.9, `loss ${head} -> ${tail}`);
  // plots: red dashed line at the phase change, with and without the text
  const svg = learn.sched.plotLr();
  assert.equal(phaseLines(svg), 2, "one line on each of the lr and momentum panels");
  assert.match(svg, />SGD</);
  assert.match(svg, /momentum/);
  const noText = learn.sched.plotLr({ showText: false });
  assert.equal(phaseLines(noText), 2);
  assert.doesNotMatch(noText, />SGD</);
  const file = await Deno.makeTempFile({ suffix: ".svg" });
  const lrOnly = learn.sched.plotLr({ showText: false, showMoms: false, file });
  assert.equal(phaseLines(lrOnly), 1);
  assert.doesNotMatch(lrOnly, />momentum</);
  assert.equal(await Deno.readTextFile(file), lrOnly);
  await Deno.remove(file);
  assert.match(learn.sched.plotLoss(), /<svg/);
});

const cases: [string, DecaySpec, (i: number, n: number) => number][] = [
  ["LINEAR", DecayType.LINEAR, formulas.linear(1e-2, 1e-3)],
  ["COSINE", DecayType.COSINE, formulas.cosine(1e-2, 1e-3)],
  ["EXPONENTIAL", DecayType.EXPONENTIAL, formulas.exponential(1e-2, 1e-3)],
  [
    "POLYNOMIAL p=2",
    { type: DecayType.POLYNOMIAL, power: 2 },
    formulas.polynomial(1e-2, 1e-3, 2),
  ],
  [
    "POLYNOMIAL p=0.5",
    { type: DecayType.POLYNOMIAL, power: 0.5 },
    formulas.polynomial(1e-2, 1e-3, 0.5),
  ],
];

Deno.test("decay types: 1e-2, then 1e-2 -> 1e-3 with each decay, then 1e-3", async (t) => {
  const learn = await learner();
  for (const [name, decay, f] of cases) {
    await t.step(name, async () => {
      const phases = [
        new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 }),
        new TrainingPhase({
          epochs: 1,
          optimizer: SGD,
          lr: { start: 1e-2, end: 1e-3 },
          lrDecay: decay,
        }),
        new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-3 }),
      ];
      const r = await learn.fitOptSched(phases, { log: false });
      assert.equal(r.stopped, false);
      const rec = learn.sched.recorder;
      const expected = expectedLrs([
        [NB, NB, formulas.no(1e-2)],
        [NB, NB, f],
        [NB, NB, formulas.no(1e-3)],
      ]);
      close(rec.lrs, expected, 1e-12, name);
      // start included, end never trained on
      close([rec.lrs[NB]!], [1e-2], 1e-12, "start");
      assert.ok(rec.lrs[2 * NB - 1]! > 1e-3);
      assert.deepEqual(rec.phases.map((p) => p.end), [20, 40, 60]);
      const svg = learn.sched.plotLr({ showMoms: false });
      assert.equal(phaseLines(svg), 2);
      assert.ok(rec.losses.every(Number.isFinite));
    });
  }
  await t.step("single lr COSINE decays to 0", async () => {
    const phases = [
      new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 }),
      new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2, lrDecay: DecayType.COSINE }),
      new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-3 }),
    ];
    await learn.fitOptSched(phases, { log: false });
    const lrs = learn.sched.recorder.lrs;
    close(
      lrs,
      expectedLrs([[NB, NB, formulas.no(1e-2)], [NB, NB, formulas.cosine(1e-2, 0)], [
        NB,
        NB,
        formulas.no(1e-3),
      ]]),
    );
    assert.ok(lrs[2 * NB - 1]! < 1e-4, "close to 0 at the end of the cosine");
  });
  await t.step("EXPONENTIAL without an end is refused before training", () => {
    assert.throws(
      () => new TrainingPhase({ optimizer: SGD, lr: 1e-2, lrDecay: DecayType.EXPONENTIAL }),
      RangeError,
    );
  });
});
