/**
 * The training hot path: 100 SGD steps on a small model with `setHypers` changing lr every step.
 *
 * - The optimizer's own calls (`setHypers`, `zeroGrad`, `step`) create no pipeline, uniform buffer or
 *   storage buffer and read nothing back after the first step, and create no bind group after the second
 *   (the first `zeroGrad` that finds gradients); they cost one dispatch per 4 parameters of a group in
 *   `step()`, none in
 *   `zeroGrad()` (it only marks the gradients; backward then overwrites them) nor in `setHypers()`.
 * - The whole loop (forward, backward, optimizer) creates nothing and reads nothing from step 2 on. Step 2
 *   is the engine's first accumulation into existing `.grad` buffers (autograd's `axpy` kernel and its
 *   size-keyed uniforms); step 1 created the gradients themselves.
 */
import assert from "node:assert/strict";
import { nllLoss, simpleNet } from "../src/nn/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { MULTI_SLOTS } from "../src/optim/_packs.ts";
import {
  backward,
  device,
  type DeviceStats,
  init,
  randn,
  tensor,
  tidy,
} from "../src/tensor/mod.ts";

await init();

const KEYS = [
  "pipelinesCreated",
  "uniformsCreated",
  "created",
  "readbacks",
  "bindGroupsCreated",
] as const;

Deno.test("optim hot path: 100 SGD steps with a new lr each step create nothing and read nothing", async () => {
  const net = simpleNet([48, 16, 10], { seed: 5 });
  const opt = new SGD(net.layerGroupParameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 });
  const x = randn([8, 3, 4, 4], { seed: 1 });
  const y = tensor([0, 1, 2, 3, 4, 5, 6, 7], { dtype: "i32" });
  const nParams = net.parameters().length;
  const d = device();
  const optCreated = Object.fromEntries(KEYS.map((k) => [k, 0])) as Record<
    (typeof KEYS)[number],
    number
  >;
  const per = { step: 0, zero: 0, hypers: 0 };
  let late = false;
  const around = (fn: () => void, count: boolean): number => {
    const s = d.stats();
    fn();
    const e = d.stats();
    // Bind groups: counted from step 3, since step 2's zeroGrad is the first to see gradients.
    if (count) {
      for (const k of KEYS) {
        optCreated[k] += k === "bindGroupsCreated" && !late ? 0 : e[k] - s[k];
      }
    }
    return e.dispatches - s.dispatches;
  };
  const trainStep = (k: number) => {
    const count = k > 0;
    late = k > 1;
    per.hypers = around(() => {
      for (let g = 0; g < opt.groupCount; g++) opt.setHypers(g, { lr: 0.05 / (1 + k) });
    }, count);
    per.zero = around(() => opt.zeroGrad(), count);
    tidy(() => backward(nllLoss(net.forward(x), y)));
    per.step = around(() => opt.step(), count);
  };
  const diff = (a: DeviceStats, b: DeviceStats) =>
    KEYS.map((k) => `${k} +${b[k] - a[k]}`).join(", ");
  try {
    trainStep(0);
    const first = d.stats();
    trainStep(1);
    const second = d.stats();
    for (let k = 2; k < 100; k++) trainStep(k);
    const end = d.stats();
    assert.deepEqual(
      optCreated,
      Object.fromEntries(KEYS.map((k) => [k, 0])),
      "optimizer calls after step 1",
    );
    for (const k of ["pipelinesCreated", "uniformsCreated", "created", "readbacks"] as const) {
      assert.equal(end[k], second[k], `${k} over steps 3..100`);
    }
    assert.equal(end.created, first.created, "storage buffers after step 1");
    assert.equal(end.readbacks, first.readbacks, "readbacks after step 1");
    assert.equal(per.hypers, 0);
    // Groups [W1 16x48, b1 16] and [W2 10x16, b2 10]: one dispatch per group (b2's 10 floats are
    // updated as 3 vec4s: its pool buffers have room for them) where the device binds the 20
    // storage buffers of a packed dispatch; else one per tensor (lavapipe under Deno 2.9 offers 16).
    const packs = d.gpu.limits.maxStorageBuffersPerShaderStage >= 5 * MULTI_SLOTS;
    assert.equal(per.step, packs ? 2 : nParams);
    assert.equal(per.zero, 0); // zeroGrad only marks the gradients (backward overwrites them)
    if (Deno.env.get("TEMPO_REPORT")) {
      console.log(`step 2: ${diff(first, second)}; steps 3..100: ${diff(second, end)}`);
      console.log(
        `per training step: ${(end.dispatches - second.dispatches) / 98} dispatches, ` +
          `${(end.submits - second.submits) / 98} submits; optimizer (${nParams} params): ` +
          `step ${per.step}, zeroGrad ${per.zero}, setHypers ${per.hypers}`,
      );
    }
    const w = await net.parameters()[0]!.data();
    assert.ok(w.every(Number.isFinite));
  } finally {
    opt.dispose();
    net.dispose();
    x.dispose();
    y.dispose();
  }
});
