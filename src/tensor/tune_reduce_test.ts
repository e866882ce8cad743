/**
 * The `reduce` family of the autotuner: every launch variant (thread or workgroup per output, 64 or
 * 256 invocations) matches the CPU twin on short and long, trailing and leading reductions and runs
 * the launch it names (the debug log's entry point and `WG`); injected timings decide, the next
 * reduction of the class runs the chosen launch (still equal to the twin) and creates nothing once
 * compiled; the real clock times the candidates that differ from `auto`.
 * Runs in Chromium too (`tests/browser/entry.ts`).
 */
import assert from "node:assert/strict";
import {
  device,
  exportTuning,
  init,
  max,
  mean,
  min,
  sum,
  type Tensor,
  tune,
  tuningKey,
} from "./mod.ts";
import { resetTuning } from "./ops/_matmul_tune.ts";
import { REDUCE, REDUCE_VARIANTS, variantLaunch } from "./ops/_reduce_tune.ts";
import { hasSubgroups } from "./_adapter.ts";
import { reduceRef } from "./ops/_reduce_ref.ts";
import { assertClose } from "./_test_util.ts";
import { logged, rand } from "./_tune_test_util.ts";
import type { Arr } from "./ops/_ref_arr.ts";

await init();
/** Whether this device runs the subgroup variant (Chromium's SwiftShader does, Deno's lavapipe not). */
const SG = hasSubgroups(device());

const sumRef = (a: Arr, axes: number[]) => reduceRef(a, axes, (x, y) => x + y, 0);

/** Reductions of several shapes: the op, its twin. */
const CASES: [string, number[], (t: Tensor) => Tensor, (a: Arr) => Arr][] = [
  ["sum of [37,300] over 1 (long, trailing)", [37, 300], (t) => sum(t, 1), (a) => sumRef(a, [1])],
  ["sum of [300,37] over 0 (long, leading)", [300, 37], (t) => sum(t, 0), (a) => sumRef(a, [0])],
  [
    "max of [9,5,70] over 0 and 2",
    [9, 5, 70],
    (t) => max(t, [0, 2]),
    (a) => reduceRef(a, [0, 2], Math.max, -Infinity),
  ],
  [
    "mean of [1000]",
    [1000],
    (t) => mean(t),
    (a) => reduceRef(a, [0], (x, y) => x + y, 0, false, (x, n) => x / n),
  ],
  [
    "min of [700,3] over 1 (short)",
    [700, 3],
    (t) => min(t, 1),
    (a) => reduceRef(a, [1], Math.min, Infinity),
  ],
];

for (const v of REDUCE_VARIANTS) {
  Deno.test(`reduce variant ${v}: every case matches the CPU twin and runs that launch`, async () => {
    for (const [i, [what, shape, op, ref]] of CASES.entries()) {
      const x = rand(shape, 30 + i);
      const { out, data, log, ran } = await logged(() => REDUCE.with(v, () => op(x.t)));
      assertClose(data, ref(x.a).data, { what: `${what} (${v})`, atol: 1e-4 });
      const mine = ran.filter((r) => r.name === "reduce" || r.name === "reduce_sg");
      assert.equal(mine.length, 1, log);
      const outSize = ref(x.a).data.length, rsize = x.a.data.length / outSize;
      const l = variantLaunch(v, outSize, rsize, SG);
      if (v === "subgroup") assert.equal(l.sg ?? false, SG);
      assert.equal(mine[0]!.name, l.sg ? "reduce_sg" : "reduce", `${what} ${v}: ${log}`);
      assert.equal(mine[0]!.entry, l.group && !l.sg ? "main_wg" : "main", `${what} ${v}: ${log}`);
      assert.equal(mine[0]!.consts.WG, l.wg === 256 ? undefined : l.wg, `${what} ${v}: ${log}`);
      x.t.dispose();
      out.dispose();
    }
  });
}

Deno.test("tune with injected timings: the next reduction of the class runs the chosen launch", async () => {
  resetTuning();
  const d = device();
  const a = rand([37, 300], 40), b = rand([700, 3], 41);
  sum(a.t, 1).dispose(); // 64x512:last, auto = a workgroup of 256 per output
  sum(b.t, 1).dispose(); // 1024x4:last, auto = a thread per output, WG 64
  const calls: string[] = [];
  const ms: Record<string, Record<string, number>> = {
    "64x512:last": { auto: 10, thread64: 20, thread256: 20, group64: 5, subgroup: 6 },
    // within 3%: auto stays
    "1024x4:last": { auto: 10, thread256: 9.9, group256: 30, group64: 30, subgroup: 30 },
  };
  const choices = await tune({
    families: ["reduce"],
    time: (t) => {
      calls.push(`${t.shapeClass} ${t.variant}`);
      return ms[t.shapeClass]![t.variant]!;
    },
  });
  assert.deepEqual(choices.map((c) => [c.family, c.shapeClass, c.variant]), [
    ["reduce", "64x512:last", "group64"],
    ["reduce", "1024x4:last", "auto"],
  ]);
  // group256 is auto's launch for the first class, thread64 for the second: not timed twice
  assert.deepEqual(calls, [
    "64x512:last auto",
    "64x512:last thread64",
    "64x512:last thread256",
    "64x512:last group64",
    ...(SG ? ["64x512:last subgroup"] : []),
    "1024x4:last auto",
    "1024x4:last thread256",
    "1024x4:last group256",
    "1024x4:last group64",
    ...(SG ? ["1024x4:last subgroup"] : []),
  ]);
  const c = rand([50, 400], 42); // 64x512:last too
  const got = await logged(() => sum(c.t, 1));
  const r = got.ran.find((x) => x.name === "reduce")!;
  assert.deepEqual([r.entry, r.consts.WG], ["main_wg", 64], got.log);
  assertClose(got.data, sumRef(c.a, [1]).data, { atol: 1e-4 });
  got.out.dispose();
  const other = await logged(() => sum(b.t, 1));
  const r2 = other.ran.find((x) => x.name === "reduce")!;
  assert.deepEqual([r2.entry, r2.consts.WG], ["main", 64], other.log);
  other.out.dispose();
  sum(c.t, 1).dispose();
  await d.sync();
  const s0 = d.stats();
  for (let i = 0; i < 3; i++) sum(c.t, 1).dispose();
  await d.sync();
  const s1 = d.stats();
  for (const k of ["created", "pipelinesCreated", "uniformsCreated", "readbacks"] as const) {
    assert.equal(s1[k], s0[k], k);
  }
  assert.deepEqual(exportTuning().adapters[tuningKey()]?.reduce, {
    "64x512:last": "group64",
    "1024x4:last": "auto",
  });
  for (const t of [a, b, c]) t.t.dispose();
});

Deno.test("tune with the real clock times the reduce candidates", async () => {
  resetTuning();
  const a = rand([20, 500], 43);
  sum(a.t, 0).dispose(); // 512x32, auto = a thread per output
  const choices = await tune({ families: ["reduce"], rounds: 1, reps: 2 });
  assert.equal(choices.length, 1);
  assert.equal(choices[0]!.shapeClass, "512x32");
  assert.deepEqual(Object.keys(choices[0]!.ms), [
    "auto",
    "thread256",
    "group256",
    "group64",
    ...(SG ? ["subgroup"] : []),
  ]);
  for (const t of Object.values(choices[0]!.ms)) assert.ok(t > 0 && Number.isFinite(t), String(t));
  a.t.dispose();
  resetTuning();
});
