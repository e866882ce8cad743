/**
 * The `optim` family of the autotuner: every launch variant of the fused step (packed `multi` at
 * 256 / 128 / 64 invocations, one dispatch per tensor over vec4, scalar) matches the CPU twin for
 * SGD with momentum, Adam and RMSProp, and runs the kernels it names (the debug log); injected
 * timings decide, the next step of the class runs the chosen launch (still equal to the twin) and
 * creates nothing once compiled; the real clock times every candidate.
 * Runs in Chromium too (`tests/browser/entry.ts`).
 */
import assert from "node:assert/strict";
import { Adam, type Optimizer, RMSProp, SGD } from "./mod.ts";
import { device, exportTuning, init, type Tensor, tensor, tune, tuningKey } from "../tensor/mod.ts";
import { resetTuning } from "../tensor/ops/_matmul_tune.ts";
import { type Launch, logged } from "../tensor/_tune_test_util.ts";
import { type RefOptions, type RefState, refStep } from "./_optimizers_ref.ts";
import { OPTIM, OPTIM_VARIANTS } from "./_optim_tune.ts";
import { assertRel } from "../nn/_fixture_util.ts";
import type { GroupHypers } from "./hypers.ts";

await init();

/** Sizes not multiples of the workgroup, some not of 4 (scalar kernel), four or more of 4 (packed). */
const SIZES = [3, 257, 1000, 12, 2052, 8];

const RULES: [string, RefOptions, (p: Tensor[]) => Optimizer, Partial<GroupHypers>][] = [
  ["sgd", { kind: "sgd" }, (p) => new SGD(p, { lr: 0.01, momentum: 0.9 }), { momentum: 0.9 }],
  ["adam", { kind: "adam" }, (p) => new Adam(p, { lr: 0.01 }), {}],
  ["rmsprop", { kind: "rmsprop" }, (p) => new RMSProp(p, { lr: 0.01 }), {}],
];

