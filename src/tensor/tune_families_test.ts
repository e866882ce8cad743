/**
 * The tuned kernel families other than matmul (elementwise here; see `ops/_*_tune.ts`): every
 * variant of each kind matches the CPU twin and reaches the dispatch (the debug log names the
 * kernel and its `WG`); injected timings decide, the chosen variant is what the next dispatch of the
 * class runs (still equal to the twin), creating nothing once compiled; the 3% margin keeps the
 * default; the real clock times every candidate; `families` selects; v2 tables round-trip.
 * Runs in Chromium too (`tests/browser/entry.ts`).
 */
import assert from "node:assert/strict";
import {
  add,
  device,
  exp,
  exportTuning,
  importTuning,
  init,
  mul,
  type Tensor,
  tune,
  tunePending,
  tuningKey,
  where,
} from "./mod.ts";
import { resetTuning } from "./ops/_matmul_tune.ts";
import { ELEMENTWISE, EW_VARIANTS } from "./ops/_elementwise_tune.ts";
import { mapRef, whereRef, zipRef } from "./ops/_elementwise_ref.ts";
import type { Arr } from "./ops/_ref_arr.ts";
import { assertClose } from "./_test_util.ts";
import { type Launch, logged, rand } from "./_tune_test_util.ts";

await init();

/** One op of each elementwise kind: the GPU op, its twin, and the kernel it must dispatch. */
const KINDS: {
  kind: string;
  kernel: string;
  run: (xs: Tensor[]) => Tensor;
  ref: (xs: Arr[]) => Arr;
  shapes: number[][];
}[] = [
  {
    kind: "unary",
    kernel: "unary",
    run: ([x]) => exp(x!),
    ref: ([x]) => mapRef(x!, Math.exp),
    shapes: [[31, 33]],
  },
  {
    kind: "binary",
    kernel: "binary",
    run: ([x, y]) => mul(x!, y!),
    ref: ([x, y]) => zipRef(x!, y!, (p, q) => p * q),
    shapes: [[31, 33], [31, 33]],
  },
  {
    kind: "vec4",
    kernel: "binary_vec4",
    run: ([x, y]) => add(x!, y!),
    ref: ([x, y]) => zipRef(x!, y!, (p, q) => p + q),
    shapes: [[32, 33], [32, 33]],
  },
  {
    kind: "strided",
    kernel: "binary",
    run: ([x, y]) => add(x!, y!),
    ref: ([x, y]) => zipRef(x!, y!, (p, q) => p + q),
    shapes: [[40, 1, 30], [25, 1]],
  },
  {
    kind: "where",
    kernel: "where",
    run: ([c, x, y]) => where(c!, x!, y!),
    ref: ([c, x, y]) => whereRef(c!, x!, y!),
    shapes: [[40, 1, 30], [25, 1], [30]],
  },
];

/** Asserts the submits in `log` ran `kernel` in variant `v` (its `WG` override; scalar: the binary kernel). */
function assertLaunch(log: string, ran: Launch[], kernel: string, kind: string, v: string): void {
  const scalar = kind === "vec4" && v === "scalar";
  const mine = ran.filter((r) => r.name === (scalar ? "binary" : kernel));
  assert.ok(mine.length > 0, `${kind} ${v}: ${log}`);
  const wg = v === "wg128" ? 128 : v === "wg64" ? 64 : undefined;
  for (const r of mine) assert.equal(r.consts.WG, wg, `${kind} ${v}: ${log}`);
  if (scalar) assert.ok(!ran.some((r) => r.name === "binary_vec4") && mine[0]!.consts.CONTIG === 1);
}

for (const v of EW_VARIANTS) {
  Deno.test(`elementwise variant ${v}: every kind matches the CPU twin and runs that launch`, async () => {
    for (const [i, k] of KINDS.entries()) {
      const ins = k.shapes.map((s, j) => rand(s, 7 * i + j + 1, k.kind === "where" && j === 0));
      const { out, data, log, ran } = await logged(() =>
        ELEMENTWISE.with(v, () => k.run(ins.map((x) => x.t)))
      );
      assertClose(data, k.ref(ins.map((x) => x.a)).data, { what: `${k.kind} ${v}` });
      assertLaunch(log, ran, k.kernel, k.kind, v);
      for (const x of [...ins.map((x) => x.t), out]) x.dispose();
    }
  });
}

