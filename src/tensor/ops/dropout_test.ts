import { assertClose, randArray, testDevice } from "../_test_util.ts";
import { tensor } from "../creation.ts";
import { backward } from "../autograd.ts";
import { dropout, dropoutRaw } from "./dropout.ts";
import { dropoutRef } from "./_dropout_ref.ts";

await testDevice();

Deno.test("dropout zeroes about p of the elements, scales the rest, and backward uses the same mask", async () => {
  for (const p of [0.1, 0.5, 0.8]) {
    const n = 100_003;
    const xd = randArray(n, 101, 0.5, 2);
    const x = tensor(xd, { requiresGrad: true });
    const y = dropout(x, { p, training: true, seed: 7 });
    const gd = randArray(n, 102);
    const g = tensor(gd);
    backward(y, g);
    const yv = await y.data(), gx = await x.grad!.data();
    let dropped = 0;
    const expY = new Float32Array(n), expG = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const kept = yv[i] !== 0;
      if (!kept) dropped++;
      expY[i] = kept ? xd[i]! / (1 - p) : 0;
      expG[i] = kept ? gd[i]! / (1 - p) : 0;
    }
    assertClose(yv, expY, { what: `output (p ${p})`, rtol: 1e-6 });
    assertClose(gx, expG, { what: `grad (p ${p})`, rtol: 1e-6 });
    const frac = dropped / n, sd = Math.sqrt(p * (1 - p) / n);
    if (Math.abs(frac - p) > 5 * sd) throw new Error(`dropped ${frac}, expected ${p}`);
    for (const t of [x, y, g]) t.dispose();
  }
});

Deno.test("dropout masks differ between calls and between nearby elements", async () => {
  const x = tensor(new Float32Array(4096).fill(1));
  const ya = dropout(x, { p: 0.5, training: true, seed: 3 });
  const yb = dropout(x, { p: 0.5, training: true, seed: 3 });
  const a = await ya.data(), b = await yb.data();
  ya.dispose();
  yb.dispose();
  let same = 0, runs = 0;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] === 0) === (b[i] === 0)) same++;
    if (i > 0 && (a[i] === 0) === (a[i - 1] === 0)) runs++;
  }
  if (same > 2250 || same < 1850) throw new Error(`masks agree on ${same} of 4096 elements`);
  if (runs > 2250 || runs < 1850) throw new Error(`neighbours agree on ${runs} of 4095`);
  x.dispose();
});

Deno.test("dropout is the identity in eval or with p = 0, and zeroes all with p = 1", async () => {
  const x = tensor([1, 2, 3]);
  if (dropout(x, { p: 0.5, training: false }) !== x) throw new Error("eval should return x");
  if (dropout(x, { p: 0, training: true }) !== x) throw new Error("p = 0 should return x");
  const z = dropout(x, { p: 1, training: true });
  assertClose(await z.data(), [0, 0, 0]);
  for (const p of [-0.1, 1.5, NaN]) {
    try {
      dropout(x, { p, training: true });
      throw new Error(`no error for p ${p}`);
    } catch (e) {
      if (!(e instanceof RangeError) || !e.message.includes(String(p))) throw e;
    }
  }
  x.dispose();
  z.dispose();
});

Deno.test("the dropout kernel keeps exactly the elements its CPU twin keeps", async () => {
  const data = randArray(1000, 77);
  const x = tensor(data);
  for (const [p, key] of [[0.3, 12345], [0.9, 0xdeadbeef]] as const) {
    const y = dropoutRaw(x, key, p);
    assertClose(await y.data(), dropoutRef(data, p, key), { what: `dropout p=${p}`, atol: 1e-6 });
    y.dispose();
  }
  x.dispose();
});
