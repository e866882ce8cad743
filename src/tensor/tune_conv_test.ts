/**
 * The `conv` family of the autotuner (`ops/_conv_tune.ts`): every lowering of the forward (`im2col`,
 * `direct`, `direct8`, `pixel8`) matches the CPU twin across stride, padding, dilation, groups, bias and odd
 * sizes, and dispatches the kernels it names (the debug log); the direct lowerings' backward (im2col
 * on the saved input) matches the twin's gradients; so does the fused conv + batch norm (+ ReLU) on
 * each lowering; NaN and Inf reach the same outputs as through
 * im2col; injected timings decide, the next convolution of the class runs the chosen lowering and
 * creates nothing once compiled; the real clock times every candidate; v2 tables carry conv rows.
 * (The split past the binding limit: `tests/bad_input_sizes_test.ts`.)
 * Runs in Chromium too (`tests/browser/entry.ts`).
 */
import assert from "node:assert/strict";
import {
  backward,
  conv2d,
  device,
  exportTuning,
  importTuning,
  init,
  mul,
  sum,
  type Tensor,
  tensor,
  tune,
  tuningKey,
} from "./mod.ts";
import { flushPending } from "./_fusion.ts";
import { resetTuning } from "./ops/_matmul_tune.ts";
import { CONV, CONV_VARIANTS, convClass, cpiOf, pxOf } from "./ops/_conv_tune.ts";
import { conv2dRef, conv2dRefGrad, type ConvRefGeo } from "./ops/_conv_ref.ts";
import { conv2dBatchNormRef } from "./ops/_conv_bn_ref.ts";
import { conv2dBatchNorm } from "./ops/conv_bn.ts";
import { assertClose, randArray } from "./_test_util.ts";
import { type Launch, logged } from "./_tune_test_util.ts";

await init();

/** A convolution case: the geometry of the twin and whether it has a bias. */
interface Case {
  g: ConvRefGeo;
  bias: boolean;
}
const P = (a: number, b = a): [number, number] => [a, b];
const geo = (
  n: number,
  c: number,
  h: number,
  w: number,
  co: number,
  k: [number, number],
  o: Partial<ConvRefGeo> = {},
): ConvRefGeo => ({
  n,
  c,
  h,
  w,
  co,
  kh: k[0],
  kw: k[1],
  stride: P(1),
  padding: P(0),
  dilation: P(1),
  groups: 1,
  ...o,
});

const CASES: Case[] = [
  { g: geo(2, 3, 9, 11, 5, P(3), { padding: P(1) }), bias: true }, // odd sizes, Wo 11
  { g: geo(2, 3, 16, 16, 64, P(3), { stride: P(2), padding: P(1) }), bias: false }, // ShallowConvNet
  {
    g: geo(1, 4, 8, 9, 6, P(3, 2), {
      stride: P(2, 1),
      padding: P(1, 0),
      dilation: P(1, 2),
      groups: 2,
    }),
    bias: true,
  },
  {
    g: geo(3, 6, 7, 16, 9, P(1, 3), {
      stride: P(1, 2),
      padding: P(0, 2),
      dilation: P(2, 1),
      groups: 3,
    }),
    bias: true,
  },
  { g: geo(1, 5, 6, 6, 11, P(1)), bias: false }, // 1x1, Cout past one block of 8
  { g: geo(2, 4, 10, 12, 12, P(3), { padding: P(2), dilation: P(2) }), bias: true }, // vec4 stores, W^T
  { g: geo(1, 8, 5, 5, 8, P(3), { padding: P(1), groups: 8 }), bias: true }, // depthwise
];

const optsOf = (g: ConvRefGeo) => ({
  stride: g.stride,
  padding: g.padding,
  dilation: g.dilation,
  groups: g.groups,
});

/** The case's operands: data and tensors (`grad`: x, w and bias take gradients). */
function operands(c: Case, seed: number, grad = false) {
  const { g } = c;
  const xs = randArray(g.n * g.c * g.h * g.w, seed);
  const ws = randArray(g.co * (g.c / g.groups) * g.kh * g.kw, seed + 1);
  const bs = c.bias ? randArray(g.co, seed + 2) : undefined;
  const x = tensor(xs, { shape: [g.n, g.c, g.h, g.w], requiresGrad: grad });
  const w = tensor(ws, { shape: [g.co, g.c / g.groups, g.kh, g.kw], requiresGrad: grad });
  const b = bs ? tensor(bs, { requiresGrad: grad }) : null;
  return { xs, ws, bs, x, w, b };
}

