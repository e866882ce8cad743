/**
 * A Learner runs one fit at a time: a second `fitOptSched`, `fitOneCycle` or `lrFind` (or `load`,
 * `dispose`) while a fit runs is refused with a `LearnerBusyError`, and the first fit finishes
 * untouched; a fit that fails releases the Learner.
 */
import assert from "node:assert/strict";
import { Learner, LearnerBusyError, lrFind, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

const phase = () => new TrainingPhase({ optimizer: SGD, lr: 1e-2, epochs: 1 });
const learner = () => new Learner(simpleNet(3), synthData({ nTrain: 64 }));

function busy(refused: string, running: string) {
  return (e: Error) => {
    assert.ok(e instanceof LearnerBusyError, `expected a LearnerBusyError, got ${e}`);
    assert.equal(e.name, "LearnerBusyError");
    assert.equal(e.refused, refused);
    assert.equal(e.running, running);
    assert.match(
      e.message,
      new RegExp(
        `^Cannot (start )?${refused}: this Learner is already fitting \\(started by ${running}\\); await it first$`,
      ),
    );
    return true;
  };
}

Deno.test("a second fit while one runs is refused; the first completes as if alone", async () => {
  await gpu();
  const alone = learner();
  const ref = await alone.fitOptSched([phase()], { log: false });
  alone.dispose();

  const learn = learner();
  const first = learn.fitOptSched([phase()], { log: false });
  await assert.rejects(
    () => learn.fitOptSched([phase()], { log: false }),
    busy("fitOptSched", "fitOptSched"),
  );
  await assert.rejects(
    () => learn.fitOneCycle(1, { log: false }),
    busy("fitOneCycle", "fitOptSched"),
  );
  await assert.rejects(() => lrFind(learn, { numIt: 2 }), busy("lrFind", "fitOptSched"));
  await assert.rejects(() => learn.load("x"), busy("load", "fitOptSched"));
  assert.throws(() => learn.dispose(), busy("dispose", "fitOptSched"));
  const r = await first;
  assert.equal(r.stopped, false);
  assert.deepEqual(r, ref, "the refused calls changed the first fit");
  // free again: the next fit runs
  const again = await learn.fitOptSched([phase()], { log: false });
  assert.equal(again.stopped, false);
  learn.dispose();
});

Deno.test("fitOneCycle and lrFind hold the Learner for their whole run", async () => {
  await gpu();
  const learn = learner();
  const cycle = learn.fitOneCycle(1, { log: false });
  await assert.rejects(
    () => learn.fitOptSched([phase()], { log: false }),
    busy("fitOptSched", "fitOneCycle"),
  );
  await cycle;
  const find = lrFind(learn, { numIt: 3, progress: false });
  await assert.rejects(
    () => learn.fitOptSched([phase()], { log: false }),
    busy("fitOptSched", "lrFind"),
  );
  await assert.rejects(() => lrFind(learn, { numIt: 3 }), busy("lrFind", "lrFind"));
  const r = await find; // its own inner fit was not refused
  assert.equal(r.lrs.length, 3);
  learn.dispose();
});

Deno.test("a fit that fails releases the Learner", async () => {
  await gpu();
  const learn = learner();
  await assert.rejects(() => learn.fitOptSched([phase()], { log: false, readEvery: -1 }));
  await assert.rejects(() => learn.fitOptSched([phase()], { stop_div: true } as never), TypeError);
  const boom = learn.fitOptSched([phase()], {
    log: false,
    onBatchEnd: () => {
      throw new Error("callback failed");
    },
  });
  await assert.rejects(() => boom, /callback failed/);
  const r = await learn.fitOptSched([phase()], { log: false });
  assert.equal(r.stopped, false);
  learn.dispose();
});