/** Seeded data in [-1, 1). */
function data(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Steps `opt` (over `params`) twice beside the twin, checking every tensor after each step. */
async function stepsMatch(
  name: string,
  ref: RefOptions,
  opt: Optimizer,
  params: Tensor[],
  init0: Float64Array[],
  runStep: () => Promise<void> | void = () => opt.step(),
) {
  const h = opt.getHypers(0);
  const states: RefState[] = SIZES.map(() => ({}));
  for (let t = 1; t <= 2; t++) {
    for (const [i, p] of params.entries()) {
      p.grad?.dispose();
      const g = data(SIZES[i]!, 100 * t + i);
      p.grad = tensor(g);
      refStep(ref, h, t, init0[i]!, g, states[i]!, Math.fround);
    }
    await runStep();
    for (const [i, p] of params.entries()) {
      assertRel(await p.data(), init0[i]!, 2e-6, `${name} step ${t} tensor ${i}`);
    }
  }
}

function makeParams() {
  const init0 = SIZES.map((n, i) => Float64Array.from(data(n, 7 + i)));
  const params = init0.map((v) => tensor(Float32Array.from(v), { requiresGrad: true }));
  return { init0, params };
}

function free(opt: Optimizer, params: Tensor[]) {
  opt.dispose();
  for (const p of params) {
    p.grad?.dispose();
    p.dispose();
  }
}

/** Asserts the optimizer dispatches in `ran` are those of `variant` for `shader`. */
function assertLaunch(ran: Launch[], shader: string, v: string, log: string) {
  const mine = ran.filter((r) => r.name === shader || r.name === `${shader}_vec4`);
  assert.ok(mine.length > 0, log);
  const wg = v === "wg128" ? 128 : v === "wg64" ? 64 : undefined;
  for (const r of mine) assert.equal(r.consts.WG, wg, log);
  const multi = mine.some((r) => r.entry === "multi");
  const packs = device().gpu.limits.maxStorageBuffersPerShaderStage >= 20;
  assert.equal(multi, packs && v !== "single" && v !== "scalar", `${v} packs: ${log}`);
  if (v === "scalar") assert.ok(mine.every((r) => r.name === shader), log);
  else assert.ok(mine.some((r) => r.name === `${shader}_vec4`), log);
}

for (const v of OPTIM_VARIANTS) {
  Deno.test(`optim variant ${v}: SGD, Adam, RMSProp match the CPU twin and run that launch`, async () => {
    for (const [shader, ref, make] of RULES) {
      const { init0, params } = makeParams();
      const opt = make(params);
      try {
        await stepsMatch(`${shader} ${v}`, ref, opt, params, init0, async () => {
          const { log, ran, out } = await logged(() => {
            OPTIM.with(v, () => opt.step());
            return params[0]!;
          });
          assert.equal(out, params[0]);
          assertLaunch(ran, shader, v, log);
        });
      } finally {
        free(opt, params);
      }
    }
  });
}

Deno.test("tune with injected timings: the next step of the class runs the chosen launch", async () => {
  resetTuning();
  const d = device();
  const { init0, params } = makeParams();
  const opt = new SGD(params, { lr: 0.01, momentum: 0.9 });
  try {
    for (const p of params) p.grad = tensor(new Float32Array(p.size));
    opt.step(); // records sgd:4096 (3532 elements)
    const calls: string[] = [];
    const ms: Record<string, number> = { auto: 10, wg128: 9, wg64: 9, single: 8, scalar: 4 };
    const choices = await tune({
      families: ["optim"],
      time: (t) => {
        calls.push(`${t.shapeClass} ${t.variant}`);
        return ms[t.variant]!;
      },
    });
    assert.deepEqual(choices.map((c) => [c.family, c.shapeClass, c.variant]), [
      ["optim", "sgd:4096", "scalar"],
    ]);
    const packs = d.gpu.limits.maxStorageBuffersPerShaderStage >= 20;
    assert.deepEqual(
      calls,
      ["auto", "wg128", "wg64", ...(packs ? ["single"] : []), "scalar"].map((v) => `sgd:4096 ${v}`),
    );
    assert.deepEqual(exportTuning().adapters[tuningKey()]?.optim, { "sgd:4096": "scalar" });
    // the zero step left the parameters as they were (momentum buffers zero): the twin from here
    for (const [i, p] of params.entries()) init0[i] = Float64Array.from(await p.data());
    const fresh = new SGD(params, { lr: 0.01, momentum: 0.9 }); // same class, fresh state
    try {
      await stepsMatch("sgd tuned", { kind: "sgd" }, fresh, params, init0, async () => {
        const { log, ran } = await logged(() => (fresh.step(), params[0]!));
        assertLaunch(ran, "sgd", "scalar", log);
      });
      fresh.step();
      await d.sync();
      const s0 = d.stats();
      for (let i = 0; i < 3; i++) fresh.step();
      await d.sync();
      const s1 = d.stats();
      for (const k of ["created", "pipelinesCreated", "uniformsCreated", "readbacks"] as const) {
        assert.equal(s1[k], s0[k], k);
      }
    } finally {
      fresh.dispose();
    }
  } finally {
    free(opt, params);
    resetTuning();
  }
});

Deno.test("tune with the real clock times every optim candidate", async () => {
  resetTuning();
  const { params } = makeParams();
  const opt = new Adam(params);
  try {
    for (const p of params) p.grad = tensor(new Float32Array(p.size).fill(0.1));
    opt.step();
    const choices = await tune({ families: ["optim"], rounds: 1, reps: 2 });
    assert.equal(choices.length, 1);
    assert.equal(choices[0]!.shapeClass, "adam:4096");
    assert.ok(Object.keys(choices[0]!.ms).length >= 4);
    for (const t of Object.values(choices[0]!.ms)) assert.ok(t > 0 && Number.isFinite(t));
  } finally {
    free(opt, params);
    resetTuning();
  }
});
