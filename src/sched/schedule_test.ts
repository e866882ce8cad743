import assert from "node:assert/strict";
import { DecayType } from "./decay_type.ts";
import { hypersAt, phaseIndexAt, planSchedule } from "./schedule.ts";
import { TrainingPhase, type TrainingPhaseOptions } from "./training_phase.ts";
import { close } from "./_test_helpers.ts";

const SGD = { optimizerName: "SGD" };
const Adam = { optimizerName: "Adam" };
const phase = (o: Partial<TrainingPhaseOptions> = {}) =>
  new TrainingPhase({ optimizer: SGD, ...o });

/** fastai v0.7 `fit` loop: which phase and `it` each batch trains with. */
function fastaiLoop(epochs: number[], nbs: number[]): { phase: number; it: number }[] {
  const cnt: number[] = [];
  epochs.reduce((c, e, i) => (cnt.push(c + e * nbs[i]!), c + e * nbs[i]!), 0);
  const out: { phase: number; it: number }[] = [];
  let phase = 0, it = 0, batchNum = 0;
  while (phase < epochs.length) {
    batchNum++;
    out.push({ phase, it });
    it++;
    if (batchNum >= cnt[phase]!) {
      phase++;
      it = 0;
    }
  }
  return out;
}

Deno.test("fractional epochs: 0.25/0.5/1.25 epochs of 7 batches, global rounding", () => {
  const phases = [0.25, 0.5, 1.25].map((epochs) =>
    phase({ epochs, lr: { start: 1, end: 0 }, lrDecay: DecayType.LINEAR })
  );
  const plan = planSchedule(phases, { nbBatches: 7, groupCount: 1 });
  assert.deepEqual(plan.limits, [0, 1.75, 5.25, 14]);
  assert.deepEqual(plan.phases.map((p) => p.n), [1.75, 3.5, 8.75]);
  assert.deepEqual(plan.phases.map((p) => p.batchCount), [2, 4, 8]);
  assert.deepEqual(plan.phases.map((p) => p.firstBatch), [0, 2, 6]);
  assert.deepEqual(plan.phases.map((p) => [p.limitStart, p.limitEnd]), [[0, 1.75], [1.75, 5.25], [
    5.25,
    14,
  ]]);
  assert.equal(plan.totalBatches, 14);
  const expected = fastaiLoop([0.25, 0.5, 1.25], [7, 7, 7]);
  for (let k = 0; k < plan.totalBatches; k++) {
    const h = hypersAt(plan, k);
    assert.deepEqual({ phase: h.phase, it: h.it }, expected[k], `batch ${k}`);
    const n = plan.phases[h.phase]!.n;
    close(h.lr, [1 - h.it / n], 1e-12, `lr of batch ${k}`); // the decay uses the unrounded n
  }
  assert.throws(() => hypersAt(plan, 14), {
    name: "RangeError",
    message: /expected an integer in \[0, 14\)/,
  });
  assert.throws(() => phaseIndexAt(plan, -1), RangeError);
  assert.throws(() => phaseIndexAt(plan, 1.5), RangeError);
});

Deno.test("the plan matches fastai's loop on random fractional schedules", () => {
  let seed = 42;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let trial = 0; trial < 200; trial++) {
    const count = 1 + Math.floor(rand() * 5);
    const epochs = Array.from({ length: count }, () => Math.round((0.01 + rand() * 2) * 100) / 100);
    const nbs = Array.from({ length: count }, () => 1 + Math.floor(rand() * 13));
    const plan = planSchedule(epochs.map((e) => phase({ epochs: e })), {
      nbBatches: nbs,
      groupCount: 1,
    });
    const expected = fastaiLoop(epochs, nbs);
    assert.equal(plan.totalBatches, expected.length, `${epochs} on ${nbs}`);
    for (let k = 0; k < plan.totalBatches; k++) {
      const h = hypersAt(plan, k);
      assert.deepEqual(
        { phase: h.phase, it: h.it },
        expected[k],
        `${epochs} on ${nbs}, batch ${k}`,
      );
    }
  }
});

Deno.test("float noise in the cumulative count does not add a batch", () => {
  // 0.2*7 + 0.8*7 = 7.000000000000001 in floats: numpy's ceil would give 8 batches
  const plan = planSchedule([phase({ epochs: 0.2 }), phase({ epochs: 0.8 })], {
    nbBatches: 7,
    groupCount: 1,
  });
  assert.equal(plan.totalBatches, 7);
  const tenths = planSchedule(Array.from({ length: 10 }, () => phase({ epochs: 0.1 })), {
    nbBatches: 70, // 0.1*70 = 7.000000000000001
    groupCount: 1,
  });
  assert.deepEqual(tenths.phases.map((p) => p.batchCount), Array(10).fill(7));
  assert.equal(tenths.limits.at(-1), 70);
});

