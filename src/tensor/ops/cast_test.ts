import assert from "node:assert/strict";
import { testDevice } from "../_test_util.ts";
import { tensor } from "../creation.ts";
import { cast, toFloat, toInt } from "./cast.ts";
import { toFloatRef, toIntRef } from "./_cast_ref.ts";

await testDevice();

Deno.test("toInt and toFloat match their CPU twin, edge values included", async () => {
  const f = [1.7, -1.7, 0.5, -0.5, 0, NaN, 3e9, -3e9, 2147483520, 123456.9, -7];
  const x = tensor(f);
  const i = toInt(x);
  assert.equal(i.dtype, "i32");
  assert.deepEqual(Array.from(await i.data()), Array.from(toIntRef(Float32Array.from(f))));
  const ints = [0, 1, -1, 16777217, -2147483648, 2147483647, 42];
  const t = tensor(ints, { dtype: "i32" });
  const g = toFloat(t);
  assert.equal(g.dtype, "f32");
  assert.deepEqual(Array.from(await g.data()), Array.from(toFloatRef(ints)));
  const same = cast(x, "f32");
  assert.deepEqual(Array.from(await same.data()), Array.from(Float32Array.from(f)));
  for (const u of [x, i, t, g, same]) u.dispose();
});
