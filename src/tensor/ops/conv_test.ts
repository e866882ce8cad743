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
import type { Tensor } from "../tensor.ts";
import { conv2d, type Conv2dOptions } from "./conv.ts";
import { conv2dRef, conv2dRefGrad, convOut, type ConvRefGeo } from "./_conv_ref.ts";

await testDevice();

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  bias: boolean;
}

const geo = (c: Case): ConvRefGeo => ({
  n: c.x[0],
  c: c.x[1],
  h: c.x[2],
  w: c.x[3],
  co: c.w[0],
  kh: c.w[2],
  kw: c.w[3],
  stride: c.stride,
  padding: c.padding,
  dilation: c.dilation,
  groups: c.groups,
});

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const cases: Case[] = [
  {
    x: [3, 5, 13, 11],
    w: [7, 5, 3, 3],
    stride: [1, 1],
    padding: [1, 1],
    dilation: [1, 1],
    groups: 1,
    bias: true,
  },
  {
    x: [2, 3, 17, 15],
    w: [9, 3, 3, 3],
    stride: [2, 2],
    padding: [1, 1],
    dilation: [1, 1],
    groups: 1,
    bias: true,
  },
  {
    x: [2, 6, 10, 9],
    w: [9, 2, 3, 2],
    stride: [2, 1],
    padding: [1, 0],
    dilation: [2, 1],
    groups: 3,
    bias: false,
  },
  {
    x: [1, 4, 7, 8],
    w: [5, 4, 5, 5],
    stride: [1, 3],
    padding: [2, 1],
    dilation: [1, 1],
    groups: 1,
    bias: true,
  },
  // Stride 2 with Wo % 4 == 0 and W % 8 == 0: the vec4 col2im (`col2im4`), tap offsets -2..1
  // (5x5, padding 2: the two-vec4 reads), a 4x4 kernel, and a 1x1 kernel (odd pixels get nothing).
  {
    x: [2, 3, 16, 24],
    w: [4, 3, 5, 5],
    stride: [2, 2],
    padding: [2, 2],
    dilation: [1, 1],
    groups: 1,
    bias: true,
  },
  {
    x: [1, 2, 8, 16],
    w: [3, 2, 4, 4],
    stride: [2, 2],
    padding: [1, 1],
    dilation: [1, 1],
    groups: 1,
    bias: false,
  },
  {
    x: [2, 3, 16, 16],
    w: [5, 3, 1, 1],
    stride: [2, 2],
    padding: [0, 0],
    dilation: [1, 1],
    groups: 1,
    bias: false,
  },
  {
    x: [2, 1, 28, 28],
    w: [6, 1, 3, 3],
    stride: [1, 1],
    padding: [1, 1],
    dilation: [1, 1],
    groups: 1,
    bias: true,
  },
];

for (const c of cases) {
  Deno.test(`conv2d x[${c.x}] w[${c.w}] s${c.stride} p${c.padding} d${c.dilation} g${c.groups} matches the CPU reference, forward and backward`, async () => {
    const g = geo(c);
    const [ho, wo] = convOut(g);
    const xd = randArray(size(c.x), 1), wd = randArray(size(c.w), 2), bd = randArray(c.w[0], 3);
    const gd = randArray(c.x[0] * c.w[0] * ho * wo, 4);
    const x = tensor(xd, { shape: c.x, requiresGrad: true });
    const w = tensor(wd, { shape: c.w, requiresGrad: true });
    const b = c.bias ? tensor(bd, { shape: [c.w[0]], requiresGrad: true }) : null;
    const opts: Conv2dOptions = {
      stride: c.stride,
      padding: c.padding,
      dilation: c.dilation,
      groups: c.groups,
    };
    const y = conv2d(x, w, b, opts);
    const gy = tensor(gd, { shape: [...y.shape] });
    assertClose(await y.data(), conv2dRef(g, xd, wd, c.bias ? bd : undefined), { what: "output" });
    backward(y, gy);
    const ref = conv2dRefGrad(g, xd, wd, gd);
    assertClose(await x.grad!.data(), ref.gx, { what: "grad x" });
    assertClose(await w.grad!.data(), ref.gw, { what: "grad w", rtol: 2e-4, atol: 1e-4 });
    if (b) assertClose(await b.grad!.data(), ref.gb, { what: "grad bias", atol: 1e-4 });
    for (const t of [x, w, b, y, gy]) t?.dispose();
  });
}

