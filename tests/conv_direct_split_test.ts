/**
 * The conv family's direct lowerings past the binding limit, on a device opened with a 1 MiB cap on
 * `maxStorageBufferBindingSize` (this file's isolate only): the batch is cut into groups of images
 * (one direct dispatch per group, no im2col in the forward), forward and backward match the CPU
 * twin; without gradients the direct forward splits on x and y alone (it makes no im2col matrix).
 */
import assert from "node:assert/strict";
import { init } from "../src/tensor/device.ts";
import { tensor } from "../src/tensor/creation.ts";
import { conv2d } from "../src/tensor/ops/conv.ts";
import { mul } from "../src/tensor/ops/elementwise.ts";
import { sum } from "../src/tensor/ops/reduce.ts";
import { backward } from "../src/tensor/autograd.ts";
import { conv2dRef, conv2dRefGrad, type ConvRefGeo } from "../src/tensor/ops/_conv_ref.ts";
import { CONV } from "../src/tensor/ops/_conv_tune.ts";
import { flushPending } from "../src/tensor/_fusion.ts";
import { logged } from "../src/tensor/_tune_test_util.ts";
import { assertClose, randArray } from "../src/tensor/_test_util.ts";

await init({ maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 64 << 20 });

const geo = (n: number, c: number, co: number): ConvRefGeo => ({
  n,
  c,
  h: 48,
  w: 48,
  co,
  kh: 3,
  kw: 3,
  stride: [1, 1],
  padding: [1, 1],
  dilation: [1, 1],
  groups: 1,
});

for (const v of ["direct", "direct8", "pixel8"]) {
  Deno.test(`conv variant ${v} splits the batch past the binding limit, forward and backward`, async () => {
    // im2col of one image is 663 kB: the 6-image batch runs as six groups (the backward needs it)
    const g = geo(6, 8, 6);
    const xx = randArray(6 * 8 * 48 * 48, 40), xw = randArray(6 * 8 * 9, 41), xb = randArray(6, 42);
    const x = tensor(xx, { shape: [6, 8, 48, 48], requiresGrad: true });
    const w = tensor(xw, { shape: [6, 8, 3, 3], requiresGrad: true });
    const b = tensor(xb, { shape: [6], requiresGrad: true });
    const y = CONV.with(v, () => {
      const r = conv2d(x, w, b, { padding: 1 });
      flushPending();
      return r;
    });
    assertClose(await y.data(), conv2dRef(g, xx, xw, xb), { rtol: 1e-4, atol: 1e-4 });
    const gy = randArray(y.size, 43);
    backward(sum(mul(y, tensor(gy, { shape: [...y.shape] }))));
    const ref = conv2dRefGrad(g, xx, xw, gy);
    assertClose(await x.grad!.data(), ref.gx, { rtol: 1e-4, atol: 1e-4, what: "dx" });
    assertClose(await w.grad!.data(), ref.gw, { rtol: 1e-4, atol: 1e-3, what: "dW" });
    assertClose(await b.grad!.data(), ref.gb, { rtol: 1e-4, atol: 1e-3, what: "db" });
    for (const t of [x, w, b, y]) t.dispose();
  });
}

Deno.test("conv variant direct without gradients splits on its input and output only", async () => {
  // x is 147 kB an image (1.18 MB for 8: two groups); im2col would be 1.3 MB an image, over the cap
  const g = geo(8, 16, 4);
  const xx = randArray(8 * 16 * 48 * 48, 44), xw = randArray(4 * 16 * 9, 45);
  const x = tensor(xx, { shape: [8, 16, 48, 48] }), w = tensor(xw, { shape: [4, 16, 3, 3] });
  const { out, data, log, ran } = await logged(() =>
    CONV.with("direct", () => {
      const r = conv2d(x, w, null, { padding: 1 });
      flushPending();
      return r;
    })
  );
  assertClose(data, conv2dRef(g, xx, xw), { rtol: 1e-4, atol: 1e-4 });
  // the log counts repeats of a dispatch: `conv2d_direct|main4|{...} x2`
  const runs = [...log.matchAll(/conv2d_direct\|\w+\|\{[^}]*\}(?: x(\d+))?/g)];
  assert.equal(runs.reduce((a, m) => a + Number(m[1] ?? 1), 0), 2, log);
  assert.ok(!ran.some((r) => r.name === "im2col"), log);
  for (const t of [x, w, out]) t.dispose();
});
