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

Deno.test("dispatches bind by the WGSL's names: a wrong or missing name is a TypeError", () => {
  const k = dev.kernel("unary", { OP: 1, CONTIG: 1 });
  assert.deepEqual(k.slots, ["P", "a", "out"]);
  const a = dev.pool.acquire(1024), b = dev.pool.acquire(1024);
  const u = dev.uniform(new Uint32Array(40));
  assert.throws(
    () => dev.dispatch(k, { P: u, a }, [1]),
    (e: Error) =>
      e instanceof TypeError && /binding 'out' is missing \(expected P, a, out\)/.test(e.message),
  );
  assert.throws(
    () => dev.dispatch(k, { P: u, a, out: b, b }, [1]),
    (e: Error) =>
      e instanceof TypeError && /it has no binding 'b' \(expected P, a, out\)/.test(e.message),
  );
  assert.throws(
    () => dev.kernel("unary", {}, "nope"),
    (e: Error) =>
      e instanceof TypeError &&
      /has no entry point 'nope' \(expected one of main\)/.test(e.message),
  );
  dev.pool.release(a);
  dev.pool.release(b);
});

Deno.test("pool buffers, uniforms, slices and kernels share one id space", () => {
  const ids = new Set<number>();
  const add = (id: number) => {
    assert.ok(!ids.has(id), `id ${id} given twice`);
    ids.add(id);
  };
  const p = dev.pool.acquire(1 << 20);
  add(p.id);
  add(dev.uniform(new Uint32Array([123456789, 1, 2, 3])).id);
  const w = dev.uniforms.writable(64);
  add(w.id);
  add(dev.slice(p, 256, 256).id);
  add(dev.kernel("unary", { OP: 2, CONTIG: 1, WG: 128 }).id);
  const { whole, slots } = dev.uniforms.slots(2, 64, new Uint8Array(512));
  add(whole.id);
  for (const s of slots) add(s.id);
  dev.uniforms.release(w);
  dev.uniforms.release(whole);
  dev.pool.release(p);
});
