import assert from "node:assert/strict";
import {
  extent,
  formatLog,
  linearTicks,
  logTicks,
  makeScale,
  niceStep,
  paddedDomain,
} from "./_scale.ts";

Deno.test("niceStep picks 1-2-5 steps", () => {
  assert.equal(niceStep(10, 5), 2);
  assert.equal(niceStep(1, 6), 0.2);
  assert.equal(niceStep(1000, 4), 200);
  assert.equal(niceStep(0.01, 5), 0.002);
  assert.equal(niceStep(70, 7), 10);
  assert.equal(niceStep(30, 6), 5);
});

Deno.test("linearTicks are multiples of the step inside the range, with clean labels", () => {
  const t = linearTicks(-0.05, 1.05);
  assert.deepEqual(t.map((x) => x.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
  const small = linearTicks(0, 1e-4, 5);
  assert.deepEqual(small.map((x) => x.label), ["0", "2e-5", "4e-5", "6e-5", "8e-5", "1e-4"]);
  const big = linearTicks(0, 1000);
  assert.deepEqual(big.map((x) => x.label), ["0", "200", "400", "600", "800", "1000"]);
});

Deno.test("logTicks label decades like 1e-5 and add unlabelled minor ticks", () => {
  const t = logTicks(5e-8, 20);
  const majors = t.filter((x) => x.label !== "");
  assert.deepEqual(majors.map((x) => x.label), [
    "1e-7",
    "1e-6",
    "1e-5",
    "1e-4",
    "1e-3",
    "1e-2",
    "0.1",
    "1",
    "10",
  ]);
  for (const m of majors) assert.equal(Math.abs(Math.log10(m.value) % 1), 0);
  assert.ok(t.some((x) => x.label === "" && Math.abs(x.value - 2e-5) < 1e-18));
});

Deno.test("logTicks thin labels over many decades and fall back to 1-2-5 in a narrow range", () => {
  const wide = logTicks(1e-20, 1e5).filter((x) => x.label !== "");
  assert.ok(wide.length <= 10 && wide.length >= 4, `${wide.length}`);
  for (const m of wide) assert.equal(Math.abs(Math.log10(m.value) % 1), 0);
  const narrow = logTicks(1.5e-3, 8e-3).filter((x) => x.label !== "");
  assert.deepEqual(narrow.map((x) => x.label), ["2e-3", "5e-3"]);
  assert.ok(logTicks(1.01, 1.09).length >= 2);
});

Deno.test("formatLog", () => {
  assert.equal(formatLog(1, -5), "1e-5");
  assert.equal(formatLog(2, 0), "2");
  assert.equal(formatLog(5, -1), "0.5");
  assert.equal(formatLog(1, 3), "1e3");
});

Deno.test("extent skips non-finite and (log) non-positive values", () => {
  assert.deepEqual(extent([NaN, 3, -Infinity, 1, Infinity], false), [1, 3]);
  assert.deepEqual(extent([-1, 0, 1e-3, 1], true), [1e-3, 1]);
  assert.equal(extent([NaN], false), undefined);
});

Deno.test("paddedDomain gives equal values a sensible range", () => {
  assert.deepEqual(paddedDomain([0.9, 0.9], false), [0.81, 0.99]);
  assert.deepEqual(paddedDomain([0, 0], false), [-1, 1]);
  assert.deepEqual(paddedDomain(undefined, false), [0, 1]);
  const [a, b] = paddedDomain([1e-3, 1e-3], true);
  assert.ok(a < 1e-3 && b > 1e-3 && b / a > 9);
  assert.deepEqual(paddedDomain([0, 10], false), [-0.5, 10.5]);
});

Deno.test("makeScale maps linearly or in log10, NaN for what cannot be shown", () => {
  const lin = makeScale([0, 10], [100, 200], false);
  assert.equal(lin.map(5), 150);
  assert.ok(Number.isNaN(lin.map(NaN)));
  const log = makeScale([1e-4, 1], [400, 0], true);
  assert.equal(log.map(1e-2), 200);
  assert.ok(Number.isNaN(log.map(0)));
  assert.ok(Number.isNaN(log.map(-1)));
});
