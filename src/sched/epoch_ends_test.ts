import assert from "node:assert/strict";
import { type EpochEnd, epochEnds } from "./epoch_ends.ts";
import { planSchedule } from "./schedule.ts";
import { TrainingPhase } from "./training_phase.ts";

const SGD = { optimizerName: "SGD" };
const phases = (...epochs: number[]) =>
  epochs.map((e) => new TrainingPhase({ epochs: e, optimizer: SGD }));
const simple = (ends: readonly EpochEnd[]) =>
  ends.map((e) => [e.iteration, e.phase, e.complete, e.final]);

Deno.test("one data: validation after every full pass and at the end of training", () => {
  assert.deepEqual(
    simple(epochEnds([{ firstBatch: 0, batchCount: 6, nbBatches: 4, dataKey: 0 }])),
    [
      [4, 0, true, false],
      [6, 0, false, true],
    ],
  );
  const plan = planSchedule(phases(0.25, 0.5, 1.25), { nbBatches: 7, groupCount: 1 });
  assert.deepEqual(simple(plan.epochEnds), [[7, 2, true, false], [14, 2, true, true]]);
  const two = planSchedule(phases(1, 2), { nbBatches: 5, groupCount: 1 });
  assert.deepEqual(simple(two.epochEnds), [[5, 0, true, false], [10, 1, true, false], [
    15,
    1,
    true,
    true,
  ]]);
});

Deno.test("a data change ends the pass; trailing phases are never skipped (v0.7 ceil(sum) trap)", () => {
  // fastai v0.7: [0.5@A, 0.5@B, 0.5@A] gets ceil(1.5) = 2 loop iterations for 3 fragments
  const plan = planSchedule(phases(0.5, 0.5, 0.5), {
    nbBatches: 4,
    groupCount: 1,
    dataKeys: ["A", "B", "A"],
  });
  assert.deepEqual(plan.phases.map((p) => p.batchCount), [2, 2, 2]);
  assert.equal(plan.totalBatches, 6);
  assert.deepEqual(simple(plan.epochEnds), [[2, 0, false, false], [4, 1, false, false], [
    6,
    2,
    false,
    true,
  ]]);
});

Deno.test("default data keys: a number shares one data, an array groups equal consecutive counts", () => {
  const shared = planSchedule(phases(1.5, 1.5), { nbBatches: [4, 4], groupCount: 1 });
  assert.deepEqual(simple(shared.epochEnds), [[4, 0, true, false], [8, 1, true, false], [
    12,
    1,
    true,
    true,
  ]]);
  const split = planSchedule(phases(1.5, 1), { nbBatches: [4, 6], groupCount: 1 });
  assert.deepEqual(simple(split.epochEnds), [[4, 0, true, false], [6, 0, false, false], [
    12,
    1,
    true,
    true,
  ]]);
});

Deno.test("one data with two batch counts is an error", () => {
  assert.throws(
    () => planSchedule(phases(1, 1), { nbBatches: [4, 5], groupCount: 1, dataKeys: ["A", "A"] }),
    {
      name: "RangeError",
      message: /phases 0 and 1 share data "A" but give 4 and 5 batches per epoch/,
    },
  );
});
