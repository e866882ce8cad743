/**
 * The fit loop as events: the order of the events and the context they get, the cancel errors,
 * `validate: false`, `ctx.request` (values without an extra readback), `schedulePreview`, and the
 * learner's own callbacks.
 */
import assert from "node:assert/strict";
import {
  type Callback,
  CancelBatch,
  CancelEpoch,
  CancelFit,
  CancelValidate,
  DecayType,
  type FitContext,
  Learner,
  lrFind,
  TrainingPhase,
} from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { device } from "../src/tensor/mod.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

const phase = (epochs = 1, lr = 1e-2) => new TrainingPhase({ epochs, optimizer: SGD, lr });

/** A callback that logs every event it gets as `event@iteration`. */
function logger(out: string[], order = 0, tag = ""): Callback {
  const cb: Record<string, unknown> = { order };
  for (
    const e of [
      "beforeFit",
      "beforeEpoch",
      "beforeBatch",
      "afterPred",
      "afterLoss",
      "afterBackward",
      "afterStep",
      "afterCancelBatch",
      "afterBatch",
      "beforeValidate",
      "afterCancelValidate",
      "afterValidate",
      "afterCancelEpoch",
      "afterEpoch",
      "afterCancelFit",
      "afterFit",
    ]
  ) cb[e] = (ctx: FitContext) => void out.push(`${tag}${e}@${ctx.iteration}`);
  return cb as Callback;
}

Deno.test("events fire in fastai's order with the iteration counted from 1 in afterBatch", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 32 })); // 2 batches per epoch
  const out: string[] = [];
  const r = await learn.fitOptSched([phase(2)], { log: false, callbacks: [logger(out)] });
  assert.equal(r.stopped, false);
  const batch = (i: number) =>
    ["beforeBatch", "afterPred", "afterLoss", "afterBackward", "afterStep"].map((e) => `${e}@${i}`)
      .concat([`afterBatch@${i + 1}`]);
  const epoch = (k: number) => [
    `beforeEpoch@${k}`,
    ...batch(k),
    ...batch(k + 1),
    `beforeValidate@${k + 2}`,
    `afterValidate@${k + 2}`,
    `afterEpoch@${k + 2}`,
  ];
  assert.deepEqual(out, ["beforeFit@0", ...epoch(0), ...epoch(2), "afterFit@4"]);
});

Deno.test("callbacks run by order; the context has the hypers, the lagged losses and the values", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 96 })); // 6 batches
  const out: string[] = [];
  const seen: { it: number; lr: number; losses: number[] }[] = [];
  const cb: Callback = {
    order: 5,
    afterBatch: (ctx) =>
      void seen.push({
        it: ctx.iteration,
        lr: ctx.hypers!.lr[0]!,
        losses: ctx.losses.map((l) => l.iteration),
      }),
  };
  const lin = new TrainingPhase({
    epochs: 1,
    optimizer: SGD,
    lr: { start: 1e-3, end: 1e-2 },
    lrDecay: DecayType.LINEAR,
  });
  await learn.fitOptSched([lin], {
    log: false,
    readEvery: 2,
    callbacks: [logger(out, 10, "b:"), cb, logger(out, -10, "a:")],
  });
  assert.deepEqual(out.slice(0, 3), ["a:beforeFit@0", "b:beforeFit@0", "a:beforeEpoch@0"]);
  // losses come back a group late (read every 2); the epoch's last batch drains the ring
  assert.deepEqual(seen.map((s) => s.losses), [[], [], [], [1, 2], [], [3, 4, 5, 6]]);
  assert.deepEqual(seen.map((s) => s.lr), learn.sched.recorder.lrs);
});

Deno.test("CancelBatch skips the step, CancelValidate the validation, CancelEpoch the rest of the epoch", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 64 })); // 4 batches per epoch
  const out: string[] = [];
  let stepped = 0;
  const cancel: Callback = {
    order: -1000,
    beforeBatch: (ctx) => {
      if (ctx.iteration === 1) throw new CancelBatch();
    },
    afterStep: () => void stepped++,
    afterBatch: (ctx) => {
      if (ctx.iteration === 6) throw new CancelEpoch("skip");
    },
    beforeValidate: (ctx) => {
      if (ctx.epoch === 0) throw new CancelValidate();
    },
  };
  const r = await learn.fitOptSched([phase(3)], { log: false, callbacks: [cancel, logger(out)] });
  assert.equal(r.stopped, false);
  assert.ok(out.includes("afterCancelBatch@2") && out.includes("afterBatch@2"));
  assert.ok(out.includes("afterCancelValidate@4"));
  assert.ok(out.includes("afterCancelEpoch@6"));
  // epoch 1 stopped after 2 of its 4 batches: the schedule moved to epoch 2's first batch
  // (the afterBatch that threw CancelEpoch ran no later callback: the logger misses batch 6)
  assert.equal(out.filter((e) => e.startsWith("afterBatch")).length, 4 + 1 + 4);
  assert.equal(stepped, 9, "batch 2 did not step");
  // validation ran only at the end of epoch 2 (epoch 0 cancelled, epoch 1 skipped)
  // at the recorder's count: 12 batches less the cancelled one (no loss) and the 2 skipped
  assert.deepEqual(learn.sched.recorder.epochIterations, [9]);
  assert.ok(Number.isFinite(r.stopped === false ? r.valLoss : NaN));
});

