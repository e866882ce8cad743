import assert from "node:assert/strict";
import { SmoothLoss, smoothLosses } from "./smooth_loss.ts";
import { close } from "./_test_helpers.ts";

Deno.test("debiased exponential average, beta 0.98", () => {
  const s = new SmoothLoss();
  assert.ok(Number.isNaN(s.value));
  close(s.add(2), 2);
  close(s.add(1), (0.98 * 0.02 * 2 + 0.02 * 1) / (1 - 0.98 ** 2));
  const raw = [3, 1, 4, 1, 5, 9, 2, 6];
  let avg = 0;
  smoothLosses(raw).forEach((v, i) => {
    avg = 0.98 * avg + 0.02 * raw[i]!;
    close(v, avg / (1 - 0.98 ** (i + 1)));
  });
  close(smoothLosses([-3, -3, -3]), [-3, -3, -3]);
  assert.equal(s.count, 2);
  s.reset();
  assert.equal(s.count, 0);
  close(s.add(5), 5);
});

Deno.test("custom beta, NaN propagation and errors", () => {
  close(smoothLosses([1, 3], 0.5), [1, (0.25 + 1.5) / 0.75]);
  const s = new SmoothLoss();
  s.add(1);
  s.add(NaN);
  assert.ok(Number.isNaN(s.add(1)));
  assert.throws(() => new SmoothLoss({ beta: 1 }), {
    name: "RangeError",
    message: /beta in \[0, 1\), got 1/,
  });
  assert.throws(() => new SmoothLoss({ beta: -0.1 }), RangeError);
  assert.throws(() => s.add("1" as unknown as number), TypeError);
});
