/**
 * Tensor's one-line inspect and its Jupyter display. Plain `dispose()` rather than `using`: in
 * `deno task test`'s batch type-check TypeScript once reported Tensor as lacking `[Symbol.dispose]`.
 */
import assert from "node:assert/strict";
import { testDevice } from "./_test_util.ts";
import { tensor, zeros } from "./creation.ts";
import { DISPLAY_VALUES, tensorDisplayHook } from "./_display.ts";

await testDevice();

type Bundle = Record<string, string>;
const display = (t: object) =>
  (t as Record<symbol, () => Promise<Bundle>>)[Symbol.for("Jupyter.display")]!();

Deno.test("console.log(t) is one line: dtype, shape, device, no values", () => {
  const t = tensor([1.5, -2, 3, 4, 5, 6], { shape: [2, 3] });
  assert.equal(Deno.inspect(t), "Tensor(f32[2,3], webgpu)");
  assert.equal(Deno.inspect([t]), "[ Tensor(f32[2,3], webgpu) ]");
  t.requiresGrad = true;
  assert.equal(Deno.inspect(t), "Tensor(f32[2,3], webgpu, requiresGrad)");
  t.dispose();
  assert.equal(Deno.inspect(t), "Tensor(f32[2,3], disposed, requiresGrad)");
});

Deno.test("the Jupyter display of a small tensor shows all its values", async () => {
  const t = tensor([1.5, -2, 3.14159, 4, 5, 6], { shape: [2, 3] });
  const b = await display(t);
  assert.equal(b["text/plain"], "Tensor(f32[2,3], webgpu) 6 elements: [1.5, -2, 3.142, 4, 5, 6]");
  assert.match(b["text/html"]!, /<code>Tensor\(f32\[2,3\], webgpu\)<\/code> 6 elements/);
  const i = tensor([3, 1, 2], { dtype: "i32" });
  assert.equal((await display(i))["text/plain"], "Tensor(i32[3], webgpu) 3 elements: [3, 1, 2]");
  t.dispose();
  i.dispose();
});

Deno.test("the Jupyter display of a million elements shows the first 8, not a dump", async () => {
  const t = zeros([1000, 1000]);
  const b = await display(t);
  const zeros8 = Array(DISPLAY_VALUES).fill("0").join(", ");
  assert.equal(
    b["text/plain"],
    `Tensor(f32[1000,1000], webgpu) 1,000,000 elements: [${zeros8}, … (999992 more)]`,
  );
  assert.ok(b["text/html"]!.length < 400, `${b["text/html"]!.length} characters`);
  t.dispose();
});

Deno.test("a disposed tensor displays without a readback", async () => {
  const t = zeros([4]);
  t.dispose();
  assert.deepEqual(await display(t), { "text/plain": "Tensor(f32[4], disposed)" });
});

Deno.test("in the kernel the bundle is sent at once and the kernel's result is empty", async () => {
  const t = tensor([1, 2]);
  const sent: [string, Record<string, unknown>][] = [];
  const r = await tensorDisplayHook(t, (type, content) => {
    sent.push([type, content]);
    return Promise.resolve();
  });
  assert.deepEqual(r, {});
  assert.equal(sent.length, 1);
  assert.equal(sent[0]![0], "display_data");
  assert.deepEqual(sent[0]![1].data, await display(t));
  t.dispose();
});
