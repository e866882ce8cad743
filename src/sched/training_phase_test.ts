import assert from "node:assert/strict";
import { DecayType } from "./decay_type.ts";
import { TrainingPhase, type TrainingPhaseOptions } from "./training_phase.ts";
import { close } from "./_test_helpers.ts";

const SGD = { optimizerName: "SGD" };
const Adam = { optimizerName: "Adam" };

Deno.test("defaults: 1 epoch, lr 1e-2 constant, momentum 0.9 constant, no beta/wds/wdLoss", () => {
  const p = new TrainingPhase({ optimizer: SGD });
  assert.equal(p.epochs, 1);
  assert.equal(p.optimizerName, "SGD");
  assert.deepEqual(p.lr, { start: 1e-2, end: undefined, decay: DecayType.NO, power: undefined });
  assert.deepEqual(p.momentum, {
    start: 0.9,
    end: undefined,
    decay: DecayType.NO,
    power: undefined,
  });
  assert.equal(p.lrAt(3, 10), 1e-2);
  assert.equal(p.momentumAt(3, 10), 0.9);
  assert.equal(p.beta, undefined);
  assert.equal(p.wds, undefined);
  assert.equal(p.wdLoss, undefined);
  assert.equal(p.groupLength, undefined);
  assert.equal(p.lrDecayName, "NO");
});

Deno.test("a plain array is per group, { start, end } is a range", () => {
  const perGroup = new TrainingPhase({
    optimizer: SGD,
    lr: [1e-4, 1e-3],
    lrDecay: DecayType.LINEAR,
  });
  assert.equal(perGroup.groupLength, 2);
  close(perGroup.lr.start, [1e-4, 1e-3]);
  assert.equal(perGroup.lr.end, 0); // a single start ends at 0
  close(perGroup.lrAt(5, 10), [5e-5, 5e-4]);

  const range = new TrainingPhase({
    optimizer: Adam,
    lr: { start: [1e-5, 1e-4], end: [1e-4, 1e-3] },
    lrDecay: DecayType.COSINE,
  });
  close(range.lrAt(0, 4), [1e-5, 1e-4]);
  close(range.lrAt(2, 4), [5.5e-5, 5.5e-4]);
  const scalarRange = new TrainingPhase({
    optimizer: SGD,
    lr: { start: 1, end: 0.5 },
    lrDecay: DecayType.LINEAR,
  });
  close(scalarRange.lrAt(1, 2), 0.75);
});

Deno.test("decay with a power and momentum ranges", () => {
  const p = new TrainingPhase({
    epochs: 0.5,
    optimizer: SGD,
    lr: { start: 1e-2, end: 1e-3 },
    lrDecay: { type: DecayType.POLYNOMIAL, power: 2 },
    momentum: { start: 0.95, end: 0.85 },
    momentumDecay: DecayType.LINEAR,
    beta: 0.99,
    wds: [1e-4, 1e-3],
    wdLoss: false,
  });
  assert.equal(p.lr.power, 2);
  close(p.lrAt(2, 4), 1e-3 + 9e-3 * 0.25);
  close(p.momentumAt(1, 4), 0.925);
  assert.equal(p.beta, 0.99);
  close(p.wds as Float64Array, [1e-4, 1e-3]);
  assert.equal(p.wdLoss, false);
  assert.equal(p.groupLength, 2);
});

Deno.test("single-start decays end at 0, EXPONENTIAL needs an end", () => {
  for (const lrDecay of [DecayType.LINEAR, DecayType.COSINE]) {
    assert.equal(new TrainingPhase({ optimizer: SGD, lr: 1, lrDecay }).lr.end, 0);
  }
  assert.equal(
    new TrainingPhase({ optimizer: SGD, lr: 1, lrDecay: { type: DecayType.POLYNOMIAL, power: 1 } })
      .lr.end,
    0,
  );
  assert.throws(
    () => new TrainingPhase({ optimizer: SGD, lr: 1, lrDecay: DecayType.EXPONENTIAL }),
    { name: "RangeError", message: /EXPONENTIAL decay: an end is required/ },
  );
  assert.throws(
    () => new TrainingPhase({ optimizer: SGD, lr: { start: 1 }, lrDecay: DecayType.EXPONENTIAL }),
    RangeError,
  );
  const ok = new TrainingPhase({
    optimizer: SGD,
    lr: { start: 1e-5, end: 10 },
    lrDecay: DecayType.EXPONENTIAL,
  });
  close(ok.lrAt(1, 2), Math.sqrt(1e-4));
});

