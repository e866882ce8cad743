import { assertClose, gradCheck, randArray, testDevice } from "../_test_util.ts";
import { arr, crossEntropyRef, softmaxRef } from "./_cpu_ref.ts";
import { tensor } from "../creation.ts";
import { crossEntropy, logSoftmax, nllLoss, softmax } from "./softmax.ts";
import { toInt } from "./cast.ts";

await testDevice();

for (const [shape, dim] of [[[7, 11], 1], [[7, 11], 0], [[3, 5, 7], -1], [[3, 5, 7], 1]] as const) {
  Deno.test(`softmax/logSoftmax over dim ${dim} of [${shape}] match the CPU reference`, async () => {
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    const data = randArray(n, n, -3, 3);
    const t = tensor(data, { shape: [...shape] });
    const s = softmax(t, dim), l = logSoftmax(t, dim);
    assertClose(await s.data(), softmaxRef(arr([...shape], data), dim, false).data);
    assertClose(await l.data(), softmaxRef(arr([...shape], data), dim, true).data);
    for (const o of [t, s, l]) o.dispose();
  });
}

Deno.test("softmax and logSoftmax backpropagate like finite differences", async () => {
  const x = { shape: [3, 4], data: randArray(12, 5) };
  await gradCheck(([t]) => softmax(t!, 1), [x]);
  await gradCheck(([t]) => logSoftmax(t!, 0), [x]);
});

Deno.test("crossEntropy and nllLoss match the reference and finite differences", async () => {
  const data = randArray(13 * 10, 3, -2, 2);
  const labels = Array.from({ length: 13 }, (_, i) => (i * 7) % 10);
  const x = tensor(data, { shape: [13, 10] });
  const y = tensor(labels, { dtype: "i32" });
  const ce = crossEntropy(x, y);
  assertClose([await ce.item()], [crossEntropyRef(arr([13, 10], data), labels)]);
  const lp = logSoftmax(x, 1);
  const nll = nllLoss(lp, y);
  assertClose([await nll.item()], [await ce.item()]);
  for (const o of [x, ce, lp, nll]) o.dispose();
  const small = { shape: [3, 4], data: randArray(12, 8) };
  const t3 = tensor([0, 3, 1], { dtype: "i32" });
  await gradCheck(([t]) => crossEntropy(t!, t3), [small]);
  await gradCheck(([t]) => nllLoss(t!, t3), [small]);
  y.dispose();
  t3.dispose();
});

Deno.test("crossEntropy rejects targets of the wrong type or length, naming the shapes", () => {
  const x = tensor(new Float32Array(6), { shape: [2, 3] });
  const bad = [tensor([0, 1, 2], { dtype: "i32" }), tensor([0, 1])];
  for (const t of bad) {
    try {
      crossEntropy(x, t);
      throw new Error("no error");
    } catch (e) {
      if (!(e instanceof TypeError) || !e.message.includes("[2,3]")) throw e;
    }
    t.dispose();
  }
  x.dispose();
});

Deno.test("crossEntropy: a label outside the classes is a RangeError (host labels) or NaN (kernel-made)", async () => {
  const x = tensor(new Float32Array(6), { shape: [2, 3] });
  const y = tensor([0, 5], { dtype: "i32" });
  let err: unknown = null;
  try {
    crossEntropy(x, y);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof RangeError) || !/label 5 is out of range for 3 classes/.test(err.message)) {
    throw new Error(`expected a RangeError naming label 5, got ${err}`);
  }
  // labels written by a kernel have no host-known range: the kernel's NaN makes it visible
  const yk = toInt(tensor([0, 5]));
  const l = crossEntropy(x, yk);
  if (!Number.isNaN(await l.item())) throw new Error("expected NaN");
  for (const o of [x, y, yk, l]) o.dispose();
});

Deno.test("crossEntropy's gradient: precomputed for backward(loss), computed for any other upstream", async () => {
  const { backward } = await import("../autograd.ts");
  const n = 9, c = 7;
  const data = randArray(n * c, 21, -2, 2);
  const labels = Array.from({ length: n }, (_, i) => (i * 3) % c);
  // Reference: (softmax(x) - onehot) / n.
  const sm = softmaxRef(arr([n, c], data), 1, false).data;
  const want = Float32Array.from(
    sm,
    (v, i) => (v - (i % c === labels[Math.floor(i / c)]! ? 1 : 0)) / n,
  );
  const y = tensor(labels, { dtype: "i32" });
  for (const upstream of [undefined, 2.5]) {
    const x = tensor(data, { shape: [n, c], requiresGrad: true });
    const loss = crossEntropy(x, y);
    const g = upstream === undefined ? undefined : tensor([upstream], { shape: [] });
    backward(loss, g);
    const got = await x.grad!.data();
    assertClose(got, want.map((v) => v * (upstream ?? 1)), { rtol: 1e-5, atol: 1e-7 });
    for (const o of [x, loss, g]) o?.dispose();
  }
  y.dispose();
});