Deno.test("per-phase batch counts and per-group values", () => {
  const phases = [
    phase({ epochs: 1, lr: [1e-3, 1e-2] }),
    phase({ epochs: 0.5, lr: { start: 1e-2, end: 1e-3 }, lrDecay: DecayType.COSINE, beta: 0.99 }),
  ];
  const plan = planSchedule(phases, { nbBatches: [4, 10], groupCount: 2 });
  assert.deepEqual(plan.phases.map((p) => p.batchCount), [4, 5]);
  assert.deepEqual(plan.limits, [0, 4, 9]);
  const h0 = hypersAt(plan, 3);
  close(h0.lr, [1e-3, 1e-2]);
  assert.equal(h0.momentum, 0.9);
  assert.equal("beta" in h0, false);
  assert.equal(h0.wd, undefined);
  assert.equal(h0.decoupledWd, false);
  const h1 = hypersAt(plan, 6);
  assert.deepEqual([h1.phase, h1.it, h1.n], [1, 2, 5]);
  const v = 1e-3 + 9e-3 / 2 * (1 + Math.cos(Math.PI * 2 / 5));
  close(h1.lr, [v, v]);
  assert.equal(h1.beta, 0.99);
});

Deno.test("wds is carried forward and the wd mode persists across optimizer changes", () => {
  const phases = [
    new TrainingPhase({ optimizer: Adam, wds: 1e-2, wdLoss: false }),
    new TrainingPhase({ optimizer: SGD }), // new optimizer: stays decoupled with wd 1e-2
    new TrainingPhase({ optimizer: SGD, wds: [0, 1e-3] }),
    new TrainingPhase({ optimizer: Adam, wdLoss: true }),
    new TrainingPhase({ optimizer: Adam }),
  ];
  const plan = planSchedule(phases, { nbBatches: 2, groupCount: 2 });
  assert.deepEqual(plan.phases.map((p) => p.decoupledWd), [true, true, true, false, false]);
  assert.deepEqual(plan.phases.map((p) => Array.from(p.wd ?? [])), [
    [1e-2, 1e-2],
    [1e-2, 1e-2],
    [0, 1e-3],
    [0, 1e-3],
    [0, 1e-3],
  ]);
  const h = hypersAt(plan, 3);
  assert.equal(h.decoupledWd, true);
  close(h.wd as Float64Array, [1e-2, 1e-2]);
  const l2 = planSchedule([phase()], { nbBatches: 1, groupCount: 1 });
  assert.equal(hypersAt(l2, 0).decoupledWd, false); // default: L2
});

Deno.test("a phase holding no whole batch still runs one, as in fastai's loop", () => {
  // 1.1 -> 1.2 batches: no batch boundary inside phase 1; fastai trains it for one batch
  const plan = planSchedule(
    [phase({ epochs: 1.1 }), phase({ epochs: 0.1 }), phase({ epochs: 2 })],
    {
      nbBatches: 1,
      groupCount: 1,
    },
  );
  assert.deepEqual(plan.phases.map((p) => p.batchCount), [2, 1, 1]);
  assert.equal(plan.totalBatches, 4);
  assert.deepEqual(plan.limits, [0, 1.1, 1.2000000000000002, 3.2]);
  assert.deepEqual(fastaiLoop([1.1, 0.1, 2], [1, 1, 1]).map((b) => b.phase), [0, 0, 1, 2]);
  const last = planSchedule([phase({ epochs: 1.1 }), phase({ epochs: 0.1 })], {
    nbBatches: 1,
    groupCount: 1,
  });
  assert.deepEqual(last.phases.map((p) => p.batchCount), [2, 1]); // the last phase is not dropped either
});

Deno.test("planSchedule validates its inputs", () => {
  const one = [phase()];
  assert.throws(
    () => planSchedule([], { nbBatches: 1, groupCount: 1 }),
    /non-empty array of phases/,
  );
  assert.throws(
    () => planSchedule([{}] as unknown as TrainingPhase[], { nbBatches: 1, groupCount: 1 }),
    { name: "TypeError", message: /TrainingPhase at index 0/ },
  );
  assert.throws(
    () => planSchedule(one, { nbBatches: 1, groupCount: 0 }),
    /integer groupCount >= 1, got 0/,
  );
  assert.throws(
    () => planSchedule(one, { nbBatches: 0, groupCount: 1 }),
    /nbBatches >= 1 for phase 0, got 0/,
  );
  assert.throws(() => planSchedule(one, { nbBatches: 2.5, groupCount: 1 }), RangeError);
  assert.throws(
    () => planSchedule([phase(), phase()], { nbBatches: [3], groupCount: 1 }),
    { name: "RangeError", message: /one number or one per phase \(2\), got \[3\]/ },
  );
  assert.throws(
    () => planSchedule(one, { nbBatches: 3, groupCount: 1, dataKeys: ["a", "b"] }),
    /one data key per phase \(1\), got 2/,
  );
  assert.throws(
    () => planSchedule([phase({ lr: [1, 2, 3] })], { nbBatches: 3, groupCount: 2 }),
    { name: "RangeError", message: /phase 0 lr: expected 1 or 2 values .* got 3/ },
  );
  assert.throws(
    () => planSchedule([phase(), phase({ wds: [0, 0, 0] })], { nbBatches: 3, groupCount: 2 }),
    /phase 1 wds/,
  );
  // a length-1 array broadcasts like fastai's listify
  const plan = planSchedule([phase({ lr: [0.5] })], { nbBatches: 1, groupCount: 3 });
  close(hypersAt(plan, 0).lr, [0.5, 0.5, 0.5]);
});
