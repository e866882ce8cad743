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
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "./pool.ts";
import { adaptiveAvgPoolRef, avgPoolRef, maxPoolRef, poolOut } from "./_pool_ref.ts";

await testDevice();

const shapes: [number, number, number, number][] = [[2, 3, 11, 13], [3, 5, 9, 7]];
const geoms: { k: [number, number]; s: [number, number]; p: [number, number] }[] = [
  { k: [2, 2], s: [2, 2], p: [0, 0] },
  { k: [3, 3], s: [2, 2], p: [1, 1] },
  { k: [3, 2], s: [1, 2], p: [1, 0] },
  { k: [5, 5], s: [3, 3], p: [2, 2] },
];

for (const shape of shapes) {
  for (const gm of geoms) {
    Deno.test(`max/avg pool [${shape}] k${gm.k} s${gm.s} p${gm.p} match the CPU reference`, async () => {
      const [n, c, h, w] = shape;
      const g = { b: n * c, h, w, ...gm };
      const [ho, wo] = poolOut(g);
      const xd = randArray(n * c * h * w, 21), gd = randArray(n * c * ho * wo, 22);
      const opts = { kernelSize: gm.k, stride: gm.s, padding: gm.p };
      const runs = [
        { f: (x: typeof xt) => maxPool2d(x, opts), ref: maxPoolRef(g, xd, gd) },
        { f: (x: typeof xt) => avgPool2d(x, opts), ref: avgPoolRef(g, true, xd, gd) },
        {
          f: (x: typeof xt) => avgPool2d(x, { ...opts, countIncludePad: false }),
          ref: avgPoolRef(g, false, xd, gd),
        },
      ];
      const xt = tensor(xd, { shape, requiresGrad: true });
      for (const r of runs) {
        const y = r.f(xt);
        const gy = tensor(gd, { shape: [...y.shape] });
        assertClose(await y.data(), r.ref.y, { what: "output" });
        backward(y, gy);
        assertClose(await xt.grad!.data(), r.ref.gx, { what: "grad x" });
        xt.grad!.dispose();
        xt.grad = null;
        y.dispose();
        gy.dispose();
      }
      xt.dispose();
    });
  }
}

for (
  const [shape, out] of [[[2, 3, 7, 9], [1, 1]], [[2, 3, 7, 11], [2, 3]], [[1, 2, 5, 13], [3, 5]], [
    [
      1,
      1,
      10,
      10,
    ],
    [4, 7],
  ]] as [number[], [number, number]][]
) {
  Deno.test(`adaptiveAvgPool2d [${shape}] -> [${out}] matches the CPU reference`, async () => {
    const [n, c, h, w] = shape as [number, number, number, number];
    const xd = randArray(n * c * h * w, 31), gd = randArray(n * c * out[0] * out[1], 32);
    const ref = adaptiveAvgPoolRef(n * c, h, w, out, xd, gd);
    const x = tensor(xd, { shape, requiresGrad: true });
    const y = adaptiveAvgPool2d(x, out);
    const gy = tensor(gd, { shape: [...y.shape] });
    assertClose(await y.data(), ref.y, { what: "output" });
    backward(y, gy);
    assertClose(await x.grad!.data(), ref.gx, { what: "grad x" });
    for (const t of [x, y, gy]) t.dispose();
  });
}