Deno.test("conv2d CPU reference gradients match float64 central differences", () => {
  const c = cases[2]!;
  const g = { ...geo(c), n: 1, h: 6, w: 5 };
  const xd = Float64Array.from(randArray(1 * 6 * 6 * 5, 5)),
    wd = Float64Array.from(randArray(size(c.w), 6));
  const [ho, wo] = convOut(g);
  const gd = Float64Array.from(randArray(c.w[0] * ho * wo, 7));
  const loss = (xv: ArrayLike<number>, wv: ArrayLike<number>) =>
    conv2dRef(g, xv, wv).reduce((s, v, i) => s + v * gd[i]!, 0);
  const { gx, gw } = conv2dRefGrad(g, xd, wd, gd);
  const eps = 1e-6;
  const num = (arr: Float64Array, f: (a: Float64Array) => number) =>
    Float64Array.from(arr, (_, i) => {
      const p = Float64Array.from(arr), m = Float64Array.from(arr);
      p[i]! += eps;
      m[i]! -= eps;
      return (f(p) - f(m)) / (2 * eps);
    });
  assertClose(gx, num(xd, (a) => loss(a, wd)), { rtol: 1e-6, atol: 1e-7, what: "ref grad x" });
  assertClose(gw, num(wd, (a) => loss(xd, a)), { rtol: 1e-6, atol: 1e-7, what: "ref grad w" });
});

Deno.test("conv2d backpropagates like finite differences (float32, small)", async () => {
  const opts = { stride: 2, padding: 1 };
  await gradCheck(([x, w, b]) => conv2d(x!, w!, b!, opts), [
    { shape: [1, 2, 5, 4], data: randArray(40, 11) },
    { shape: [3, 2, 3, 3], data: randArray(54, 12) },
    { shape: [3], data: randArray(3, 13) },
  ]);
});

interface OpCase {
  name: string;
  op: string;
  params: {
    stride: [number, number];
    padding: [number, number];
    dilation: [number, number];
    groups: number;
  };
  inputs: Record<string, FixtureTensor>;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

const fixture = await loadFixture<{ cases: OpCase[] }>("ops");
for (const fc of fixture.cases.filter((c) => c.op === "conv2d")) {
  Deno.test(`conv2d matches the PyTorch golden ${fc.name}`, async () => {
    const x = fromFixture(fc.inputs.x!, true), w = fromFixture(fc.inputs.weight!, true);
    const b = fc.inputs.bias ? fromFixture(fc.inputs.bias, true) : null;
    const { stride, padding, dilation, groups } = fc.params; // the fixture's other params: not options
    const y = conv2d(x, w, b, { stride, padding, dilation, groups });
    const gy = fromFixture(fc.grad_output);
    assertClose(await y.data(), fc.output.data, { what: "output" });
    backward(y, gy);
    const got: Record<string, Tensor | null> = { x, weight: w, bias: b };
    for (const [k, v] of Object.entries(fc.grads)) {
      assertClose(await got[k]!.grad!.data(), v.data, { what: `grad ${k}`, atol: 1e-4 });
    }
    for (const t of [x, w, b, y, gy]) t?.dispose();
  });
}

Deno.test("conv2d rejects bad shapes and sizes, naming them", () => {
  const x = tensor(new Float32Array(2 * 3 * 5 * 5), { shape: [2, 3, 5, 5] });
  const x3 = x.view([6, 5, 5]);
  const bad: [() => unknown, ErrorConstructor, string][] = [
    [
      () => conv2d(x3, tensor(new Float32Array(27), { shape: [1, 3, 3, 3] })),
      TypeError,
      "[6,5,5]",
    ],
    [
      () => conv2d(x, tensor(new Float32Array(36), { shape: [1, 4, 3, 3] })),
      TypeError,
      "[1,4,3,3]",
    ],
    [() => conv2d(x, tensor(new Float32Array(3 * 49), { shape: [1, 3, 7, 7] })), RangeError, "7x7"],
    [
      () => conv2d(x, tensor(new Float32Array(27), { shape: [1, 3, 3, 3] }), tensor([1, 2])),
      TypeError,
      "[2]",
    ],
    [
      () => conv2d(x, tensor(new Float32Array(27), { shape: [1, 3, 3, 3] }), null, { stride: 0 }),
      RangeError,
      "stride",
    ],
    [
      () => conv2d(x, tensor(new Float32Array(18), { shape: [2, 1, 3, 3] }), null, { groups: 2 }),
      TypeError,
      "groups",
    ],
  ];
  for (const [f, type, text] of bad) {
    try {
      f();
      throw new Error(`no error for ${text}`);
    } catch (e) {
      if (!(e instanceof type) || !(e as Error).message.includes(text)) throw e;
    }
  }
  x.dispose();
  x3.dispose();
});
