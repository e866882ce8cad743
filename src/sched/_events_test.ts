import assert from "node:assert/strict";
import { checkCallbacks, Events } from "./_events.ts";
import type { Callback, FitContext } from "./callback.ts";

const ctx = {} as FitContext;

Deno.test("Events: by order, ties in the order given; events nobody implements cost nothing", async () => {
  const out: string[] = [];
  const cb = (name: string, order?: number): Callback => ({
    order,
    beforeFit: () => void out.push(name),
  });
  const ev = new Events([cb("b", 1), cb("a"), cb("c", 1), cb("z", -5)]);
  await ev.fire("beforeFit", ctx);
  assert.deepEqual(out, ["z", "a", "b", "c"]);
  await ev.fire("afterFit", ctx); // none: no error
  ev.fireSync("afterLoss", ctx);
});

Deno.test("Events: async events are awaited in turn; a step event returning a promise is refused", async () => {
  const out: number[] = [];
  const ev = new Events([
    { afterBatch: async () => void (await Promise.resolve(), out.push(1)) },
    { afterBatch: () => void out.push(2) },
    { name: "Slow", afterStep: () => Promise.resolve() } as Callback,
  ]);
  await ev.fire("afterBatch", ctx);
  assert.deepEqual(out, [1, 2]);
  assert.throws(
    () => ev.fireSync("afterStep", ctx),
    /Cannot run Slow\.afterStep: expected a synchronous method/,
  );
});

Deno.test("checkCallbacks names the bad entry", () => {
  assert.throws(() => checkCallbacks("x", "fit callbacks"), /expected an array of callbacks/);
  assert.throws(
    () => checkCallbacks([{}, 3], "fit callbacks"),
    /fit callbacks\[1\]: expected a callback object/,
  );
  assert.throws(() => checkCallbacks([{ order: NaN }], "cbs"), /expected a finite order/);
  assert.throws(
    () => checkCallbacks([{ beforeFit: "x" }], "cbs"),
    /expected beforeFit to be a function/,
  );
});