Deno.test("pool CPU reference gradients match float64 central differences", () => {
  const g = {
    b: 2,
    h: 5,
    w: 6,
    k: [3, 3] as [number, number],
    s: [2, 2] as [number, number],
    p: [1, 1] as [number, number],
  };
  const x = Float64Array.from(randArray(60, 41));
  const [ho, wo] = poolOut(g);
  const gy = Float64Array.from(randArray(2 * ho * wo, 42));
  const refs: [string, (a: Float64Array) => { y: Float64Array; gx: Float64Array }][] = [
    ["max", (a) => maxPoolRef(g, a, gy)],
    ["avg", (a) => avgPoolRef(g, true, a, gy)],
    ["avg no pad", (a) => avgPoolRef(g, false, a, gy)],
    ["adaptive", (a) => adaptiveAvgPoolRef(2, 5, 6, [2, 4], a, gy.subarray(0, 16))],
  ];
  for (const [name, f] of refs) {
    const loss = (a: Float64Array) => f(a).y.reduce((s, v, i) => s + v * gy[i]!, 0);
    const eps = 1e-6;
    const num = Float64Array.from(x, (_, i) => {
      const p = Float64Array.from(x), m = Float64Array.from(x);
      p[i]! += eps;
      m[i]! -= eps;
      return (loss(p) - loss(m)) / (2 * eps);
    });
    assertClose(f(x).gx, num, { rtol: 1e-6, atol: 1e-7, what: `${name} ref grad` });
  }
});

Deno.test("pooling backpropagates like finite differences (float32, small)", async () => {
  const x = { shape: [1, 2, 5, 6], data: randArray(60, 51) };
  await gradCheck(([t]) => maxPool2d(t!, { kernelSize: 3, stride: 2, padding: 1 }), [x]);
  await gradCheck(([t]) => avgPool2d(t!, { kernelSize: 3, stride: 2, padding: 1 }), [x]);
  await gradCheck(([t]) => adaptiveAvgPool2d(t!, [2, 4]), [x]);
});

interface OpCase {
  name: string;
  op: string;
  params: {
    kernel?: [number, number];
    stride?: [number, number];
    padding?: [number, number];
    count_include_pad?: boolean;
    output_size?: [number, number];
  };
  inputs: Record<string, FixtureTensor>;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

const fixture = await loadFixture<{ cases: OpCase[] }>("ops");
const pools = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d"];
for (const fc of fixture.cases.filter((c) => pools.includes(c.op))) {
  Deno.test(`${fc.op} matches the PyTorch golden ${fc.name}`, async () => {
    const x = fromFixture(fc.inputs.x!, true);
    const p = fc.params;
    const o = { kernelSize: p.kernel!, stride: p.stride, padding: p.padding };
    const y = fc.op === "max_pool2d"
      ? maxPool2d(x, o)
      : fc.op === "avg_pool2d"
      ? avgPool2d(x, { ...o, countIncludePad: p.count_include_pad })
      : adaptiveAvgPool2d(x, p.output_size!);
    const gy = fromFixture(fc.grad_output);
    assertClose(await y.data(), fc.output.data, { what: "output" });
    backward(y, gy);
    assertClose(await x.grad!.data(), fc.grads.x!.data, { what: "grad x" });
    for (const t of [x, y, gy]) t.dispose();
  });
}

Deno.test("pooling rejects bad shapes and sizes, naming them", () => {
  const x = tensor(new Float32Array(2 * 3 * 4 * 4), { shape: [2, 3, 4, 4] });
  const x3 = x.view([6, 4, 4]), x3b = x.view([2, 3, 16]);
  const bad: [() => unknown, ErrorConstructor, string][] = [
    [() => maxPool2d(x3, { kernelSize: 2 }), TypeError, "[6,4,4]"],
    [() => avgPool2d(x, { kernelSize: 5 }), RangeError, "[2,3,4,4]"],
    [() => maxPool2d(x, { kernelSize: 2, padding: 2 }), RangeError, "padding"],
    [() => maxPool2d(x, { kernelSize: 0 }), RangeError, "kernelSize"],
    [() => adaptiveAvgPool2d(x3b, 1), TypeError, "[2,3,16]"],
    [() => adaptiveAvgPool2d(x, [0, 1]), RangeError, "outputSize"],
  ];
  for (const [f, type, text] of bad) {
    try {
      f();
      throw new Error(`no error for ${text}`);
    } catch (e) {
      if (!(e instanceof type) || !(e as Error).message.includes(text)) throw e;
    }
  }
  for (const t of [x, x3, x3b]) t.dispose();
});
