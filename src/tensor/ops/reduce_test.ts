import { assertClose, gradCheck, randArray, testDevice } from "../_test_util.ts";
import { arr } from "./_ref_arr.ts";
import { reduceRef } from "./_reduce_ref.ts";
import { tensor } from "../creation.ts";
import { argmax, expand, max, mean, min, sum } from "./reduce.ts";

await testDevice();

const cases: [number[], number[], boolean][] = [
  [[3, 5, 7], [1], false],
  [[3, 5, 7], [0, 2], true],
  [[3, 5, 7], [0, 1, 2], false],
  [[2, 300], [1], false], // workgroup-per-output path
  [[1000], [0], false],
  [[17, 3], [0], true],
];

for (const [shape, axes, keepDim] of cases) {
  Deno.test(`sum/mean/max/min over ${JSON.stringify(axes)} of [${shape}] match the CPU reference`, async () => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = randArray(n, n);
    const t = tensor(data, { shape });
    const a = arr(shape, data);
    const outs = [
      sum(t, axes, { keepDim }),
      mean(t, axes, { keepDim }),
      max(t, axes, { keepDim }),
      min(t, axes, { keepDim }),
    ];
    const refs = [
      reduceRef(a, axes, (s, x) => s + x, 0, keepDim),
      reduceRef(a, axes, (s, x) => s + x, 0, keepDim, (s, k) => s / k),
      reduceRef(a, axes, Math.max, -Infinity, keepDim),
      reduceRef(a, axes, Math.min, Infinity, keepDim),
    ];
    for (let i = 0; i < 4; i++) {
      assertClose(outs[i]!.shape as number[], refs[i]!.shape, { what: "shape" });
      assertClose(await outs[i]!.data(), refs[i]!.data, {
        what: ["sum", "mean", "max", "min"][i]!,
        atol: 1e-4,
      });
    }
    for (const o of [t, ...outs]) o.dispose();
  });
}

Deno.test("sum, mean and max backpropagate like finite differences", async () => {
  const x = { shape: [2, 3, 2], data: randArray(12, 7) };
  await gradCheck(([t]) => sum(t!, [1]), [x]);
  await gradCheck(([t]) => mean(t!, [0, 2], { keepDim: true }), [x]);
  await gradCheck(([t]) => max(t!, [2]), [x]);
  await gradCheck(([t]) => expand(t!, [4, 2, 3, 2]), [x]);
});

Deno.test("argmax returns the first maximum as i32", async () => {
  const t = tensor([[1, 5, 5, 2], [7, 0, 7, 1]]);
  const a = argmax(t, 1);
  const b = argmax(t, 0);
  if (a.dtype !== "i32") throw new Error("argmax must be i32");
  assertClose(await a.data(), [1, 0]);
  assertClose(await b.data(), [1, 0, 1, 0]);
  for (const o of [t, a, b]) o.dispose();
});

Deno.test("reductions reject an axis outside the rank with a RangeError", () => {
  const t = tensor([1, 2, 3]);
  try {
    sum(t, 2);
    throw new Error("no error");
  } catch (e) {
    if (!(e instanceof RangeError) || !e.message.includes("[3]")) throw e;
  }
  t.dispose();
});