const bad: [
  string,
  Partial<TrainingPhaseOptions> & Record<string, unknown>,
  ErrorConstructor,
  RegExp,
][] = [
  ["epochs 0", { epochs: 0 }, RangeError, /epochs: expected a finite number > 0, got 0/],
  ["epochs -1", { epochs: -1 }, RangeError, /got -1/],
  ["epochs NaN", { epochs: NaN }, RangeError, /got NaN/],
  ["epochs Infinity", { epochs: Infinity }, RangeError, /got Infinity/],
  ["epochs string", { epochs: "2" as unknown as number }, RangeError, /got "2"/],
  ["no optimizer", { optimizer: undefined }, TypeError, /optimizerName, got undefined/],
  ["unnamed optimizer", { optimizer: { optimizerName: "" } }, TypeError, /non-empty optimizerName/],
  ["negative lr", { lr: -1 }, RangeError, /lr: expected finite values >= 0, got -1/],
  ["negative group lr", { lr: [1e-3, -1] }, RangeError, /got -1 at index 1/],
  ["NaN lr", { lr: NaN }, RangeError, /got NaN/],
  ["empty lr", { lr: [] }, TypeError, /empty array/],
  ["string lr", { lr: "0.1" as unknown as number }, TypeError, /got "0.1"/],
  ["range without start", { lr: { end: 1 } as unknown as number }, TypeError, /\{ start, end \}/],
  [
    "range with extra key",
    { lr: { start: 1, stop: 0 } as unknown as number },
    TypeError,
    /start, end/,
  ],
  [
    "start/end lengths",
    { lr: { start: [1, 2], end: [1, 2, 3] }, lrDecay: DecayType.LINEAR },
    RangeError,
    /equal length, got 2 and 3/,
  ],
  [
    "end with NO decay",
    { lr: { start: 1, end: 0.1 } },
    RangeError,
    /needs a lrDecay other than NO/,
  ],
  ["POLYNOMIAL alone", { lrDecay: DecayType.POLYNOMIAL }, RangeError, /POLYNOMIAL needs a power/],
  [
    "POLYNOMIAL bad power",
    { lrDecay: { type: DecayType.POLYNOMIAL, power: 0 } },
    RangeError,
    /power that is a finite number > 0, got 0/,
  ],
  [
    "power without POLYNOMIAL",
    { lrDecay: { type: DecayType.COSINE, power: 2 } },
    RangeError,
    /only applies/,
  ],
  ["unknown decay", { lrDecay: 42 as DecayType }, TypeError, /expected a DecayType .* got 42/],
  ["decay string", { lrDecay: "COSINE" as unknown as DecayType }, TypeError, /got "COSINE"/],
  [
    "EXPONENTIAL from 0",
    { lr: { start: 0, end: 1 }, lrDecay: DecayType.EXPONENTIAL },
    RangeError,
    /start and end > 0, got 0 and 1/,
  ],
  [
    "momentum 1",
    { momentum: 1 },
    RangeError,
    /momentum: expected finite values >= 0 and < 1, got 1/,
  ],
  ["momentum -0.1", { momentum: -0.1 }, RangeError, /got -0.1/],
  [
    "momentum end 1",
    { momentum: { start: 0.9, end: 1 }, momentumDecay: DecayType.LINEAR },
    RangeError,
    /got 1/,
  ],
  [
    "momentum array",
    { momentum: [0.9, 0.8] as unknown as number },
    TypeError,
    /one value for all groups/,
  ],
  [
    "momentum range arrays",
    {
      momentum: { start: [0.9, 0.8] as unknown as number, end: 0.8 },
      momentumDecay: DecayType.LINEAR,
    },
    TypeError,
    /expected scalars/,
  ],
  [
    "momentum POLYNOMIAL alone",
    { momentumDecay: DecayType.POLYNOMIAL },
    RangeError,
    /momentumDecay: POLYNOMIAL/,
  ],
  ["beta 1", { beta: 1 }, RangeError, /beta: expected finite values >= 0 and < 1, got 1/],
  ["beta array", { beta: [0.9] as unknown as number }, TypeError, /beta: expected a number/],
  ["negative wds", { wds: -1e-4 }, RangeError, /wds: expected finite values >= 0, got -0.0001/],
  [
    "wdLoss string",
    { wdLoss: "yes" as unknown as boolean },
    TypeError,
    /wdLoss: expected a boolean, got "yes"/,
  ],
  [
    "lr/wds lengths",
    { lr: [1, 2, 3], wds: [0, 0] },
    RangeError,
    /3 values for lr start and 2 for wds/,
  ],
  [
    "typo",
    { lr_decay: DecayType.LINEAR },
    TypeError,
    /option 'lr_decay': unknown option, did you mean 'lrDecay'/,
  ],
];

for (const [name, opts, type, message] of bad) {
  Deno.test(`TrainingPhase rejects ${name}`, () => {
    assert.throws(
      () => new TrainingPhase({ optimizer: SGD, ...opts } as TrainingPhaseOptions),
      (e: Error) => {
        assert.ok(e instanceof type, `expected ${type.name}, got ${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      },
    );
  });
}

Deno.test("TrainingPhase rejects a non-object", () => {
  assert.throws(() => new TrainingPhase(null as unknown as TrainingPhaseOptions), TypeError);
});
