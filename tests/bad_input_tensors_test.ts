/**
 * Tensor-level inputs: creation arguments (`tensor(["1"])`, `randn({ std: -1 })`, unknown option
 * keys), zero-size tensors as in PyTorch, and bare numbers as kernel sizes.
 */
import assert from "node:assert/strict";
import {
  argmax,
  avgPool2d,
  concat,
  crossEntropy,
  full,
  init,
  linear,
  matmul,
  max,
  maxPool2d,
  mean,
  min,
  rand,
  randn,
  relu,
  reshape,
  softmax,
  sum,
  tensor,
  zeros,
} from "../src/tensor/mod.ts";
import { Conv2d, MaxPool2d } from "../src/nn/mod.ts";

await init();

Deno.test("tensor() refuses what is not numbers with a TypeError (no stack overflow)", () => {
  const bad: [unknown, RegExp][] = [
    [["1", "2"], /Cannot make a tensor from the string "1": expected numbers/],
    [[[1, 2], ["3", 4]], /the string "3"/],
    [[1, null], /Cannot make a tensor from null/],
    [[1, true], /from a boolean \(true\)/],
    [[{ a: 1 }], /from an object/],
    ["12", /from the string "12"/],
    [[[1, 2], [3]], /ragged array: dimension 1 has lengths 2 and 1/],
    [[[1, 2], 3], /ragged array: numbers at depths 2 and 1/],
    [[1, [2, 3]], /ragged array: an array at depth 1, where numbers were/],
  ];
  for (const [v, words] of bad) {
    assert.throws(() => tensor(v as number[]), { name: "TypeError", message: words }, String(v));
  }
});

