import assert from "node:assert/strict";
import { DivergenceDetector } from "./divergence.ts";

Deno.test("NaN and +/-Infinity stop at once, even before minIters", () => {
  assert.match(new DivergenceDetector().update(NaN) ?? "", /loss is NaN at batch 0/);
  assert.match(new DivergenceDetector().update(Infinity) ?? "", /loss is Infinity at batch 0/);
  assert.match(new DivergenceDetector().update(-Infinity) ?? "", /loss is -Infinity/);
});

Deno.test("by default the best is tracked from the first batch (fastai): 2.4 -> 1e22 stops", () => {
  const d = new DivergenceDetector();
  assert.equal(d.update(2.4), undefined);
  assert.equal(d.best, 2.4);
  assert.match(
    d.update(1e22) ?? "",
    /loss 1e\+22 at batch 1 is above the divergence threshold 9.6/,
  );
});

Deno.test("positive losses: fastai's 4x best, best tracked after minIters batches", () => {
  const d = new DivergenceDetector({ minIters: 10 });
  for (let i = 0; i < 10; i++) assert.equal(d.update(i === 0 ? 0.01 : 100), undefined); // not tracked yet
  assert.equal(d.best, Infinity);
  assert.equal(d.update(2), undefined); // batch 10: best = 2
  assert.equal(d.best, 2);
  assert.equal(d.threshold, 8);
  assert.equal(d.update(8), undefined); // not above 4x
  const reason = d.update(8.5);
  assert.match(
    reason ?? "",
    /loss 8.5 at batch 12 is above the divergence threshold 8 \(best 2, factor 4\)/,
  );
  assert.equal(d.iteration, 13);
});

Deno.test("negative losses: fires above best + 3|best|, not on every normal loss", () => {
  const d = new DivergenceDetector({ minIters: 0 });
  assert.equal(d.update(-2), undefined);
  assert.equal(d.best, -2);
  assert.equal(d.threshold, 4);
  // fastai's `loss > 4*best` (> -8) would fire here on a loss that is still improving-ish
  assert.equal(d.update(-1.5), undefined);
  assert.equal(d.update(-3), undefined);
  assert.equal(d.best, -3);
  assert.equal(d.threshold, 6);
  assert.equal(d.update(5.9), undefined);
  assert.match(d.update(6.5) ?? "", /above the divergence threshold 6 \(best -3/);
});

Deno.test("zero best: minMargin sets the scale", () => {
  const strict = new DivergenceDetector({ minIters: 0 });
  strict.update(0);
  assert.ok(strict.update(1e-12) !== undefined); // relative rule: any increase over 0 fires
  const tolerant = new DivergenceDetector({ minIters: 0, minMargin: 0.1 });
  tolerant.update(0);
  assert.equal(tolerant.update(0.3), undefined);
  assert.ok(tolerant.update(0.31) !== undefined);
});

Deno.test("custom factor, reset and validation", () => {
  const d = new DivergenceDetector({ factor: 2, minIters: 1 });
  d.update(100);
  d.update(1);
  assert.equal(d.update(2), undefined);
  assert.ok(d.update(2.1) !== undefined);
  d.reset();
  assert.equal(d.best, Infinity);
  assert.equal(d.iteration, 0);
  assert.throws(() => new DivergenceDetector({ factor: 1 }), {
    name: "RangeError",
    message: /factor > 1, got 1/,
  });
  assert.throws(() => new DivergenceDetector({ minIters: -1 }), /minIters >= 0, got -1/);
  assert.throws(() => new DivergenceDetector({ minIters: 1.5 }), RangeError);
  assert.throws(() => new DivergenceDetector({ minMargin: -1 }), /minMargin >= 0, got -1/);
  assert.throws(() => d.update("1" as unknown as number), TypeError);
});
