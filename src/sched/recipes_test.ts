import assert from "node:assert/strict";
import { DecayType } from "./decay_type.ts";
import { oneCyclePhases, phases1cycle, phasesSgdr } from "./recipes.ts";
import { SGD as RealSGD } from "../optim/mod.ts";
import { hypersAt, planSchedule } from "./schedule.ts";
import { close } from "./_test_helpers.ts";

const SGD = { optimizerName: "SGD" };
const Adam = { optimizerName: "Adam" };

Deno.test("phasesSgdr: warm-up at lr/100 for cycleLen/20, then cosine cycles to 0", () => {
  const phases = phasesSgdr({ lr: 1e-2, optimizer: SGD, numCycles: 3, cycleLen: 1, cycleMult: 2 });
  assert.deepEqual(phases.map((p) => p.epochs), [0.05, 0.95, 2, 4]);
  assert.deepEqual(phases.map((p) => p.lr.decay), [
    DecayType.NO,
    DecayType.COSINE,
    DecayType.COSINE,
    DecayType.COSINE,
  ]);
  assert.deepEqual(phases.map((p) => [p.lr.start, p.lr.end]), [[1e-4, undefined], [1e-2, 0], [
    1e-2,
    0,
  ], [1e-2, 0]]);
  assert.ok(phases.every((p) => p.momentum.start === 0.9 && p.optimizerName === "SGD"));
  const plan = planSchedule(phases, { nbBatches: 20, groupCount: 1 });
  assert.deepEqual(plan.phases.map((p) => p.batchCount), [1, 19, 40, 80]);
  close(hypersAt(plan, 0).lr, [1e-4]);
  close(hypersAt(plan, 1).lr, [1e-2]);
  close(hypersAt(plan, 10).lr, [1e-2 / 2 * (1 + Math.cos(Math.PI * 9 / 19))]);
  close(hypersAt(plan, 20).lr, [1e-2]); // restart
  close(hypersAt(plan, 40).lr, [1e-2 / 2 * (1 + Math.cos(Math.PI * 20 / 40))]);
  const single = phasesSgdr({
    lr: [1e-3, 1e-2],
    optimizer: SGD,
    numCycles: 1,
    cycleLen: 2,
    cycleMult: 1,
  });
  assert.equal(single.length, 2);
  close(single[0]!.lr.start as Float64Array, [1e-5, 1e-4]);
});

Deno.test("phasesSgdr validates its options", () => {
  const ok = { lr: 1e-2, optimizer: SGD, numCycles: 2, cycleLen: 1, cycleMult: 2 };
  assert.throws(() => phasesSgdr({ ...ok, numCycles: 0 }), {
    name: "RangeError",
    message: /numCycles: .* got 0/,
  });
  assert.throws(() => phasesSgdr({ ...ok, numCycles: 1.5 }), RangeError);
  assert.throws(
    () => phasesSgdr({ ...ok, cycleLen: 0 }),
    /cycleLen: expected a finite number > 0, got 0/,
  );
  assert.throws(() => phasesSgdr({ ...ok, cycleMult: -1 }), /cycleMult/);
  assert.throws(() => phasesSgdr({ ...ok, lr: -1 }), RangeError);
});

Deno.test("phases1cycle is the notebook's phases_1cycle(3, 1e-2, 10, 10, .95, .85)", () => {
  const phases = phases1cycle({
    cycleLen: 3,
    lr: 1e-2,
    div: 10,
    pct: 10,
    maxMom: 0.95,
    minMom: 0.85,
  });
  close(phases.map((p) => p.epochs), [1.35, 1.35, 0.3], 1e-12);
  assert.ok(phases.every((p) => p.optimizer === RealSGD && p.optimizerName === "SGD"));
  assert.deepEqual(phases.map((p) => [p.lr.start, p.lr.end, p.lr.decay]), [
    [1e-3, 1e-2, DecayType.LINEAR],
    [1e-2, 1e-3, DecayType.LINEAR],
    [1e-3, 1e-5, DecayType.LINEAR],
  ]);
  assert.deepEqual(phases.map((p) => [p.momentum.start, p.momentum.end, p.momentum.decay]), [
    [0.95, 0.85, DecayType.LINEAR],
    [0.85, 0.95, DecayType.LINEAR],
    [0.95, undefined, DecayType.NO],
  ]);
  const plan = planSchedule(phases, { nbBatches: 100, groupCount: 1 });
  assert.deepEqual(plan.phases.map((p) => p.batchCount), [135, 135, 30]);
  const h = hypersAt(plan, 67);
  close(h.lr, [1e-3 + 67 / 135 * 9e-3]);
  close(h.momentum, 0.95 - 67 / 135 * 0.1);
  close(hypersAt(plan, 135).lr, [1e-2]);
  close(hypersAt(plan, 270 + 15).lr, [1e-3 + 15 / 30 * (1e-5 - 1e-3)]);
  assert.equal(hypersAt(plan, 299).momentum, 0.95);
});

