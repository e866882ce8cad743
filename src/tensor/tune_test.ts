/**
 * The matmul autotuner: fake timings (an injected clock) decide deterministically, choices are cached
 * per adapter and shape class, the table round-trips through export/import and a malformed one is a
 * `TypeError` that changes nothing; the real clock times every candidate; a tuned class runs its
 * variant (still matching the CPU twin) and creates nothing in steady state.
 */
import assert from "node:assert/strict";
import {
  autotune,
  device,
  exportTuning,
  importTuning,
  init,
  matmul,
  type MatmulVariant,
  randn,
  tensor,
  tune,
  tunePending,
  tuningKey,
} from "./mod.ts";
import { chosenPlan, pickFastest, resetTuning } from "./ops/_matmul_tune.ts";
import { tweakedLayout, variantPlan } from "./ops/_matmul_plan.ts";
import { texLayout } from "./ops/_matmul_tex.ts";
import { matmulPlanned } from "./ops/matmul.ts";
import { setDebug } from "./debug.ts";
import { hasSubgroups } from "./_adapter.ts";
import { matmulRef } from "./ops/_matmul_ref.ts";
import type { Dims } from "./ops/_matmul_common.ts";

await init();

const dims = (m: number, n: number, k: number, batch = 1): Dims => ({
  m,
  n,
  k,
  batch,
  batchShape: batch > 1 ? [batch] : [],
  strideA: m * k,
  strideB: k * n,
});

/** A fake clock: ms per variant, counting its calls. */
function fake(ms: Partial<Record<MatmulVariant, number>>) {
  const calls: string[] = [];
  const time = (t: { shapeClass: string; variant: string }) => {
    calls.push(`${t.shapeClass} ${t.variant}`);
    return ms[t.variant as MatmulVariant] ?? 100;
  };
  return { calls, time };
}

/** Runs one product of [m,k] x [k,n] (recording its class) and checks it against the twin. */
async function product(m: number, n: number, k: number, opts: { transB?: boolean } = {}) {
  const a = randn([m, k], { seed: 4 }), b = randn(opts.transB ? [n, k] : [k, n], { seed: 5 });
  const c = matmul(a, b, opts);
  const ref = matmulRef({
    a: await a.data(),
    aShape: a.shape,
    b: await b.data(),
    bShape: b.shape,
    transB: opts.transB,
  });
  const got = await c.data();
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i]! - ref.data[i]!) < 1e-3, `at ${i}`);
  }
  for (const t of [a, b, c]) t.dispose();
}

Deno.test("tune keeps the fastest of injected timings, deterministically, and the class then runs it", async () => {
  resetTuning();
  const d = device();
  await product(40, 24, 56);
  assert.ok(tunePending());
  const clock = fake({ auto: 10, texture: 8, tiled32: 6, tiled64: 7 });
  const choices = await tune({ time: clock.time });
  assert.equal(choices.length, 1);
  assert.equal(choices[0]!.shapeClass, "64x32x64");
  assert.equal(choices[0]!.variant, "tiled32");
  // texture_plain is a candidate only where the device has subgroups (Chromium's SwiftShader)
  const sg = hasSubgroups(d);
  assert.deepEqual(choices[0]!.ms, {
    auto: 10,
    texture: 8,
    texture_cw2: 100,
    texture_swap: 100,
    texture_rm8: 100,
    texture_l4: 100,
    texture_l16: 100,
    ...(sg ? { texture_plain: 100 } : {}),
    tiled32: 6,
    tiled64: 7,
  });
  assert.deepEqual(clock.calls, [
    "64x32x64 auto",
    "64x32x64 texture",
    "64x32x64 texture_cw2",
    "64x32x64 texture_swap",
    "64x32x64 texture_rm8",
    "64x32x64 texture_l4",
    "64x32x64 texture_l16",
    ...(sg ? ["64x32x64 texture_plain"] : []),
    "64x32x64 tiled32",
    "64x32x64 tiled64",
  ]);
  assert.equal(tunePending(), false);
  // every product of the class (40..64 x 24..32 x 40..64) now takes the tiled kernel, 8x8 invocations
  assert.deepEqual(chosenPlan(d, dims(33, 30, 60), false, false, false, false).tile, {
    tx: 8,
    ty: 8,
  });
  assert.equal(chosenPlan(d, dims(33, 30, 70), false, false, false, false).tile, undefined);
  await product(40, 24, 56); // and it matches the twin
  await product(33, 17, 35);
});

