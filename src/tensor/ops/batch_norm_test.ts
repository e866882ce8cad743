import {
  assertClose,
  type FixtureTensor,
  fromFixture,
  gradCheck,
  loadFixture,
  randArray,
  testDevice,
} from "../_test_util.ts";
import { tensor } from "../creation.ts";
import { backward } from "../autograd.ts";
import { batchNorm } from "./batch_norm.ts";
import { batchNormRef } from "./_batch_norm_ref.ts";

await testDevice();

// [4, 5, 6, 6] and [2, 3, 16, 20] take the one-dispatch vec4 path (H*W a multiple of 4).
const shapes = [[37, 6], [5, 7, 9, 11], [3, 300, 2, 3], [2, 3, 33, 17], [4, 5, 6, 6], [
  2,
  3,
  16,
  20,
]];

for (const shape of shapes) {
  for (const training of [true, false]) {
    Deno.test(`batchNorm [${shape}] training=${training} matches the CPU reference`, async () => {
      const n = shape.reduce((a, b) => a * b, 1), c = shape[1]!;
      const xd = randArray(n, 61, -2, 3), gd = randArray(n, 62);
      const wd = randArray(c, 63, 0.5, 1.5), bd = randArray(c, 64);
      const rmd = randArray(c, 65), rvd = randArray(c, 66, 0.5, 2);
      const opts = { training, momentum: 0.1, eps: 1e-5 };
      const ref = batchNormRef(shape, xd, wd, bd, rmd, rvd, opts, gd);
      const x = tensor(xd, { shape, requiresGrad: true });
      const weight = tensor(wd, { requiresGrad: true }), bias = tensor(bd, { requiresGrad: true });
      const runningMean = tensor(rmd), runningVar = tensor(rvd);
      const y = batchNorm(x, { weight, bias, runningMean, runningVar, ...opts });
      const gy = tensor(gd, { shape });
      assertClose(await y.data(), ref.y, { what: "output", atol: 1e-4 });
      assertClose(await runningMean.data(), ref.runningMean, { what: "running mean" });
      assertClose(await runningVar.data(), ref.runningVar, { what: "running var" });
      backward(y, gy);
      assertClose(await x.grad!.data(), ref.gx, { what: "grad x", atol: 1e-4 });
      assertClose(await weight.grad!.data(), ref.gw, { what: "grad weight", atol: 1e-3 });
      assertClose(await bias.grad!.data(), ref.gb, { what: "grad bias", atol: 1e-3 });
      for (const t of [x, weight, bias, runningMean, runningVar, y, gy]) t.dispose();
    });
  }
}

Deno.test("batchNorm CPU reference gradients match float64 central differences", () => {
  const shape = [3, 2, 2, 2], n = 24;
  const x = Float64Array.from(randArray(n, 71, -2, 2)), gy = Float64Array.from(randArray(n, 72));
  const w = Float64Array.from([0.7, 1.3]), b = Float64Array.from([0.1, -0.2]);
  const rm = Float64Array.from([0.1, 0.2]), rv = Float64Array.from([1.5, 0.8]);
  for (const training of [true, false]) {
    const opts = { training, momentum: 0.1, eps: 1e-5 };
    const f = (xv: ArrayLike<number>, wv: ArrayLike<number>, bv: ArrayLike<number>) =>
      batchNormRef(shape, xv, wv, bv, rm, rv, opts, gy).y.reduce((s, v, i) => s + v * gy[i]!, 0);
    const r = batchNormRef(shape, x, w, b, rm, rv, opts, gy);
    const num = (arr: Float64Array, g: (a: Float64Array) => number) =>
      Float64Array.from(arr, (_, i) => {
        const p = Float64Array.from(arr), m = Float64Array.from(arr);
        p[i]! += 1e-6;
        m[i]! -= 1e-6;
        return (g(p) - g(m)) / 2e-6;
      });
    const tol = { rtol: 1e-5, atol: 1e-6 };
    assertClose(r.gx, num(x, (a) => f(a, w, b)), {
      ...tol,
      what: `ref grad x (train ${training})`,
    });
    assertClose(r.gw, num(w, (a) => f(x, a, b)), { ...tol, what: "ref grad w" });
    assertClose(r.gb, num(b, (a) => f(x, w, a)), { ...tol, what: "ref grad b" });
  }
});

