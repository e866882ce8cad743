import assert from "node:assert/strict";
import { device, init, tensor, tidy } from "../tensor/mod.ts";
import { LossRing } from "./_loss_ring.ts";

await init();

Deno.test("LossRing: losses a group late, requests in the same readback, drain and peek", async () => {
  const ring = new LossRing(2);
  const got: number[][] = [];
  const push = (v: number, req?: number[]) =>
    tidy(() => {
      // as in the loop's afterLoss: the batch's requests, then its loss
      if (req) ring.request(tensor(req), (x) => void got.push([...x]));
      ring.add(tensor([v]));
    });
  const r0 = device().stats().readbacks;
  push(1, [10, 11]);
  push(2, [12, 13, 14]); // the ring grows for the second request (kept past the tidy)
  assert.equal(await ring.take(), null, "the first group is still on its way");
  push(3);
  push(4, [15]);
  const g = (await ring.take())!;
  assert.deepEqual([...g.losses], [1, 2]);
  g.requests.forEach((r) => r.fn(r.values));
  assert.deepEqual(got, [[10, 11], [12, 13, 14]]);
  push(5);
  assert.deepEqual([...(await ring.peek())], [3, 4, 5], "peek reads without consuming");
  const d = await ring.drain();
  assert.deepEqual([...d.losses], [3, 4, 5]);
  d.requests.forEach((r) => r.fn(r.values));
  assert.deepEqual(got.at(-1), [15]);
  // reads: groups [1,2] and [3,4] (requests included), peek's partial ring, the drain's
  assert.equal(device().stats().readbacks - r0, 4);
  assert.throws(() => ring.request(tensor([1], { dtype: "i32" }), () => {}), /expected float32/);
  ring.dispose();
});
