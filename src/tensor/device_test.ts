import assert from "node:assert/strict";
import { testDevice } from "./_test_util.ts";
import { GpuError } from "./gpu_error.ts";
import { bucketSize } from "./_buffer_pool.ts";
import { tensor } from "./creation.ts";

const dev = await testDevice();

Deno.test("init() gives a device with the adapter's limits", () => {
  assert.ok(dev.gpu.limits.maxStorageBuffersPerShaderStage >= 8);
  assert.ok(dev.description.length > 0);
});

Deno.test("a WGSL compile error becomes a GpuError with the compiler's lines", async () => {
  dev.gpu.pushErrorScope("validation");
  const module = dev.gpu.createShaderModule({ code: "fn main( { oops }" });
  const err = await dev.gpu.popErrorScope();
  const info = await module.getCompilationInfo();
  assert.ok(err || info.messages.length > 0, "the compiler should reject the shader");
  // The device turns the same failure into a GpuError at the next check.
  await assert.rejects(
    (async () => {
      // deno-lint-ignore no-explicit-any
      const d = dev as any;
      const gen = await import("./_shaders.ts");
      (gen.shaders as Record<string, string>)["__broken"] =
        "@compute @workgroup_size(1) fn main() { let x: f32 = 1u; }";
      (gen.bindings as Record<string, unknown>)["__broken"] = { main: {} };
      try {
        d.kernel("__broken");
      } catch { /* reported asynchronously */ }
      await dev.checkErrors();
    })(),
    (e: Error) => e instanceof GpuError && e.message.includes("__broken"),
  );
});

Deno.test("buffers come from size buckets and are reused after dispose", () => {
  assert.equal(bucketSize(1), 256);
  assert.equal(bucketSize(300), 384);
  assert.equal(bucketSize(513), 768);
  const a = tensor(new Float32Array(100));
  const created = dev.stats().created;
  a.dispose();
  const b = tensor(new Float32Array(120));
  assert.equal(dev.stats().created, created, "a same-bucket request must reuse the freed buffer");
  b.dispose();
});
