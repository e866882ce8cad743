import { assertClose, gradCheck, randArray, testDevice } from "../_test_util.ts";
import { arr } from "./_ref_arr.ts";
import { mapRef, zipRef } from "./_elementwise_ref.ts";
import { tensor } from "../creation.ts";
import * as ew from "./elementwise.ts";
import type { Tensor } from "../tensor.ts";

await testDevice();

const unaries: [string, (t: Tensor) => Tensor, (x: number) => number, number, number][] = [
  ["neg", ew.neg, (x) => -x, -2, 2],
  ["exp", ew.exp, Math.exp, -2, 2],
  ["log", ew.log, Math.log, 0.2, 3],
  ["sqrt", ew.sqrt, Math.sqrt, 0.2, 3],
  ["relu", ew.relu, (x) => Math.max(x, 0), -2, 2],
  ["sigmoid", ew.sigmoid, (x) => 1 / (1 + Math.exp(-x)), -3, 3],
  ["tanh", ew.tanh, Math.tanh, -2, 2],
  ["abs", ew.abs, Math.abs, -2, 2],
  ["square", ew.square, (x) => x * x, -2, 2],
  ["powScalar(3)", (t) => ew.powScalar(t, 3), (x) => x ** 3, -2, 2],
  ["powScalar(2.5)", (t) => ew.powScalar(t, 2.5), (x) => x ** 2.5, 0.2, 2],
  ["add(scalar)", (t) => ew.add(t, 1.5), (x) => x + 1.5, -2, 2],
  ["sub(scalar, t)", (t) => ew.sub(3, t), (x) => 3 - x, -2, 2],
  ["div(scalar, t)", (t) => ew.div(2, t), (x) => 2 / x, 0.5, 2],
];

for (const [name, f, ref, lo, hi] of unaries) {
  Deno.test(`${name}() matches the CPU reference and finite differences on [7,9]`, async () => {
    const data = randArray(63, name.length, lo, hi);
    const t = tensor(data, { shape: [7, 9] });
    const out = f(t);
    assertClose(await out.data(), mapRef(arr([7, 9], data), ref).data, { what: name });
    t.dispose();
    out.dispose();
    const small = randArray(6, 3 + name.length, lo + 0.05, hi - 0.05);
    await gradCheck(([x]) => f(x!), [{ shape: [2, 3], data: small }], { what: name });
  });
}

const binaries: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ["add", ew.add, (x, y) => x + y],
  ["sub", ew.sub, (x, y) => x - y],
  ["mul", ew.mul, (x, y) => x * y],
  ["div", ew.div, (x, y) => x / y],
  ["maximum", ew.maximum, (x, y) => Math.max(x, y)],
  ["pow", ew.pow, (x, y) => x ** y],
];

for (const [name, f, ref] of binaries) {
  Deno.test(`${name}() broadcasts [4,1,5] with [3,1] like the CPU reference and has exact gradients`, async () => {
    const a = randArray(20, 1, 0.5, 2), b = randArray(3, 2, 0.5, 2);
    const ta = tensor(a, { shape: [4, 1, 5] }), tb = tensor(b, { shape: [3, 1] });
    const out = f(ta, tb);
    const expected = zipRef(arr([4, 1, 5], a), arr([3, 1], b), ref);
    assertClose(out.shape as number[], expected.shape, { what: "shape" });
    assertClose(await out.data(), expected.data, { what: name });
    for (const t of [ta, tb, out]) t.dispose();
    await gradCheck(([x, y]) => f(x!, y!), [
      { shape: [2, 1, 3], data: randArray(6, 5, 0.5, 2) },
      { shape: [2, 1], data: randArray(2, 6, 0.6, 1.9) },
    ], { what: name });
  });
}

Deno.test("where() selects by condition and routes gradients to both branches", async () => {
  const c = tensor([1, 0, 1, 0, 0, 1], { shape: [2, 3] });
  const a = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
  const b = tensor([10, 20, 30], { shape: [3] });
  const out = ew.where(c, a, b);
  assertClose(await out.data(), [1, 20, 3, 10, 20, 6]);
  for (const t of [c, a, b, out]) t.dispose();
  const cond = tensor([1, 0, 0, 1], { shape: [2, 2] });
  await gradCheck(([x, y]) => ew.where(cond, x!, y!), [
    { shape: [2, 2], data: randArray(4, 1) },
    { shape: [2], data: randArray(2, 2) },
  ]);
  cond.dispose();
});

Deno.test("comparisons give 0/1 masks", async () => {
  const a = tensor([1, 2, 3]), b = tensor([2, 2, 2]);
  const outs = [ew.gt(a, b), ew.lt(a, b), ew.ge(a, 2), ew.eq(a, 2)];
  const got = await Promise.all(outs.map((o) => o.data()));
  assertClose(got.flatMap((x) => [...x]), [0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0]);
  for (const t of [a, b, ...outs]) t.dispose();
});

Deno.test("binary ops name both shapes when they cannot broadcast", () => {
  const a = tensor(new Float32Array(6), { shape: [2, 3] }),
    b = tensor(new Float32Array(8), { shape: [2, 4] });
  let msg = "";
  try {
    ew.add(a, b);
  } catch (e) {
    msg = (e as Error).message;
    if (!(e instanceof TypeError)) throw e;
  }
  if (!msg.includes("[2,3]") || !msg.includes("[2,4]")) {
    throw new Error(`unexpected message: ${msg}`);
  }
  a.dispose();
  b.dispose();
});

Deno.test("binary ops on same-shape operands with a size divisible by 4 (vec4 kernel) match the reference", async () => {
  const a = randArray(128, 11, 0.5, 2), b = randArray(128, 12, 0.5, 2);
  const ta = tensor(a, { shape: [8, 16] }), tb = tensor(b, { shape: [8, 16] });
  for (const [name, f, ref] of binaries) {
    const out = f(ta, tb);
    assertClose(await out.data(), zipRef(arr([8, 16], a), arr([8, 16], b), ref).data, {
      what: name,
    });
    out.dispose();
  }
  ta.dispose();
  tb.dispose();
});
