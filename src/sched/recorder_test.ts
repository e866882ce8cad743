import assert from "node:assert/strict";
import { DecayType } from "./decay_type.ts";
import { phaseRecords, Recorder } from "./recorder.ts";
import { planSchedule } from "./schedule.ts";
import { TrainingPhase } from "./training_phase.ts";

const SGD = { optimizerName: "SGD" };
const Adam = { optimizerName: "Adam" };

Deno.test("records batches (highest group lr), epochs and phases; toJSON round-trips", () => {
  const rec = new Recorder();
  rec.recordBatch({ lrs: [1e-4, 1e-3, 1e-2], momentum: 0.95, loss: 2.3, rawLoss: 2.3 });
  rec.recordBatch({ lrs: new Float64Array([3e-2, 1e-2]), momentum: 0.9, loss: 2.2, rawLoss: 2.1 });
  rec.recordEpoch({ valLoss: 2.0, metrics: { accuracy: 0.25 } });
  rec.recordBatch({ lrs: [1e-3], momentum: 0.9, loss: 2.1, rawLoss: 2.0 });
  rec.recordEpoch({ valLoss: 1.9 });
  assert.deepEqual(rec.iterations, [1, 2, 3]);
  assert.deepEqual(rec.lrs, [1e-2, 3e-2, 1e-3]);
  assert.deepEqual(rec.groupLrs, [[1e-4, 1e-3, 1e-2], [3e-2, 1e-2], [1e-3]]);
  assert.deepEqual(rec.momentums, [0.95, 0.9, 0.9]);
  assert.deepEqual(rec.losses, [2.3, 2.2, 2.1]);
  assert.deepEqual(rec.rawLosses, [2.3, 2.1, 2.0]);
  assert.deepEqual(rec.epochIterations, [2, 3]);
  assert.deepEqual(rec.valLosses, [2.0, 1.9]);
  assert.deepEqual(rec.metrics, [{ accuracy: 0.25 }, {}]);

  const plan = planSchedule([
    new TrainingPhase({
      epochs: 0.5,
      optimizer: SGD,
      lr: { start: 1, end: 0.1 },
      lrDecay: DecayType.LINEAR,
    }),
    new TrainingPhase({ epochs: 1, optimizer: Adam, beta: 0.99, wds: [0, 1e-2] }),
  ], { nbBatches: 7, groupCount: 2 });
  rec.setPhases(plan);
  assert.deepEqual(rec.phases, [
    { start: 0, end: 3.5, optimizerName: "SGD", linear: true },
    { start: 3.5, end: 10.5, optimizerName: "Adam", linear: false, wds: [0, 1e-2], beta: 0.99 },
  ]);
  assert.deepEqual(phaseRecords(plan), rec.phases);
  const json = JSON.parse(JSON.stringify(rec));
  assert.deepEqual(json, rec.toJSON());
  assert.deepEqual(json.phases[1]!.wds, [0, 1e-2]);
  const snapshot = rec.toJSON();
  snapshot.lrs.push(5);
  assert.equal(rec.lrs.length, 3); // toJSON copies
});

Deno.test("Recorder rejects malformed records", () => {
  const rec = new Recorder();
  assert.throws(
    () => rec.recordBatch({ lrs: [], momentum: 0.9, loss: 1, rawLoss: 1 }),
    { name: "TypeError", message: /non-empty array of lrs, got \[\]/ },
  );
  assert.throws(
    () => rec.recordBatch({ lrs: [1], momentum: 0.9, loss: "1" as unknown as number, rawLoss: 1 }),
    /number for loss, got "1"/,
  );
  assert.throws(() => rec.recordEpoch({ valLoss: undefined as unknown as number }), TypeError);
  assert.equal(rec.iteration, 0);
});