Deno.test("CancelFit stops with its reason and the learner stays usable", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 64 }));
  const out: string[] = [];
  const stop: Callback = {
    afterBatch: (ctx) => {
      if (ctx.iteration === 3) throw new CancelFit("enough at 3");
    },
  };
  const r = await learn.fitOptSched([phase(2)], { log: false, callbacks: [stop, logger(out, 1)] });
  assert.deepEqual(r.stopped && [r.reason, r.trained], ["enough at 3", 3]);
  assert.deepEqual(out.slice(-2), ["afterCancelFit@3", "afterFit@3"]);
  const again = await learn.fitOptSched([phase(1)], { log: false });
  assert.equal(again.stopped, false);
});

Deno.test("validate: false skips validation; lrFind does not validate", async () => {
  await gpu();
  const data = synthData({ nTrain: 64 });
  const valid = data.valid;
  let passes = 0;
  const counting = {
    get length() {
      return valid.length;
    },
    async *[Symbol.asyncIterator]() {
      passes++;
      yield* valid;
    },
  };
  const learn = new Learner(simpleNet(), { train: data.train, valid: counting });
  const r = await learn.fitOptSched([phase(2)], { log: false, validate: false });
  assert.ok(r.stopped === false && Number.isNaN(r.valLoss));
  assert.equal(passes, 0);
  assert.deepEqual(learn.sched.recorder.valLosses, []);
  await lrFind(learn, { numIt: 6 });
  assert.equal(passes, 0, "lrFind ran no validation");
  await learn.fitOptSched([phase(1)], { log: false });
  assert.equal(passes, 1);
});

Deno.test("ctx.request delivers GPU values lagged, in the loss readbacks (no extra readback)", async () => {
  await gpu();
  const got: number[] = [];
  const req: Callback = {
    afterLoss: (ctx) => ctx.request(ctx.loss!, (v) => void got.push(v[0]!)),
  };
  const reads: number[] = [];
  for (const callbacks of [[], [req]]) {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 128 })); // 8 batches
    const before = device().stats().readbacks;
    await learn.fitOptSched([phase(1)], { log: false, validate: false, readEvery: 3, callbacks });
    reads.push(device().stats().readbacks - before);
    if (callbacks.length) assert.deepEqual(got, learn.sched.recorder.rawLosses);
  }
  assert.equal(reads[1], reads[0], "the requests rode on the loss readbacks");
  assert.equal(got.length, 8);
});

Deno.test("a step event that returns a promise is a TypeError; bad callbacks are refused", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData({ nTrain: 32 }));
  await assert.rejects(
    () => learn.fitOptSched([phase()], { log: false, callbacks: [{ afterLoss: async () => {} }] }),
    /expected a synchronous method/,
  );
  await assert.rejects(
    () => learn.fitOptSched([phase()], { callbacks: [{ afterBatch: 3 } as never] }),
    /expected afterBatch to be a function/,
  );
  assert.throws(
    () => new Learner(simpleNet(), synthData(), { callbacks: [null as never] }),
    TypeError,
  );
});

Deno.test("learner callbacks run in every fit; schedulePreview gives the fit's hypers", async () => {
  await gpu();
  const out: string[] = [];
  const learn = new Learner(simpleNet(), synthData({ nTrain: 64 }), {
    callbacks: [{ beforeFit: () => void out.push("fit") }],
  });
  const phases = [
    phase(0.5, 1e-3),
    new TrainingPhase({
      epochs: 1,
      optimizer: SGD,
      lr: { start: 1e-2, end: 1e-4 },
      lrDecay: DecayType.COSINE,
      momentum: 0.8,
    }),
  ];
  const preview = learn.schedulePreview(phases);
  await learn.fitOptSched(phases, { log: false });
  await learn.fitOptSched([phase()], { log: false });
  assert.deepEqual(out, ["fit", "fit"]);
  const fit = learn.sched;
  // the fit just before recorded the two-phase plan: compare with a fresh fit of it
  await learn.fitOptSched(phases, { log: false });
  assert.deepEqual(preview.recorder.lrs, learn.sched.recorder.lrs);
  assert.deepEqual(preview.recorder.momentums, learn.sched.recorder.momentums);
  assert.notDeepEqual(fit.recorder.lrs, preview.recorder.lrs);
  assert.match(preview.plotLr(), /<svg[^]*phase-boundary/);
  assert.throws(() => learn.schedulePreview(phases, { data_list: [] } as never), /dataList/);
});