Deno.test("phases1cycle: optimizer, per-group lrs, pct 0 and validation", () => {
  const adam = phases1cycle({
    cycleLen: 2,
    lr: [1e-3, 1e-2],
    div: 10,
    pct: 0,
    maxMom: 0.95,
    minMom: 0.85,
    optimizer: Adam,
  });
  assert.equal(adam.length, 2); // no 0-epoch annealing phase
  assert.equal(adam[0]!.optimizerName, "Adam");
  close(adam[0]!.lr.start as Float64Array, [1e-4, 1e-3]);
  const ok = { cycleLen: 3, lr: 1e-2, div: 10, pct: 10, maxMom: 0.95, minMom: 0.85 };
  assert.throws(
    () => phases1cycle({ ...ok, pct: 100 }),
    /pct: expected a percentage in \[0, 100\), got 100/,
  );
  assert.throws(() => phases1cycle({ ...ok, pct: -1 }), RangeError);
  assert.throws(() => phases1cycle({ ...ok, div: 0 }), /div: expected a finite number > 0, got 0/);
  assert.throws(() => phases1cycle({ ...ok, cycleLen: -3 }), RangeError);
  assert.throws(() => phases1cycle({ ...ok, maxMom: 1 }), /momentum/);
});

/** fastai v2 fit_one_cycle: combined_cos(pct, start, middle, end) at pos = k/N. */
function v2(pos: number, pct: number, [s, m, e]: [number, number, number]): number {
  const cos = (a: number, b: number, p: number) =>
    a + (1 + Math.cos(Math.PI * (1 - p))) * (b - a) / 2;
  return pos < pct ? cos(s, m, pos / pct) : cos(m, e, (pos - pct) / (1 - pct));
}

Deno.test("oneCyclePhases reproduces fastai v2 fit_one_cycle batch by batch", () => {
  const phases = oneCyclePhases({ epochs: 4, lrMax: 1e-3, optimizer: Adam });
  assert.deepEqual(phases.map((p) => p.epochs), [1, 3]);
  const plan = planSchedule(phases, { nbBatches: 10, groupCount: 1 });
  const N = plan.totalBatches;
  assert.equal(N, 40);
  for (let k = 0; k < N; k++) {
    const h = hypersAt(plan, k);
    close(h.lr, [v2(k / N, 0.25, [1e-3 / 25, 1e-3, 1e-3 / 1e5])], 1e-12, `lr ${k}`);
    close(h.momentum, v2(k / N, 0.25, [0.95, 0.85, 0.95]), 1e-12, `mom ${k}`);
  }
  const custom = oneCyclePhases({
    epochs: 2,
    lrMax: [1e-4, 1e-3],
    div: 10,
    divFinal: 100,
    pctStart: 0.5,
    moms: [0.9, 0.8, 0.9],
    optimizer: SGD,
    wds: 1e-2,
    wdLoss: false,
  });
  close(custom[0]!.lr.start as Float64Array, [1e-5, 1e-4]);
  close(custom[1]!.lr.end as Float64Array, [1e-6, 1e-5]);
  assert.deepEqual([custom[1]!.momentum.start, custom[1]!.momentum.end], [0.8, 0.9]);
  assert.deepEqual([custom[0]!.wds, custom[1]!.wdLoss], [1e-2, false]);
});

Deno.test("oneCyclePhases validates its options", () => {
  const ok = { epochs: 4, lrMax: 1e-3, optimizer: Adam };
  assert.throws(
    () => oneCyclePhases({ ...ok, pctStart: 1 }),
    /pctStart: expected a fraction in \(0, 1\), got 1/,
  );
  assert.throws(() => oneCyclePhases({ ...ok, pctStart: 0 }), RangeError);
  assert.throws(() => oneCyclePhases({ ...ok, epochs: 0 }), /epochs/);
  assert.throws(() => oneCyclePhases({ ...ok, div: -1 }), /div/);
  assert.throws(() => oneCyclePhases({ ...ok, divFinal: 0 }), /divFinal/);
  assert.throws(
    () => oneCyclePhases({ ...ok, moms: [0.9, 0.8] as unknown as [number, number, number] }),
    { name: "TypeError", message: /3 momentums/ },
  );
  assert.throws(() => oneCyclePhases({ ...ok, moms: [0.95, 1, 0.95] }), RangeError);
});
