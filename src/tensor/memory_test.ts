import assert from "node:assert/strict";
import { init } from "./device.ts";
import { add, memoryStats, setPoolAutoTrim, tensor, trimPool, zeros } from "./mod.ts";

Deno.test("a disposed tensor's buffer goes back to the pool and is reused", async () => {
  await init();
  const a = zeros([1000]);
  const s0 = memoryStats();
  a.dispose();
  const s1 = memoryStats();
  assert.equal(s1.inUseBuffers, s0.inUseBuffers - 1);
  assert.equal(s1.inUseBytes, s0.inUseBytes - 4096); // 4000 bytes round up to the 4 KiB bucket
  assert.equal(s1.freeBytes, s0.freeBytes + 4096);
  const b = zeros([1000]); // same bucket: no new buffer
  assert.equal(memoryStats().created, s1.created);
  assert.equal(memoryStats().inUseBytes, s0.inUseBytes);
  b.dispose();
});

Deno.test("trimPool gives the free buffers back and keeps pending work intact", async () => {
  await init();
  const big = Array.from({ length: 8 }, () => zeros([1 << 18])); // 8 x 1 MiB
  const x = tensor([1, 2, 3]);
  const y = add(x, x); // recorded, not yet submitted
  x.dispose(); // x's buffer is free while y's command still reads it
  for (const t of big) t.dispose();
  const before = memoryStats();
  assert.ok(before.freeBytes >= 8 << 20, `free ${before.freeBytes}`);
  const r = trimPool();
  const after = memoryStats();
  assert.ok(r.buffers >= 9, `trimmed ${r.buffers} buffers`);
  assert.equal(r.bytes, before.freeBytes);
  assert.equal(after.freeBytes, 0);
  assert.equal(after.freeBuffers, 0);
  assert.equal(after.inUseBytes, before.inUseBytes);
  assert.deepEqual([...await y.data()], [2, 4, 6]);
  y.dispose();
  assert.deepEqual(trimPool(), { buffers: 1, bytes: 256 });
});

Deno.test("past the high-water mark the pool frees idle buffers, never those a loop reuses", async () => {
  const d = await init();
  trimPool();
  try {
    setPoolAutoTrim({ highWater: 1 << 20, idleAcquires: 64 });
    // a past working set: 4 MiB in buffers of a size the loop below never asks for
    const old = Array.from({ length: 4 }, () => zeros([1 << 18]));
    for (const t of old) t.dispose();
    assert.ok(memoryStats().freeBytes >= 4 << 20);
    // a steady loop: every step makes and disposes the same tensors
    const step = () => {
      const a = zeros([3000]), b = zeros([5000]);
      const c = add(a, a);
      a.dispose();
      b.dispose();
      c.dispose();
    };
    for (let i = 0; i < 40; i++) step();
    const mid = memoryStats();
    assert.ok(mid.freeBytes < 1 << 20, `the idle 4 MiB stayed: free ${mid.freeBytes}`);
    // the loop's own buffers survived the sweeps: more steps create nothing
    const created = d.pool.stats().created;
    for (let i = 0; i < 200; i++) step();
    assert.equal(d.pool.stats().created, created, "the loop lost buffers to the trim");
    // below the high-water mark nothing is freed, however idle
    setPoolAutoTrim({ highWater: 64 << 20, idleAcquires: 64 });
    const keep = zeros([1 << 18]);
    keep.dispose();
    for (let i = 0; i < 200; i++) step();
    assert.ok(memoryStats().freeBytes >= 1 << 20);
  } finally {
    assert.deepEqual(setPoolAutoTrim({}), { highWater: 256 * 2 ** 20, idleAcquires: 10_000 });
  }
  assert.throws(() => setPoolAutoTrim({ high_water: 1 } as never), /did you mean 'highWater'/);
  assert.throws(() => setPoolAutoTrim({ highWater: -1 }), RangeError);
  assert.throws(() => setPoolAutoTrim({ idleAcquires: 0 }), RangeError);
});