/** `conv2d` forced to lowering `v`, its deferred op run inside the forcing. */
function convIn(v: string, x: Tensor, w: Tensor, b: Tensor | null, g: ConvRefGeo): Tensor {
  return CONV.with(v, () => {
    const y = conv2d(x, w, b, optsOf(g));
    flushPending();
    return y;
  });
}

/** Asserts the dispatches `ran` are lowering `v`'s: the direct kernel at its CPI, or im2col. */
function assertLowering(ran: Launch[], log: string, v: string, what: string): void {
  const direct = ran.filter((r) => r.name === "conv2d_direct");
  if (v === "im2col") {
    assert.equal(direct.length, 0, `${what}: ${log}`);
    assert.ok(ran.some((r) => r.name === "im2col"), `${what}: ${log}`);
  } else {
    assert.equal(direct.length, 1, `${what}: ${log}`);
    assert.equal(direct[0]!.consts.CPI, cpiOf(v), `${what}: ${log}`);
    assert.equal(direct[0]!.consts.PX, pxOf(v) === 4 ? undefined : pxOf(v), `${what}: ${log}`);
    assert.ok(!ran.some((r) => r.name === "im2col" || r.name === "conv2d_layout"), log);
  }
}

for (const v of CONV_VARIANTS) {
  Deno.test(`conv variant ${v}: every case matches the CPU twin and runs that lowering`, async () => {
    for (const [i, c] of CASES.entries()) {
      const o = operands(c, 60 + 3 * i);
      const what = `case ${i} (${v})`;
      const { out, data, log, ran } = await logged(() => convIn(v, o.x, o.w, o.b, c.g));
      assertClose(data, conv2dRef(c.g, o.xs, o.ws, o.bs), { what, rtol: 1e-4, atol: 1e-4 });
      assertLowering(ran, log, v, what);
      for (const t of [o.x, o.w, o.b, out]) t?.dispose();
    }
    resetTuning(); // the GEMMs' classes: none left pending for a later tune() (tests/browser)
  });
}

Deno.test("conv variants direct, direct8, pixel8: the backward (im2col on the saved input) matches the twin", async () => {
  for (const v of CONV_VARIANTS.slice(1)) {
    for (const i of [0, 2]) {
      const c = CASES[i]!, o = operands(c, 80 + i, true);
      const y = convIn(v, o.x, o.w, o.b, c.g);
      const gy = randArray(y.size, 90 + i);
      backward(sum(mul(y, tensor(gy, { shape: [...y.shape] }))));
      const ref = conv2dRefGrad(c.g, o.xs, o.ws, gy);
      const what = `case ${i} (${v})`;
      assertClose(await o.x.grad!.data(), ref.gx, { what: `${what} dx`, rtol: 1e-4, atol: 1e-4 });
      assertClose(await o.w.grad!.data(), ref.gw, { what: `${what} dW`, rtol: 1e-4, atol: 1e-3 });
      assertClose(await o.b!.grad!.data(), ref.gb, { what: `${what} db`, rtol: 1e-4, atol: 1e-3 });
      for (const t of [o.x, o.w, o.b, y]) t?.dispose();
    }
  }
  resetTuning();
});

Deno.test("conv variants: NaN and Inf reach the same outputs as through im2col", async () => {
  const c: Case = { g: geo(1, 2, 5, 7, 3, P(3), { padding: P(1), stride: P(1, 2) }), bias: true };
  const o = operands(c, 95);
  const xs = [...o.xs], ws = [...o.ws];
  xs[0] = NaN; // a corner: reaches the outputs whose window holds it
  xs[5 * 7 + 17] = -Infinity;
  ws[3 * 9 * 2 - 1] = Infinity; // channel 2's last tap: Inf * a padded 0 is NaN, as im2col gives
  const x = tensor(xs, { shape: [1, 2, 5, 7] }), w = tensor(ws, { shape: [3, 2, 3, 3] });
  const want = await convIn("im2col", x, w, o.b, c.g).data();
  const ref = conv2dRef(c.g, xs, ws, o.bs);
  assert.ok(want.some((v) => Number.isNaN(v)) && want.some((v) => Number.isFinite(v)));
  for (const v of CONV_VARIANTS.slice(1)) {
    const got = await convIn(v, x, w, o.b, c.g).data();
    for (let i = 0; i < want.length; i++) {
      const a = got[i]!, e = want[i]!;
      const same = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= 1e-4;
      assert.ok(same, `${v} [${i}]: im2col gives ${e}, direct ${a} (twin ${ref[i]})`);
    }
  }
  for (const t of [x, w, o.w, o.x, o.b]) t?.dispose();
  resetTuning();
});

