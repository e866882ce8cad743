import { assertClose, randArray, testDevice } from "../_test_util.ts";
import { tensor } from "../creation.ts";
import { axpy } from "./_accumulate.ts";
import { axpyRef } from "./_accumulate_ref.ts";

await testDevice();

Deno.test("axpy (gradient accumulation, in place) matches its CPU twin", async () => {
  for (const n of [1, 255, 1000]) {
    const xs = randArray(n, n), ys = randArray(n, n + 1);
    const x = tensor(xs), y = tensor(ys);
    axpy(y, x, 0.5, -2);
    assertClose(await y.data(), axpyRef(ys, xs, 0.5, -2), { what: `axpy of ${n}`, atol: 1e-6 });
    x.dispose();
    y.dispose();
  }
});
