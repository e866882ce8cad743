import { assertClose, gradCheck, randArray, testDevice } from "../_test_util.ts";
import { arr } from "./_ref_arr.ts";
import { crossEntropyRef } from "./_losses_ref.ts";
import { softmaxRef } from "./_softmax_ref.ts";
import { tensor } from "../creation.ts";
import { crossEntropy, nllLoss } from "./losses.ts";
import { logSoftmax } from "./softmax.ts";
import { toInt } from "./cast.ts";

await testDevice();

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