Deno.test("conv variants in the fused conv + batch norm (+ ReLU): the twin's values, im2col's gradients", async () => {
  const bnOf = (co: number, grad: boolean) => ({
    weight: tensor(randArray(co, 7).map((v) => v + 1.5), { requiresGrad: grad }),
    bias: tensor(randArray(co, 8), { requiresGrad: grad }),
    runningMean: tensor(new Array(co).fill(0)),
    runningVar: tensor(new Array(co).fill(1)),
    training: true,
  });
  for (const [i, relu] of [[1, true], [0, false]] as const) {
    const c = CASES[i]!, o = operands(c, 120 + i, true);
    const run = (v: string) => {
      const bn = bnOf(c.g.co, true);
      const y = CONV.with(v, () => {
        const r = conv2dBatchNorm(o.x, o.w, o.b, { ...optsOf(c.g), bn, relu });
        flushPending();
        return r;
      });
      return { y, bn };
    };
    const base = run("im2col");
    const gy = randArray(base.y.size, 130 + i);
    const grads = async (r: ReturnType<typeof run>) => {
      backward(sum(mul(r.y, tensor(gy, { shape: [...r.y.shape] }))));
      const out = [o.x.grad!, o.w.grad!, o.b?.grad, r.bn.weight.grad!, r.bn.bias.grad!];
      const data = await Promise.all(out.map((t) => t?.data()));
      for (const t of [o.x, o.w, o.b]) {
        t?.grad?.dispose();
        if (t) t.grad = null;
      }
      return data;
    };
    const want = await grads(base);
    for (const v of CONV_VARIANTS.slice(1)) {
      const r = run(v);
      const ref = conv2dBatchNormRef(c.g, o.xs, o.ws, o.bs, {
        weight: randArray(c.g.co, 7).map((v) => v + 1.5),
        bias: randArray(c.g.co, 8),
        mean: new Array(c.g.co).fill(0),
        var: new Array(c.g.co).fill(1),
      }, relu);
      const what = `case ${i} (${v})`;
      assertClose(await r.y.data(), ref.y, { what, rtol: 1e-3, atol: 1e-3 });
      assertClose(await r.bn.runningVar.data(), ref.runningVar, { what, rtol: 1e-4, atol: 1e-4 });
      const got = await grads(r);
      got.forEach((g, j) =>
        g && assertClose(g, want[j]!, { what: `${what} grad ${j}`, rtol: 1e-3, atol: 1e-3 })
      );
    }
  }
  // the forward ran the direct kernel, channel-major, and no im2col
  const c = CASES[1]!, o = operands(c, 140);
  const got = await logged(() =>
    CONV.with("direct8", () => {
      const r = conv2dBatchNorm(o.x, o.w, null, { ...optsOf(c.g), bn: bnOf(c.g.co, false) });
      flushPending();
      return r;
    })
  );
  const direct = got.ran.filter((r) => r.name === "conv2d_direct");
  assert.equal(direct.length, 1, got.log);
  assert.equal(direct[0]!.consts.CM, 1, got.log);
  assert.ok(!got.ran.some((r) => r.name === "im2col"), got.log);
  resetTuning();
});