Deno.test("creation options: ranges, types and unknown keys naming the near key", () => {
  assert.throws(() => randn([2], { std: -1 }), {
    name: "RangeError",
    message: /Cannot randn with std -1: expected std >= 0/,
  });
  assert.throws(() => randn([2], { std: NaN }), { name: "RangeError", message: /std NaN/ });
  assert.throws(() => randn([2], { mean: Infinity }), { name: "RangeError", message: /mean/ });
  assert.throws(() => rand([2], { low: 2, high: 1 }), {
    name: "RangeError",
    message: /low 2 > high 1/,
  });
  assert.throws(() => randn([2], { seed: 1.5 }), { name: "RangeError", message: /seed 1.5/ });
  const unknown: [() => unknown, RegExp][] = [
    [
      () => randn([2], { sdt: 1 } as never),
      /option "sdt" of randn: unknown \(did you mean "std"\?\)/,
    ],
    [() => rand([2], { hi: 1 } as never), /option "hi" of rand: unknown \(did you mean "high"\?\)/],
    [() => tensor([1], { shap: [1] } as never), /option "shap" of tensor: .*did you mean "shape"/],
    [() => zeros([2], { dtyp: "i32" } as never), /option "dtyp" .*did you mean "dtype"/],
    [() => full([2], 1, { requiresgrad: true } as never), /did you mean "requiresGrad"/],
    [() => randn([2], { variance: 2 } as never), /"variance" of randn: unknown \(known options:/],
  ];
  for (const [f, words] of unknown) assert.throws(f, { name: "TypeError", message: words });
  assert.throws(() => full([2], "1" as never), {
    name: "TypeError",
    message: /Cannot fill a tensor with the string "1": expected a number/,
  });
  assert.throws(() => tensor([1], { requiresGrad: "yes" } as never), TypeError);
  assert.throws(() => tensor([1], { shape: [2] }), /shape \[2\] from 1 values/);
  assert.throws(() => tensor([1, 3e9], { dtype: "i32" }), {
    name: "RangeError",
    message: /element 1 is 3000000000, outside the i32 range/,
  });
  assert.throws(() => tensor([NaN], { dtype: "i32" }), { name: "RangeError", message: /NaN/ });
  assert.throws(() => zeros([2]).write(["1", 2] as never), {
    name: "TypeError",
    message: /Cannot write into an f32 tensor: element 0 is string 1, expected a number/,
  });
  assert.deepEqual(tensor([1.9, -1.9], { dtype: "i32" }).shape, [2]); // truncates, as PyTorch
  // std 0 is allowed (a constant), as PyTorch
  assert.equal(randn([3], { std: 0, mean: 2 }).size, 3);
});

Deno.test("zero-size tensors: matmul, elementwise, reshape, data()", async () => {
  const a = tensor([], { shape: [2, 0], requiresGrad: true });
  const b = tensor([], { shape: [0, 3], requiresGrad: true });
  const c = matmul(a, b);
  assert.deepEqual(c.shape, [2, 3]);
  assert.deepEqual(Array.from(await c.data()), [0, 0, 0, 0, 0, 0]);
  sum(c).backward();
  assert.deepEqual(a.grad!.shape, [2, 0]);
  assert.deepEqual(b.grad!.shape, [0, 3]);
  // an empty inner dimension with a bias: the bias (through the ReLU)
  const y = linear(
    tensor([], { shape: [2, 0] }),
    tensor([], { shape: [3, 0] }),
    tensor([1, -2, 3]),
    {
      relu: true,
    },
  );
  assert.deepEqual(Array.from(await y.data()), [1, 0, 3, 1, 0, 3]);
  const e = tensor([], { shape: [2, 0] });
  assert.deepEqual((await e.data()).length, 0);
  assert.deepEqual(await e.array(), [[], []]);
  assert.deepEqual(relu(e.add(1)).shape, [2, 0]);
  assert.deepEqual(e.mul(tensor([], { shape: [1, 0] })).shape, [2, 0]);
  assert.deepEqual(reshape(e, [0, 5]).shape, [0, 5]);
  assert.deepEqual(reshape(e, [-1]).shape, [0]);
  assert.deepEqual(softmax(e, 1).shape, [2, 0]);
  const cat = concat([e, tensor([1, 2], { shape: [2, 1] })], 1);
  assert.deepEqual(Array.from(await cat.data()), [1, 2]);
  assert.deepEqual(tensor([]).shape, [0]);
});

Deno.test("zero-size reductions as PyTorch: sum 0, mean NaN, max/min/argmax a RangeError", async () => {
  const e = tensor([], { shape: [2, 0] });
  assert.deepEqual(Array.from(await sum(e).data()), [0]);
  assert.deepEqual(Array.from(await sum(e, 1).data()), [0, 0]);
  assert.deepEqual(sum(e, 0).shape, [0]);
  assert.ok(Number.isNaN((await mean(e).data())[0]));
  assert.ok(Array.from(await mean(e, 1).data()).every(Number.isNaN));
  assert.throws(() => max(e), { name: "RangeError", message: /max of a tensor of shape \[2,0\]/ });
  assert.throws(() => min(e, 1), { name: "RangeError", message: /axis 1 has size 0/ });
  assert.throws(() => argmax(e, 1), { name: "RangeError", message: /argmax/ });
  assert.deepEqual(max(e, 0).shape, [0]); // reducing a non-empty axis of an empty tensor is fine
  // the mean loss of an empty batch is NaN, as PyTorch's
  const ce = crossEntropy(tensor([], { shape: [0, 3] }), tensor([], { dtype: "i32" }));
  assert.ok(Number.isNaN(await ce.item()));
});

Deno.test("a bare number is the kernel size of the pools and of the conv/pool layers", async () => {
  const x = tensor(Array.from({ length: 16 }, (_, i) => (i * 7) % 11), { shape: [1, 1, 4, 4] });
  const viaOpts = Array.from(await maxPool2d(x, { kernelSize: 2 }).data());
  const viaNumber = await maxPool2d(x, 2);
  assert.deepEqual(viaNumber.shape, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(await viaNumber.data()), viaOpts);
  assert.deepEqual(maxPool2d(x, [2, 1]).shape, [1, 1, 2, 4]);
  const avg = Array.from(await avgPool2d(x, 2).data());
  assert.deepEqual(avg, Array.from(await avgPool2d(x, { kernelSize: 2 }).data()));
  assert.equal(avg.length, 4);
  const bad: [() => unknown, string, RegExp][] = [
    [
      () => maxPool2d(x, "2" as never),
      "TypeError",
      /Cannot maxPool2d with "2": expected a kernel size/,
    ],
    [() => maxPool2d(x, {} as never), "TypeError", /kernelSize undefined: expected a number/],
    [() => avgPool2d(x, { kernelSize: "2" } as never), "TypeError", /kernelSize "2"/],
    [() => maxPool2d(x, [2, 2, 2] as never), "TypeError", /kernelSize \[2,2,2\]/],
    [() => maxPool2d(x, 0), "RangeError", /kernelSize 0: expected integers >= 1/],
    [
      () => new MaxPool2d({ kernelSize: 2 } as never),
      "TypeError",
      /create MaxPool2d with kernelSize/,
    ],
    [
      () => new Conv2d(1, 1, { kernelSize: 3 } as never),
      "TypeError",
      /create Conv2d with kernelSize/,
    ],
    [() => new Conv2d(1, 1, 1.5), "RangeError", /create Conv2d with kernelSize 1.5/],
  ];
  for (const [f, name, words] of bad) assert.throws(f, { name, message: words });
  assert.deepEqual(new MaxPool2d(2).forward(x).shape, [1, 1, 2, 2]);
  assert.deepEqual(new Conv2d(1, 2, 3, { seed: 0 }).forward(x).shape, [1, 2, 2, 2]);
});