Deno.test("batchNorm backpropagates like finite differences (float32, small)", async () => {
  const inputs = [
    { shape: [4, 3, 2, 2], data: randArray(48, 81, -2, 2) },
    { shape: [3], data: Float32Array.from([0.8, 1.2, 1.0]) },
    { shape: [3], data: Float32Array.from([0.1, 0, -0.1]) },
  ];
  await gradCheck(([x, w, b]) => batchNorm(x!, { weight: w, bias: b, training: true }), inputs, {
    eps: 1e-2,
    rtol: 5e-2,
    atol: 5e-2,
  });
  await gradCheck(([x]) => batchNorm(x!, { training: true }), [{
    shape: [7, 3],
    data: randArray(21, 82),
  }]);
});

Deno.test("batchNorm without affine parameters or running stats normalises each channel", async () => {
  const xd = randArray(5 * 4 * 3, 91, 1, 5);
  const x = tensor(xd, { shape: [5, 4, 3] });
  const y = batchNorm(x, { training: false });
  const ref = batchNormRef([5, 4, 3], xd, [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1], {
    training: true,
    momentum: 0.1,
    eps: 1e-5,
  }, new Float32Array(60));
  assertClose(await y.data(), ref.y, { atol: 1e-4 });
  x.dispose();
  y.dispose();
});

interface BnCase {
  name: string;
  op: string;
  params: { training: boolean; momentum: number; eps: number };
  inputs: Record<string, FixtureTensor>;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  state_before: Record<string, FixtureTensor>;
  state_after: Record<string, FixtureTensor>;
}

const fixture = await loadFixture<{ cases: BnCase[] }>("ops");
for (const fc of fixture.cases.filter((c) => c.op === "batch_norm")) {
  Deno.test(`batchNorm matches the PyTorch golden ${fc.name}`, async () => {
    const x = fromFixture(fc.inputs.x!, true);
    const weight = fromFixture(fc.inputs.weight!, true), bias = fromFixture(fc.inputs.bias!, true);
    const runningMean = fromFixture(fc.state_before.running_mean!);
    const runningVar = fromFixture(fc.state_before.running_var!);
    const y = batchNorm(x, { weight, bias, runningMean, runningVar, ...fc.params });
    const gy = fromFixture(fc.grad_output);
    assertClose(await y.data(), fc.output.data, { what: "output" });
    assertClose(await runningMean.data(), fc.state_after.running_mean!.data, {
      what: "running mean",
    });
    assertClose(await runningVar.data(), fc.state_after.running_var!.data, { what: "running var" });
    backward(y, gy);
    assertClose(await x.grad!.data(), fc.grads.x!.data, { what: "grad x", atol: 1e-4 });
    assertClose(await weight.grad!.data(), fc.grads.weight!.data, { what: "grad weight" });
    assertClose(await bias.grad!.data(), fc.grads.bias!.data, { what: "grad bias" });
    for (const t of [x, weight, bias, runningMean, runningVar, y, gy]) t.dispose();
  });
}

Deno.test("batchNorm rejects bad shapes and values, naming them", () => {
  const x = tensor(new Float32Array(24), { shape: [2, 3, 4] });
  const w = tensor([1, 1]), x1 = x.view([24]);
  const one = tensor(new Float32Array(3), { shape: [1, 3] });
  const bad: [() => unknown, ErrorConstructor, string][] = [
    [() => batchNorm(x1, { training: true }), TypeError, "[24]"],
    [() => batchNorm(x, { weight: w, training: true }), TypeError, "[2]"],
    [() => batchNorm(one, { training: true }), RangeError, "[1,3]"],
    [() => batchNorm(x, { training: true, momentum: 2 }), RangeError, "momentum"],
  ];
  for (const [f, type, text] of bad) {
    try {
      f();
      throw new Error(`no error for ${text}`);
    } catch (e) {
      if (!(e instanceof type) || !(e as Error).message.includes(text)) throw e;
    }
  }
  for (const t of [x, w, one, x1]) t.dispose();
});
