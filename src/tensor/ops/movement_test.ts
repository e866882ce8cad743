import { assertClose, gradCheck, randArray, testDevice } from "../_test_util.ts";
import { arr } from "./_ref_arr.ts";
import { permuteRef } from "./_movement_ref.ts";
import { tensor } from "../creation.ts";
import { concat, flatten, pad, permute, reshape, slice, transpose } from "./movement.ts";

await testDevice();

Deno.test("permute and transpose match the CPU reference and backpropagate", async () => {
  const data = randArray(2 * 3 * 5 * 7, 1);
  const t = tensor(data, { shape: [2, 3, 5, 7] });
  const p = permute(t, [2, 0, 3, 1]);
  const ref = permuteRef(arr([2, 3, 5, 7], data), [2, 0, 3, 1]);
  assertClose(p.shape as number[], ref.shape);
  assertClose(await p.data(), ref.data);
  const tr = transpose(t);
  assertClose(await tr.data(), permuteRef(arr([2, 3, 5, 7], data), [0, 1, 3, 2]).data);
  for (const o of [t, p, tr]) o.dispose();
  await gradCheck(([x]) => permute(x!, [1, 2, 0]), [{ shape: [2, 3, 2], data: randArray(12, 2) }]);
});

Deno.test("reshape and flatten are views with -1 inference", async () => {
  const t = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
  const r = reshape(t, [3, -1]);
  const f = flatten(t);
  assertClose(r.shape as number[], [3, 2]);
  assertClose(await f.data(), [1, 2, 3, 4, 5, 6]);
  try {
    reshape(t, [4, 2]);
    throw new Error("no error");
  } catch (e) {
    if (!(e instanceof TypeError) || !e.message.includes("[2,3]")) throw e;
  }
  for (const o of [t, r, f]) o.dispose();
});

Deno.test("slice, concat and pad give the expected values and gradients", async () => {
  const t = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  const s = slice(t, [1, 0], [3, 2]);
  assertClose(await s.data(), [4, 5, 7, 8]);
  const c2 = concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0);
  assertClose(await c2.data(), [1, 2, 3, 4, 5, 6]);
  const p = pad(tensor([[1, 2]]), [[1, 0], [0, 2]]);
  assertClose(p.shape as number[], [2, 4]);
  assertClose(await p.data(), [0, 0, 0, 0, 1, 2, 0, 0]);
  await gradCheck(([x]) => slice(x!, [0, 1], [2, 3]), [{ shape: [3, 3], data: randArray(9, 3) }]);
  await gradCheck(([x, y]) => concat([x!, y!], 1), [
    { shape: [2, 1], data: randArray(2, 4) },
    { shape: [2, 3], data: randArray(6, 5) },
  ]);
  await gradCheck(([x]) => pad(x!, [[1, 1], [0, 2]]), [{ shape: [2, 2], data: randArray(4, 6) }]);
});
