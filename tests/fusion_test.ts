/**
 * The engine's fusion (`src/tensor/_fusion.ts`): linear + ReLU and conv + training batch norm + ReLU
 * run fused in any module, with the values, gradients and running statistics of the ops run one by
 * one (`setFusion(false)`); a fused-away result stays readable, runs in program order, is never
 * computed when disposed unread, and refuses to be read once its inputs changed in place.
 */
import assert from "node:assert/strict";
import {
  batchNorm,
  conv2d,
  conv2dBatchNorm,
  device,
  init,
  linear,
  ones,
  randn,
  relu,
  setFusion,
  type Tensor,
  tidy,
  zeros,
} from "../src/tensor/mod.ts";
import { BasicBlock, BatchNorm2d, Conv2d, Linear, Module, ReLU } from "../src/nn/mod.ts";

await init();

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4, what = "values"): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    assert.ok(d <= tol * (1 + Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

const dispatches = () => device().stats().dispatches;

/** A module that is not a Sequential: conv → BN → ReLU, then linear → ReLU, written by hand. */
class Custom extends Module {
  conv = new Conv2d(3, 8, 3, { padding: 1, seed: 1 });
  bn = new BatchNorm2d(8);
  act = new ReLU();
  fc = new Linear(8 * 6 * 6, 10, { seed: 2 });
  constructor() {
    super();
    this.registerModule("conv", this.conv);
    this.registerModule("bn", this.bn);
    this.registerModule("fc", this.fc);
  }
  forward(x: Tensor): Tensor {
    const h = this.act.forward(this.bn.forward(this.conv.forward(x)));
    return relu(this.fc.forward(h.flatten(1)));
  }
}

/** Output, parameter gradients, running stats and dispatch count of one training step of `m`. */
async function step(m: Module, x: Tensor, fused: boolean) {
  setFusion(fused);
  try {
    m.train();
    for (const p of m.parameters()) p.grad = null;
    const before = dispatches();
    const out = tidy(() => {
      const y = m.forward(x);
      y.sum().backward();
      return y;
    });
    const n = dispatches() - before;
    const grads = await Promise.all(m.parameters().map((p) => p.grad!.data()));
    const buffers = Object.entries(await m.stateDict()).filter(([k]) => /running/.test(k)).map((
      [, t],
    ) => t.data);
    const values = await out.data();
    out.dispose();
    return { values, grads, buffers, n };
  } finally {
    setFusion(true);
  }
}

Deno.test("fusion: a hand-written module runs conv+BN+ReLU and linear+ReLU fused, same results", async () => {
  const x = randn([4, 3, 6, 6], { seed: 3 });
  const a = new Custom(), b = new Custom();
  b.loadStateDict(await a.stateDict());
  const eager = await step(a, x, false);
  const fused = await step(b, x, true);
  close(fused.values, eager.values, 1e-4, "output");
  eager.grads.forEach((g, i) => close(fused.grads[i]!, g, 1e-3, `grad ${i}`));
  eager.buffers.forEach((r, i) => close(fused.buffers[i]!, r, 1e-5, `running buffer ${i}`));
  assert.ok(fused.n < eager.n, `fused ran ${fused.n} dispatches, one by one ${eager.n}`);
  x.dispose();
});

Deno.test("fusion: ResNet's BasicBlock (not a Sequential) runs fused; its state-dict keys unchanged", async () => {
  const x = randn([2, 4, 8, 8], { seed: 5 });
  const a = new BasicBlock(4, 8, 2), b = new BasicBlock(4, 8, 2);
  b.loadStateDict(await a.stateDict());
  const keys = Object.keys(await a.stateDict()).sort();
  const eager = await step(a, x, false);
  const fused = await step(b, x, true);
  close(fused.values, eager.values, 1e-4, "output");
  eager.grads.forEach((g, i) => close(fused.grads[i]!, g, 1e-3, `grad ${i}`));
  eager.buffers.forEach((r, i) => close(fused.buffers[i]!, r, 1e-5, `running buffer ${i}`));
  assert.ok(fused.n < eager.n, `fused ran ${fused.n} dispatches, one by one ${eager.n}`);
  assert.deepEqual(Object.keys(await b.stateDict()).sort(), keys);
  assert.ok(keys.includes("conv1.weight") && keys.includes("bn1.running_mean"), keys.join());
  x.dispose();
});

function bnState(c: number) {
  return { weight: ones([c]), bias: zeros([c]), runningMean: zeros([c]), runningVar: ones([c]) };
}

Deno.test("fusion: a fused-away conv output stays readable, and the running stats update once", async () => {
  const x = randn([2, 3, 5, 5], { seed: 7 }), w = randn([4, 3, 3, 3], { seed: 8 });
  const s1 = bnState(4), s2 = bnState(4);
  setFusion(false);
  const hRef = conv2d(x, w, null, { padding: 1 });
  const yRef = relu(batchNorm(hRef, { ...s1, training: true }));
  setFusion(true);
  const h = conv2d(x, w, null, { padding: 1 });
  const z = batchNorm(h, { ...s2, training: true }); // fused: conv2dBatchNorm
  const y = relu(z); // fused: conv2dBatchNorm with its ReLU
  close(await y.data(), await yRef.data(), 1e-4, "y");
  close(await h.data(), await hRef.data(), 1e-4, "h, read after the fusion");
  close(await z.data(), await batchNorm(hRef, { ...bnState(4), training: true }).data(), 1e-4, "z");
  close(await s2.runningMean.data(), await s1.runningMean.data(), 1e-6, "running mean");
  close(await s2.runningVar.data(), await s1.runningVar.data(), 1e-6, "running var");
});

Deno.test("fusion: linear then relu is one dispatch; a result disposed unread never runs", async () => {
  const x = randn([8, 16], { seed: 9 }), w = randn([5, 16], { seed: 10 }), b = randn([5]);
  const ref = await linear(x, w, b, { relu: true }).data();
  let n = dispatches();
  const y = relu(linear(x, w, b));
  close(await y.data(), ref, 1e-5, "relu(linear)");
  assert.equal(dispatches() - n, 1, "one matmul with bias and ReLU");
  n = dispatches();
  linear(x, w, b).dispose();
  assert.equal(dispatches() - n, 0, "nothing ran for a result disposed unread");
});

Deno.test("fusion: other work in between runs the deferred op first, in program order", async () => {
  const x = randn([4, 6], { seed: 11 }), w = randn([3, 6], { seed: 12 });
  const ref = await linear(x, w, null, { relu: true }).data();
  const h = linear(x, w);
  const other = x.mul(2); // GPU work: h runs first
  x.write(new Array(24).fill(0)); // then x changes; h already holds the old product
  close(await relu(h).data(), ref, 1e-5, "relu(h) after other work");
  assert.deepEqual([...await other.data()].some((v) => v !== 0), true);
});

Deno.test("fusion: disposing an input of the deferred op runs it first", async () => {
  const x = randn([4, 6], { seed: 13 }), w = randn([3, 6], { seed: 14 });
  const ref = await linear(x, w, null, { relu: true }).data();
  const h = linear(x, w);
  x.dispose();
  close(await relu(h).data(), ref, 1e-5, "relu(h) after x.dispose()");
});

Deno.test("fusion: a fused-away result whose input changed in place refuses to be read", async () => {
  const x = randn([4, 6], { seed: 15 }), w = randn([3, 6], { seed: 16 });
  const h = linear(x, w);
  const y = relu(h); // fused: h itself was not computed
  await y.data();
  w.write(new Array(18).fill(1)); // e.g. an optimizer step
  await assert.rejects(() => h.data(), (e: Error) => {
    assert.ok(e instanceof ReferenceError, String(e));
    assert.match(e.message, /result of linear.*written in place/s);
    return true;
  });
});

Deno.test("fusion: conv2dBatchNorm taken by a ReLU does not update the running stats twice", async () => {
  const x = randn([2, 3, 4, 4], { seed: 17 }), w = randn([4, 3, 3, 3], { seed: 18 });
  const s1 = bnState(4), s2 = bnState(4);
  const opts = { padding: 1 as const, bn: { training: true } };
  const zRef = conv2dBatchNorm(x, w, null, { ...opts, bn: { ...s1, training: true } });
  const zRefData = await zRef.data();
  const z = conv2dBatchNorm(x, w, null, { ...opts, bn: { ...s2, training: true } });
  relu(z).dispose(); // fused, updates the stats
  close(await z.data(), zRefData, 1e-4, "z read after the fused ReLU");
  close(await s2.runningMean.data(), await s1.runningMean.data(), 1e-6, "running mean");
  close(await s2.runningVar.data(), await s1.runningVar.data(), 1e-6, "running var");
});

Deno.test("fusion: setFusion rejects a non-boolean", () => {
  assert.throws(() => setFusion("no" as unknown as boolean), TypeError);
});