Deno.test("the texture variants change the texture layout, and match the twin", async () => {
  resetTuning();
  const d = device();
  d.flush();
  // C [64, 256] (k 96): the heuristic puts n on the lanes with 4 texels per invocation.
  const a = randn([64, 96], { seed: 8 }), b = randn([96, 256], { seed: 9 });
  const ref = matmulRef({ a: await a.data(), aShape: a.shape, b: await b.data(), bShape: b.shape });
  const expect = async (
    variant: MatmulVariant,
    layout: { swap: boolean; cw: number; rm?: number; lanes?: number; sg?: false },
  ) => {
    const plan = variantPlan(variant, 64, 256, 96, 1);
    assert.deepEqual(
      tweakedLayout(texLayout(64, 256, 96), plan.texTweak ?? {}, 64, 256),
      { ...layout, splits: texLayout(64, 256, 96).splits },
      variant,
    );
    // The kernel it dispatches, from the debug log of the submit.
    const lines: string[] = [];
    setDebug(1, (l) => lines.push(l));
    let got: Float32Array | Int32Array;
    try {
      const c = matmulPlanned(a, b, {}, plan);
      d.flush();
      got = await c.data();
      c.dispose();
    } finally {
      setDebug(0);
    }
    for (let i = 0; i < got.length; i++) {
      assert.ok(Math.abs(got[i]! - ref.data[i]!) < 1e-3, `${variant} at ${i}`);
    }
    const kernel = lines.join("\n").match(/(matmul_tb(?:_sg)?)\|main4?\|(\{[^}]*\})/);
    assert.ok(kernel, `${variant}: no texture kernel in ${lines.join("\n")}`);
    // the subgroup kernel wherever the device has subgroups, except in texture_plain
    const sg = hasSubgroups(d) && variant !== "texture_plain";
    assert.equal(kernel[1], sg ? "matmul_tb_sg" : "matmul_tb", variant);
    return JSON.parse(kernel[2]!) as Record<string, number>;
  };
  const base = await expect("texture", { swap: false, cw: 4 });
  assert.equal(base.CW, 4);
  assert.equal(base.TRANS_C, 0);
  assert.equal(base.RM, undefined); // the defaults: 16 rows, 8 invocations
  assert.equal(base.LANES, undefined);
  assert.equal((await expect("texture_cw2", { swap: false, cw: 2 })).CW, 2);
  assert.equal((await expect("texture_swap", { swap: true, cw: 2 })).TRANS_C, 1);
  assert.equal((await expect("texture_rm8", { swap: false, cw: 4, rm: 8 })).RM, 8);
  assert.equal((await expect("texture_l4", { swap: false, cw: 4, lanes: 4 })).LANES, 4);
  assert.equal((await expect("texture_l16", { swap: false, cw: 4, lanes: 16 })).LANES, 16);
  assert.equal((await expect("texture_plain", { swap: false, cw: 4, sg: false })).CW, 4);
  for (const t of [a, b]) t.dispose();
});

Deno.test("pickFastest: the heuristic unless beaten by 3%, ties to the earlier candidate", () => {
  const order: MatmulVariant[] = ["auto", "storage", "tiled32", "tiled64"];
  assert.equal(pickFastest(order, { auto: 10, storage: 9.8, tiled32: 9.9, tiled64: 11 }), "auto");
  assert.equal(
    pickFastest(order, { auto: 10, storage: 9.6, tiled32: 9.6, tiled64: 9.6 }),
    "storage",
  );
  assert.equal(pickFastest(order, { auto: 10, storage: 12, tiled32: 5, tiled64: 5 }), "tiled32");
  assert.equal(pickFastest(order, { auto: 10, storage: 12, tiled32: 5, tiled64: 4.9 }), "tiled64");
  assert.equal(pickFastest(order, { auto: Infinity, storage: 3 }), "storage");
});

Deno.test("tune caches per shape class and per adapter: nothing is timed twice", async () => {
  resetTuning();
  const d = device();
  await product(100, 100, 100);
  const first = fake({ auto: 5, tiled64: 1 });
  assert.equal((await tune({ time: first.time }))[0]!.variant, "tiled64");
  // the same class again (other sizes in the same powers of two): nothing pending, nothing timed
  await product(120, 70, 90);
  const again = fake({ auto: 1 });
  assert.deepEqual(await tune({ time: again.time }), []);
  assert.deepEqual(again.calls, []);
  // another class (B transposed) is timed on its own
  await product(100, 100, 100, { transB: true });
  const third = await tune({ time: fake({ auto: 1 }).time });
  assert.deepEqual(third.map((c) => [c.shapeClass, c.variant]), [["128x128x128:tb", "auto"]]);
  // another adapter's table does not decide for this one
  importTuning({
    format: "tempo-tuning",
    version: 1,
    adapters: { "other/gpu/0/x": { matmul: { "128x128x128": "storage", "8x8x8": "tiled32" } } },
  });
  assert.deepEqual(chosenPlan(d, dims(100, 100, 100), false, false, false, false).tile, {
    tx: 16,
    ty: 16,
  });
  assert.equal(chosenPlan(d, dims(8, 8, 8), false, false, false, false).tile, undefined);
  const data = exportTuning();
  assert.deepEqual(Object.keys(data.adapters).sort(), [tuningKey(), "other/gpu/0/x"].sort());
  assert.deepEqual(data.adapters[tuningKey()]!.matmul, {
    "128x128x128": "tiled64",
    "128x128x128:tb": "auto",
  });
});

