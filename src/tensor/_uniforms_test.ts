/**
 * The shared uniforms' eviction: a uniform an op holds stays alive through one eviction (a deferred
 * op may run, and evict, between an op's `uniform()` and its dispatch) and is destroyed at the next.
 */
import assert from "node:assert/strict";
import { Uniforms } from "./_uniforms.ts";

interface FakeBuffer {
  destroyed: boolean;
  destroy(): void;
}

function fakeGpu(): GPUDevice {
  return {
    createBuffer: (d: GPUBufferDescriptor) => ({
      destroyed: false,
      destroy() {
        this.destroyed = true;
      },
      getMappedRange: () => new ArrayBuffer(d.size),
      unmap() {},
    }),
  } as unknown as GPUDevice;
}

Deno.test("uniforms: an evicted shared uniform lives until the eviction after", () => {
  let id = 1;
  const u = new Uniforms(fakeGpu(), () => id++, () => {});
  let evictions = 0;
  const evict = () => {
    evictions++;
    u.evictShared();
  };
  const held = u.shared(new Uint32Array([7, 7, 7, 7]).buffer, evict);
  const buf = held.buffer as unknown as FakeBuffer;
  let n = 0;
  while (evictions < 1) u.shared(new Uint32Array([n++, 0, 0, 0]).buffer, evict);
  assert.equal(buf.destroyed, false, "alive after the first eviction");
  while (evictions < 2) u.shared(new Uint32Array([n++, 1, 0, 0]).buffer, evict);
  assert.equal(buf.destroyed, true, "destroyed at the second");
  const again = u.shared(new Uint32Array([7, 7, 7, 7]).buffer, evict);
  assert.notEqual(again, held, "a fresh buffer for the same bytes");
  u.destroy();
  assert.equal((again.buffer as unknown as FakeBuffer).destroyed, true, "destroy() frees all");
});