Deno.test("tune with injected timings: the dispatch of an elementwise class then runs the chosen variant", async () => {
  resetTuning();
  const d = device();
  const a = rand([64, 64], 3), b = rand([64, 64], 4), u = rand([1000], 5);
  add(a.t, b.t).dispose(); // vec4:4096
  exp(u.t).dispose(); // unary:1024
  assert.ok(tunePending());
  const calls: string[] = [];
  const ms: Record<string, Record<string, number>> = {
    "vec4:4096": { wg256: 10, wg128: 9, wg64: 6, scalar: 7 },
    "unary:1024": { wg256: 10, wg128: 9.8, wg64: 9.9 }, // within 3%: the default stays
  };
  const choices = await tune({
    families: ["elementwise"],
    time: (t) => {
      calls.push(`${t.family} ${t.shapeClass} ${t.variant}`);
      return ms[t.shapeClass]![t.variant]!;
    },
  });
  assert.deepEqual(choices.map((c) => [c.family, c.shapeClass, c.variant]), [
    ["elementwise", "vec4:4096", "wg64"],
    ["elementwise", "unary:1024", "wg256"],
  ]);
  assert.deepEqual(calls, [
    "elementwise vec4:4096 wg256",
    "elementwise vec4:4096 wg128",
    "elementwise vec4:4096 wg64",
    "elementwise vec4:4096 scalar",
    "elementwise unary:1024 wg256",
    "elementwise unary:1024 wg128",
    "elementwise unary:1024 wg64",
  ]);
  // another shape of the class (60*64 elements: still vec4:4096) takes the 64-invocation kernel
  const x = rand([60, 64], 8), y = rand([60, 64], 9);
  const got = await logged(() => add(x.t, y.t));
  assert.match(got.log, /binary_vec4\|main\|\{"OP":\d+,"WG":64\}/, got.log);
  assertClose(got.data, zipRef(x.a, y.a, (p, q) => p + q).data);
  got.out.dispose();
  // a class of its own (8x8: vec4:64) keeps today's launch
  const s = rand([8, 8], 10);
  const small = await logged(() => add(s.t, s.t));
  assert.match(small.log, /binary_vec4\|main\|\{"OP":\d+\}/);
  small.out.dispose();
  const e = await logged(() => exp(u.t));
  assert.match(e.log, /unary\|main\|\{"OP":\d+,"CONTIG":1\}/);
  e.out.dispose();
  // compiled once: the next dispatches of the tuned class create nothing
  add(x.t, y.t).dispose();
  await d.sync();
  const s0 = d.stats();
  for (let i = 0; i < 3; i++) add(x.t, y.t).dispose();
  await d.sync();
  const s1 = d.stats();
  for (const k of ["created", "pipelinesCreated", "uniformsCreated", "readbacks"] as const) {
    assert.equal(s1[k], s0[k], k);
  }
  assert.deepEqual(exportTuning().adapters[tuningKey()]?.elementwise, {
    "vec4:4096": "wg64",
    "unary:1024": "wg256",
  });
  for (const t of [a, b, u, x, y, s]) t.t.dispose();
});

Deno.test("tune with the real clock times every elementwise candidate; families selects", async () => {
  resetTuning();
  const a = rand([16, 64], 12), b = rand([64], 13);
  add(a.t, b.t).dispose(); // strided:1024
  await assert.rejects(
    () => tune({ families: ["attention"] }),
    /Cannot tune family "attention": expected one of matmul, conv, elementwise, reduce(, optim)?$/,
  );
  assert.deepEqual(await tune({ families: ["matmul"], time: () => 1 }), []);
  assert.ok(tunePending(), "elementwise classes stay pending when only matmul is tuned");
  const choices = await tune({ families: ["elementwise"], rounds: 1, reps: 2 });
  assert.equal(choices.length, 1);
  assert.equal(choices[0]!.shapeClass, "strided:1024");
  assert.deepEqual(Object.keys(choices[0]!.ms), ["wg256", "wg128", "wg64"]);
  for (const t of Object.values(choices[0]!.ms)) assert.ok(t > 0 && Number.isFinite(t), String(t));
  assert.equal(tunePending(), false);
  for (const t of [a, b]) t.t.dispose();
});

Deno.test("importTuning: v2 tables with elementwise rows round-trip; a v1 table holds matmul only", () => {
  resetTuning();
  const key = tuningKey();
  const v2 = {
    format: "tempo-tuning" as const,
    version: 2 as const,
    adapters: { [key]: { matmul: { "8x8x8": "tiled32" }, elementwise: { "where:256": "wg128" } } },
  };
  importTuning(v2);
  assert.deepEqual(exportTuning(), v2);
  assert.equal(ELEMENTWISE.choose(device(), "where:256"), "wg128");
  const before = JSON.stringify(exportTuning());
  const bad: [unknown, RegExp][] = [
    [
      { ...v2, adapters: { [key]: { elementwise: { "vec4:100": "wg64" } } } },
      /expected a shape class to be a kind and a power of two .*, got "vec4:100"/,
    ],
    [{ ...v2, adapters: { [key]: { elementwise: { "sum:64": "wg64" } } } }, /got "sum:64"/],
    [
      { ...v2, adapters: { [key]: { elementwise: { "unary:64": "wg32" } } } },
      /variant of unary:64 to be one of wg256, wg128, wg64, scalar, got "wg32"/,
    ],
    [
      { ...v2, adapters: { [key]: { attention: {} } } },
      /a family of adapters\[.*\] to be one of matmul, conv, elementwise, reduce(, optim)?, got "attention"/,
    ],
    [
      { ...v2, version: 1, adapters: { [key]: { matmul: {}, elementwise: {} } } },
      /to be one of matmul, got "elementwise"/,
    ],
    [
      { ...v2, adapters: { [key]: { elementwise: 3 } } },
      /elementwise to be an object of shape class: variant, got 3/,
    ],
  ];
  for (const [json, msg] of bad) {
    assert.throws(
      () => importTuning(json as never),
      (e: Error) => e instanceof TypeError && msg.test(e.message),
      String(JSON.stringify(json)),
    );
  }
  assert.equal(JSON.stringify(exportTuning()), before);
  resetTuning();
});
