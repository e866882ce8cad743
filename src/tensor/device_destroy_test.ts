/**
 * `Device.destroy()` and `using`: every GPU object freed, later use a GpuError saying so, and `init()`
 * afterwards a new device. Its own file: it destroys the device of its test isolate.
 */
import assert from "node:assert/strict";
import { device, init } from "./device.ts";
import { GpuError } from "./gpu_error.ts";
import { tensor } from "./creation.ts";
import { relu } from "./ops/elementwise.ts";
import { SGD } from "../optim/sgd.ts";

const destroyedError = (e: Error) =>
  e instanceof GpuError && /device.*was destroyed/.test(e.message) &&
  /init\(\)/.test(e.message);

Deno.test("destroy() frees every GPU object; later use is a GpuError; init() makes a new device", async () => {
  const dev = await init();
  const x = tensor([1, -2, 3, -4], { requiresGrad: true });
  const opt = new SGD([x], { lr: 0.1, momentum: 0.9 });
  relu(x).sum().backward();
  opt.step();
  assert.deepEqual(Array.from(await x.data()), [0.9, -2, 2.9, -4].map(Math.fround));
  const k = dev.kernel("unary", { OP: 5, CONTIG: 1 });
  assert.ok(dev.stats().liveBuffers > 0);
  assert.ok(dev.uniforms.ownedCount > 0, "the optimizer's uniforms belong to the device");

  dev.destroy();
  assert.equal(dev.destroyed, true);
  assert.equal(dev.stats().liveBuffers, 0);
  assert.equal(dev.uniforms.ownedCount, 0);
  assert.throws(() => dev.kernel("unary"), destroyedError);
  assert.throws(() => dev.dispatch(k, {}, [1]), destroyedError);
  assert.throws(() => dev.uniform(new Uint32Array(4)), destroyedError);
  await assert.rejects(() => dev.read(dev.dummy, 0, 4), destroyedError);
  assert.throws(() => device(), destroyedError);
  assert.throws(() => tensor([1]), destroyedError);
  assert.throws(
    () => opt.step(),
    (e: Error) => e instanceof GpuError && /destroyed/.test(e.message),
  );
  // Releasing what the device already freed is harmless.
  x.dispose();
  opt.dispose();
  dev.destroy();

  const dev2 = await init();
  assert.notEqual(dev2, dev);
  assert.equal(device(), dev2);
  const y = tensor([1, -1]);
  assert.deepEqual(Array.from(await relu(y).data()), [1, 0]);
  y.dispose();
  dev2.destroy();
});

Deno.test("`using` a device destroys it at the end of the scope", async () => {
  let kept;
  {
    using dev = await init();
    kept = dev;
    tensor([1, 2, 3]);
  }
  assert.equal(kept.destroyed, true);
  assert.throws(() => device(), destroyedError);
});
