import assert from "node:assert/strict";
import { assertClose, testDevice } from "./_test_util.ts";
import { tensor, zeros } from "./creation.ts";
import { backward, noGrad, releaseGraph } from "./autograd.ts";
import { keep, tidy } from "./scope.ts";
import { add, mul, relu } from "./ops/elementwise.ts";
import { sum } from "./ops/reduce.ts";
import { matmul } from "./ops/matmul.ts";

const dev = await testDevice();

Deno.test("backward() accumulates gradients of leaves across calls and through reuse", async () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  for (let i = 0; i < 2; i++) {
    const l = tidy(() => sum(mul(x, x))); // d/dx = 2x, twice
    backward(l);
    l.dispose();
  }
  assertClose(await x.grad!.data(), [4, 8, 12]);
  const y = tidy(() => sum(add(x, x)));
  backward(y);
  assertClose(await x.grad!.data(), [6, 10, 14]);
  y.dispose();
  x.dispose();
});

Deno.test("backward() through a non-scalar needs a gradient and says so", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = mul(x, 2);
  assert.throws(
    () => backward(y),
    (e: Error) => e instanceof TypeError && e.message.includes("[2]"),
  );
  releaseGraph(y);
  y.dispose();
  x.dispose();
});

Deno.test("noGrad() records no graph", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = noGrad(() => mul(x, 3));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  y.dispose();
  x.dispose();
});

Deno.test("intermediates are freed after backward and a training step leaks nothing", async () => {
  const w = tensor(new Float32Array(12).fill(0.1), { shape: [4, 3], requiresGrad: true });
  const xb = zeros([5, 4]);
  const step = () => {
    const l = tidy(() => sum(relu(matmul(xb, w))));
    backward(l);
    l.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  await dev.sync();
  const before = dev.stats();
  for (let i = 0; i < 20; i++) step();
  await dev.sync();
  const after = dev.stats();
  assert.equal(after.inUseBuffers, before.inUseBuffers, "in-use buffers grow");
  assert.equal(after.liveBuffers, before.liveBuffers, "live buffers grow");
  w.dispose();
  xb.dispose();
});

Deno.test("tidy() keeps what it returns and what keep() marks, and frees the rest", () => {
  let inner = zeros([1]);
  const kept = tidy(() => {
    inner = zeros([2]);
    const k = keep(zeros([3]));
    const r = zeros([4]);
    return { r, k };
  });
  assert.equal(inner.disposed, true);
  assert.equal(kept.r.disposed, false);
  assert.equal(kept.k.disposed, false);
  kept.r.dispose();
  kept.k.dispose();
});

Deno.test("a disposed tensor cannot be used", () => {
  const t = tensor([1]);
  t.dispose();
  assert.throws(() => mul(t, 2), ReferenceError);
});