Deno.test("tune with injected timings: the next convolution of the class runs the chosen lowering", async () => {
  resetTuning();
  const d = device();
  const a = CASES[1]!, b = CASES[0]!;
  const oa = operands(a, 100), ob = operands(b, 103);
  conv2d(oa.x, oa.w, null, optsOf(a.g)).dispose(); // disposed unread: never runs, records nothing
  await conv2d(oa.x, oa.w, null, optsOf(a.g)).data();
  await conv2d(ob.x, ob.w, ob.b, optsOf(b.g)).data();
  const ka = "32x64x128:s2x2", kb = "32x8x256:s1x1";
  assert.deepEqual([...CONV.seen.keys()], [ka, kb]);
  const calls: string[] = [];
  const ms: Record<string, Record<string, number>> = {
    [ka]: { im2col: 10, direct: 6, direct8: 7, pixel8: 8 },
    [kb]: { im2col: 10, direct: 9.8, direct8: 20, pixel8: 30 }, // within 3%: im2col stays
  };
  const choices = await tune({
    families: ["conv"],
    time: (t) => {
      calls.push(`${t.family} ${t.shapeClass} ${t.variant}`);
      return ms[t.shapeClass]![t.variant]!;
    },
  });
  assert.deepEqual(choices.map((c) => [c.family, c.shapeClass, c.variant]), [
    ["conv", ka, "direct"],
    ["conv", kb, "im2col"],
  ]);
  assert.deepEqual(calls, [ka, kb].flatMap((k) => CONV_VARIANTS.map((v) => `conv ${k} ${v}`)));
  // another shape of class ka (60 channels, 16x15 images: 64 channels and 128 pixels rounded up)
  // runs the direct kernel, still equal to the twin
  const c2: Case = { g: geo(2, 3, 16, 15, 60, P(3), { stride: P(2), padding: P(1) }), bias: true };
  assert.equal(convClass({ ...c2.g, s: c2.g.stride, ho: 8, wo: 8 } as never), ka);
  const o2 = operands(c2, 106);
  const got = await logged(() => conv2d(o2.x, o2.w, o2.b, optsOf(c2.g)));
  assertLowering(got.ran, got.log, "direct", "tuned class");
  assertClose(got.data, conv2dRef(c2.g, o2.xs, o2.ws, o2.bs), { rtol: 1e-4, atol: 1e-4 });
  got.out.dispose();
  const other = await logged(() => conv2d(ob.x, ob.w, ob.b, optsOf(b.g)));
  assertLowering(other.ran, other.log, "im2col", "class kept on im2col");
  other.out.dispose();
  // compiled once: the next convolutions of the tuned class create nothing
  const three = async () => {
    for (let i = 0; i < 3; i++) {
      const y = conv2d(o2.x, o2.w, o2.b, optsOf(c2.g));
      flushPending();
      y.dispose();
    }
    await d.sync();
  };
  await three();
  const s0 = d.stats();
  await three();
  const s1 = d.stats();
  for (const k of ["created", "pipelinesCreated", "uniformsCreated", "readbacks"] as const) {
    assert.equal(s1[k], s0[k], k);
  }
  assert.deepEqual(exportTuning().adapters[tuningKey()]?.conv, { [ka]: "direct", [kb]: "im2col" });
  for (const t of [oa, ob, o2]) for (const u of [t.x, t.w, t.b]) u?.dispose();
  resetTuning();
});

Deno.test("tune with the real clock times every conv candidate", async () => {
  resetTuning();
  const c = CASES[0]!, o = operands(c, 110);
  await conv2d(o.x, o.w, o.b, optsOf(c.g)).data();
  const choices = await tune({ families: ["conv"], rounds: 1, reps: 1 });
  assert.equal(choices.length, 1);
  assert.equal(choices[0]!.shapeClass, "32x8x256:s1x1");
  assert.deepEqual(Object.keys(choices[0]!.ms), [...CONV_VARIANTS]);
  for (const t of Object.values(choices[0]!.ms)) assert.ok(t > 0 && Number.isFinite(t), String(t));
  for (const t of [o.x, o.w, o.b]) t?.dispose();
  resetTuning();
});

Deno.test("importTuning: conv rows round-trip; a bad class or variant is refused", () => {
  resetTuning();
  const key = tuningKey();
  const v2 = {
    format: "tempo-tuning" as const,
    version: 2 as const,
    adapters: { [key]: { conv: { "32x64x4096:s2x2": "direct8", "8x1x64:s1x1:g": "direct" } } },
  };
  importTuning(v2);
  assert.deepEqual(exportTuning(), v2);
  assert.equal(CONV.choose(device(), "32x64x4096:s2x2"), "direct8");
  const bad: [unknown, RegExp][] = [
    [{ ...v2, adapters: { [key]: { conv: { "27x64x4096:s2x2": "direct" } } } }, /got "27x64/],
    [{ ...v2, adapters: { [key]: { conv: { "32x64x4096": "direct" } } } }, /got "32x64x4096"/],
    [{ ...v2, adapters: { [key]: { conv: { "32x64x4096:s0x1": "direct" } } } }, /s0x1/],
    [
      { ...v2, adapters: { [key]: { conv: { "32x64x4096:s1x1": "winograd" } } } },
      /to be one of im2col, direct, direct8, pixel8, got "winograd"/,
    ],
  ];
  for (const [json, msg] of bad) {
    assert.throws(
      () => importTuning(json as never),
      (e: Error) => e instanceof TypeError && msg.test(e.message),
    );
  }
  resetTuning();
});
