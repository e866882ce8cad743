import { assertClose, gradCheck, randArray, testDevice } from "../_test_util.ts";
import { arr } from "./_ref_arr.ts";
import { softmaxRef } from "./_softmax_ref.ts";
import { tensor } from "../creation.ts";
import { logSoftmax, softmax } from "./softmax.ts";

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
