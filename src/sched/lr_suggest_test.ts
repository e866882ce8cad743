import assert from "node:assert/strict";
import { lrFinderCurve, minimum, steep, suggestLrs, valley } from "./lr_suggest.ts";
import { close } from "./_test_helpers.ts";

const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 1e8 ** (i / 99));
const x = (lr: number) => Math.log10(lr);
// falls fastest at lr = 1e-4, bottoms out near 1e-2, then blows up
const losses = lrs.map((lr) => 2 - Math.tanh(2 * (x(lr) + 4)) + Math.exp(3 * (x(lr) + 1)));

Deno.test("lrFinderCurve skips the first numIt/10 and the last 5, then truncates at NaN/inf", () => {
  const c = lrFinderCurve(lrs, losses);
  assert.equal(c.lrs.length, 85);
  assert.equal(c.lrs[0], lrs[10]);
  assert.equal(c.lrs.at(-1), lrs[94]);
  const withNaN = losses.slice();
  withNaN[50] = NaN;
  withNaN[70] = Infinity;
  assert.equal(lrFinderCurve(lrs, withNaN).lrs.length, 40);
  assert.equal(lrFinderCurve(lrs, losses, 200).lrs[0], lrs[20]);
  assert.throws(() => lrFinderCurve([1, 2], [1]), { name: "RangeError", message: /got 2 and 1/ });
  assert.throws(() => lrFinderCurve(lrs, losses, -1), RangeError);
  assert.throws(() => lrFinderCurve("x" as unknown as number[], losses), TypeError);
});

Deno.test("minimum: a tenth of the lr at the lowest loss, point at that lr", () => {
  const c = lrFinderCurve(lrs, losses);
  let idx = 0;
  c.losses.forEach((l, i) => (idx = l < c.losses[idx]! ? i : idx));
  const s = minimum(c);
  assert.equal(s.point.lr, c.lrs[idx]);
  assert.equal(s.point.loss, c.losses[idx]);
  close(s.lr, c.lrs[idx]! / 10);
  assert.ok(s.point.lr > 1e-3 && s.point.lr < 1e-1, `minimum near 1e-2, got ${s.point.lr}`);
  assert.deepEqual(minimum({ lrs: [1e-3, 1e-2, 1e-1], losses: [2, 1, 1], note: "" }), {
    lr: 1e-3,
    point: { lr: 1e-2, loss: 1 },
  });
});

Deno.test("steep: the left end of the steepest descent in log(lr)", () => {
  const s = steep(lrFinderCurve(lrs, losses));
  assert.ok(Math.abs(x(s.lr) + 4) < 0.1, `steep near 1e-4, got ${s.lr}`);
  assert.deepEqual(steep({ lrs: [1e-3, 1e-2, 1e-1, 1], losses: [2, 1.9, 1, 0.95], note: "" }), {
    lr: 1e-2,
    point: { lr: 1e-2, loss: 1.9 },
  });
  assert.throws(
    () => steep({ lrs: [0, 1], losses: [1, 0], note: "" }),
    /lrs > 0 \(log scale\), got 0/,
  );
});

Deno.test("valley: about halfway down the longest decreasing run (fastai's indices)", () => {
  const l10 = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3];
  const lr10 = l10.map((_, i) => i + 1);
  // lds[9] = 10, max_start = 9 - 10 = -1, sections = 10/3, idx = -1 + 3 + 1 = 3
  assert.deepEqual(valley({ lrs: lr10, losses: l10, note: "" }), {
    lr: 4,
    point: { lr: 4, loss: 7 },
  });
  // a bump: longest decreasing subsequence skips it
  const bump = [5, 6, 4, 3, 7, 2, 1, 8];
  // lds = [1,1,2,3,1,4,5,1]: max_end 6, max_start 1, sections 5/3, idx = 1 + 1 + 0 = 2
  assert.equal(valley({ lrs: bump.map((_, i) => i), losses: bump, note: "" }).lr, 2);
  const s = valley(lrFinderCurve(lrs, losses));
  assert.ok(s.lr > 1e-5 && s.lr < 1e-2, `valley in the descent, got ${s.lr}`);
  // fastai would index -1 (the last point) on 2 decreasing points; clamped to the first
  assert.equal(valley({ lrs: [1, 2], losses: [2, 1], note: "" }).lr, 1);
  assert.equal(valley({ lrs: [1], losses: [2], note: "" }).lr, 1);
});

Deno.test("short or broken runs give a clear RangeError, never a crash", () => {
  const short = lrFinderCurve([1e-3, 1e-2, 1e-1, 1, 10, 100, 1000], [3, 2, 1, 2, 3, 4, 5]);
  assert.equal(short.lrs.length, 2);
  assert.equal(steep(short).lr, 1e-3);
  const tiny = lrFinderCurve([1e-3, 1e-2, 1e-1], [3, 2, 1]);
  for (const f of [valley, steep, minimum]) {
    assert.throws(() => f(tiny), {
      name: "RangeError",
      message:
        /expected at least \d finite point\(s\) after skipping the first 0 and last 5 of 3 recorded points, got 0/,
    });
  }
  const one = lrFinderCurve([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1]);
  assert.equal(minimum(one).lr, 0.1);
  assert.throws(() => steep(one), /at least 2/);
  const nanFirst = lrFinderCurve(lrs, lrs.map(() => NaN));
  assert.throws(() => valley(nanFirst), /truncating at the non-finite point 10/);
  assert.throws(() => steep({ lrs: [1, 1], losses: [1, 1], note: "" }), /finite slope/);
});

Deno.test("suggestLrs prepares the run and applies the methods", () => {
  const s = suggestLrs(lrs, losses, { methods: ["valley", "steep", "minimum"] });
  const c = lrFinderCurve(lrs, losses);
  assert.deepEqual(s, { valley: valley(c), steep: steep(c), minimum: minimum(c) });
  assert.deepEqual(Object.keys(suggestLrs(lrs, losses)), ["valley"]);
  assert.throws(
    () => suggestLrs(lrs, losses, { methods: ["slide" as "valley"] }),
    { name: "TypeError", message: /got "slide"/ },
  );
});
