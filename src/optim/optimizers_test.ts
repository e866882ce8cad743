/**
 * The fused optimizer kernels against their plain-TypeScript references (`_optimizers_ref.ts`, float32
 * rounding emulated), on sizes that are not multiples of the workgroup (3, 257, 1000, 2052), several
 * tensors of one group updated in one dispatch, with
 * hyperparameters changing every step, parameters without gradients, and a parameter that lags its group.
 */
import assert from "node:assert/strict";
import { Adam, type GroupHypers, type Optimizer, RMSProp, SGD } from "./mod.ts";
import { init, type Tensor, tensor } from "../tensor/mod.ts";
import { type RefOptions, type RefState, refStep } from "./_optimizers_ref.ts";
import { assertRel } from "../nn/_fixture_util.ts";

await init();

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

// Group 0: 3 and 257 (scalar kernels). Group 1: six tensors whose sizes are multiples of 4, updated
// four to a dispatch (`multi`), one of them (12) lagging its group like tensor 1.
const SIZES = [3, 257, 1000, 12, 2052, 8, 4, 16];

type Case = { name: string; ref: RefOptions; make: (p: Tensor[][]) => Optimizer };
const cases: Case[] = [
  { name: "sgd", ref: { kind: "sgd" }, make: (p) => new SGD(p, { momentum: 0.9 }) },
  {
    name: "sgd nesterov",
    ref: { kind: "sgd", nesterov: true },
    make: (p) => new SGD(p, { momentum: 0.9, nesterov: true }),
  },
  {
    name: "sgd dampening",
    ref: { kind: "sgd", dampening: 0.25 },
    make: (p) => new SGD(p, { momentum: 0.9, dampening: 0.25 }),
  },
  { name: "adam", ref: { kind: "adam" }, make: (p) => new Adam(p) },
  {
    name: "adam amsgrad",
    ref: { kind: "adam", amsgrad: true },
    make: (p) => new Adam(p, { amsgrad: true }),
  },
  { name: "rmsprop", ref: { kind: "rmsprop" }, make: (p) => new RMSProp(p) },
  {
    name: "rmsprop centered",
    ref: { kind: "rmsprop", centered: true },
    make: (p) => new RMSProp(p, { centered: true }),
  },
];

for (const c of cases) {
  for (const decoupledWd of [false, true]) {
    Deno.test(`optim kernel vs reference: ${c.name}, ${decoupledWd ? "decoupled" : "L2"} wd`, async () => {
      const r = rng(SIZES.length * 7 + c.name.length);
      const init0 = SIZES.map((n) => Float64Array.from({ length: n }, () => Math.fround(r())));
      const params = init0.map((v) => tensor(Float32Array.from(v), { requiresGrad: true }));
      // Group 0: the first two tensors; group 1: the last. Tensor 1 gets no gradient at steps 0-1 (skipped,
      // then it lags its group: own step count / own momentum-buffer start).
      const opt = c.make([params.slice(0, 2), params.slice(2)]);
      const ref = init0.map((v) => Float64Array.from(v));
      const states: RefState[] = SIZES.map(() => ({}));
      const steps = SIZES.map(() => 0);
      try {
        for (let t = 0; t < 6; t++) {
          const hs: GroupHypers[] = [0, 1].map((g) => ({
            lr: 0.01 * (1 + 0.5 * Math.sin(t + g)),
            momentum: t === 0 && g === 1 && c.ref.kind === "sgd" ? 0 : 0.6 + 0.3 * Math.cos(t),
            beta: 0.95 + 0.04 * Math.sin(2 * t),
            weightDecay: 0.05 * (1 + Math.cos(t + g)),
            decoupledWd,
            eps: 1e-8,
          }));
          hs.forEach((h, g) => opt.setHypers(g, h));
          for (let i = 0; i < params.length; i++) {
            const p = params[i]!;
            p.grad?.dispose();
            p.grad = null;
            if ((i === 1 || i === 3) && t < 2) continue;
            const g = Float32Array.from({ length: SIZES[i]! }, () => r() * (i + 1));
            p.grad = tensor(g);
            steps[i]!++;
            refStep(c.ref, hs[i < 2 ? 0 : 1]!, steps[i]!, ref[i]!, g, states[i]!, Math.fround);
          }
          opt.step();
          for (let i = 0; i < params.length; i++) {
            assertRel(await params[i]!.data(), ref[i]!, 2e-6, `${c.name} step ${t} tensor ${i}`);
          }
        }
        const sd = await opt.stateDict();
        assert.equal(sd.optimizerName, opt.optimizerName);
        assert.deepEqual(sd.state.map((s) => s.step), [6, 4, 6, 4, 6, 6, 6, 6]);
      } finally {
        opt.dispose();
        for (const p of params) p.dispose();
      }
    });
  }
}