Deno.test("exportTuning / importTuning round-trip as JSON text, and the imported choice is used", () => {
  resetTuning();
  const d = device();
  const key = tuningKey();
  importTuning({
    format: "tempo-tuning",
    version: 1,
    adapters: {
      [key]: { matmul: { "32x32x32:ta:batch:bias:relu": "tiled32", "64x64x64": "texture" } },
    },
  });
  const text = JSON.stringify(exportTuning());
  resetTuning();
  assert.deepEqual(exportTuning().adapters, {});
  importTuning(text);
  assert.equal(JSON.stringify(exportTuning()), text);
  assert.deepEqual(chosenPlan(d, dims(20, 30, 25, 2), true, false, true, true).tile, {
    tx: 8,
    ty: 8,
  });
  assert.equal(chosenPlan(d, dims(64, 64, 64), false, false, false, false).tex, true);
});

Deno.test("importTuning refuses a malformed table with a TypeError saying what came, and changes nothing", () => {
  resetTuning();
  const key = tuningKey();
  importTuning({
    format: "tempo-tuning",
    version: 1,
    adapters: { [key]: { matmul: { "8x8x8": "tiled32" } } },
  });
  const before = JSON.stringify(exportTuning());
  const good = (matmul: unknown) => ({
    format: "tempo-tuning",
    version: 1,
    adapters: { [key]: { matmul } },
  });
  const bad: [unknown, RegExp][] = [
    ["{not json", /expected JSON text/],
    [[], /expected the table to be an object, got an array/],
    [{ format: "x", version: 1, adapters: {} }, /expected format to be "tempo-tuning", got "x"/],
    [{ format: "tempo-tuning", version: 3, adapters: {} }, /expected version to be 1 or 2, got 3/],
    [{ format: "tempo-tuning", version: 1 }, /expected adapters to be an object, got undefined/],
    [
      { format: "tempo-tuning", version: 1, adapters: { a: 3 } },
      /adapters\["a"\] to be \{ matmul: \{...\} \}, got 3/,
    ],
    // a valid row first: nothing of the table is applied when a later row is bad
    [
      good({ "16x16x16": "tiled64", "8x8x8": "fastest" }),
      /variant of 8x8x8 to be one of auto, .*"fastest"/,
    ],
    [
      good({ "15x16x16": "auto" }),
      /expected a shape class to be powers of two like .*, got "15x16x16"/,
    ],
    [good({ "16x16x16:relu:bias": "auto" }), /shape class .*"16x16x16:relu:bias"/],
  ];
  for (const [json, msg] of bad) {
    assert.throws(
      () => importTuning((typeof json === "string" ? json : json) as never),
      (e: Error) =>
        e instanceof TypeError && /^Cannot importTuning: /.test(e.message) && msg.test(e.message),
      String(JSON.stringify(json)),
    );
  }
  assert.equal(JSON.stringify(exportTuning()), before);
});

Deno.test("tune with the real clock times every candidate; the tuned class creates nothing in steady state", async () => {
  resetTuning();
  const d = device();
  const a = randn([48, 80], { seed: 6 }), b = randn([36, 80], { seed: 7 });
  const bias = tensor(new Float32Array(36).fill(0.5));
  const { linear } = await import("./ops/matmul.ts");
  const run = () => linear(a, b, bias, { relu: true }).dispose(); // x w^T + bias, relu: :tb:bias:relu
  const choices = await autotune(run, { rounds: 1, reps: 2 });
  assert.equal(choices.length, 1);
  const c = choices[0]!;
  assert.equal(c.shapeClass, "64x64x128:tb:bias:relu");
  assert.deepEqual(Object.keys(c.ms), [
    "auto",
    "texture",
    "texture_cw2",
    "texture_swap",
    "texture_rm8",
    "texture_l4",
    "texture_l16",
    ...(hasSubgroups(d) ? ["texture_plain"] : []),
    "tiled32",
    "tiled64",
  ]);
  for (const v of Object.values(c.ms)) assert.ok(v! > 0 && Number.isFinite(v), String(v));
  assert.ok(Object.keys(c.ms).includes(c.variant));
  run();
  await d.sync();
  const s0 = d.stats();
  for (let i = 0; i < 5; i++) run();
  await d.sync();
  const s1 = d.stats();
  for (
    const k of [
      "created",
      "pipelinesCreated",
      "uniformsCreated",
      "bindGroupsCreated",
      "readbacks",
    ] as const
  ) {
    assert.equal(s1[k], s0[k], k);
  }
  for (const t of [a, b, bias]) t.dispose();
});

Deno.test("tune checks its options", async () => {
  await assert.rejects(() => tune({ rounds: 0 }), RangeError);
  await assert.rejects(() => tune({ reps: -1 }), RangeError);
  await assert.rejects(() => tune({ round: 1 } as never), /did you mean 'rounds'/);
});

Deno.test("init({ autotune }) turns autotuning on and off, on a device that already exists", async () => {
  const { getAutotune } = await import("./mod.ts");
  const d = device();
  assert.equal(await init({ autotune: true }), d);
  assert.equal(getAutotune(), true);
  assert.equal(await init({ autotune: false }), d);
  assert.equal(getAutotune(), false);
});
