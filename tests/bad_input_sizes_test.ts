/**
 * Tensors bigger than one storage binding, on a device opened with a 1 MiB cap on
 * `maxStorageBufferBindingSize` (so the tensors stay small): each op family splits its work and matches
 * its CPU reference; a tensor past `maxBufferSize` is a `RangeError` before any GPU work; a binding the
 * device refuses is a `GpuError` naming the op. Deno runs each test file in its own isolate, so the cap
 * holds for this file only.
 */
import assert from "node:assert/strict";
import { init } from "../src/tensor/device.ts";
import { full, ones, tensor } from "../src/tensor/creation.ts";
import { add, mul, relu, where } from "../src/tensor/ops/elementwise.ts";
import { slice } from "../src/tensor/ops/movement.ts";
import { assertClose, randArray } from "../src/tensor/_test_util.ts";
import { arr, mapRef, zipRef } from "../src/tensor/ops/_cpu_ref.ts";
import { GpuError } from "../src/tensor/gpu_error.ts";

const CAP = 1 << 20;
const dev = await init({ maxStorageBufferBindingSize: CAP, maxBufferSize: 64 << 20 });

Deno.test("init() caps the limits and exposes them as device().limits", () => {
  assert.equal(dev.limits.maxStorageBufferBindingSize, CAP);
  assert.equal(dev.limits.maxBufferSize, 64 << 20);
  assert.ok(dev.limits.maxComputeWorkgroupsPerDimension >= 65535);
  assert.ok(dev.limits.maxTextureDimension2D >= 2048);
  assert.throws(() => init({ maxBufferSize: 1 << 20 }), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => init({ maxStorage: 1 } as any), /Cannot use init\(\) option 'maxStorage'/);
});

Deno.test("a tensor past maxBufferSize is a RangeError naming its shape, bytes and the limit", () => {
  let before = dev.stats().created;
  assert.throws(
    () => ones([4000, 4000, 2]),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot create a [4000,4000,2] f32 tensor (128 MB): the device's maxBufferSize is 64 MiB",
  );
  assert.throws(() => full([2 ** 30, 2 ** 30], 0), /is not a safe integer/);
  assert.equal(dev.stats().created, before, "nothing was allocated");
  const x = ones([4000, 2000]), y = ones([1, 3, 1]); // 32 MB fits
  before = dev.stats().created;
  const dispatches = dev.stats().dispatches;
  assert.throws(
    () => mul(x.view([4000, 1, 2000]), y), // a 96 MB result
    /Cannot allocate a \[4000,3,2000\] f32 tensor \(96 MB\): the device's maxBufferSize is 64 MiB/,
  );
  assert.equal(dev.stats().created, before, "nothing was allocated");
  assert.equal(dev.stats().dispatches, dispatches, "nothing was dispatched");
  x.dispose();
  y.dispose();
});

Deno.test("elementwise ops split past the binding limit: same shape, scalar, odd sizes", async () => {
  for (const n of [300_000, 300_001, 700_003]) {
    const xa = randArray(n, 1), xb = randArray(n, 2);
    const a = tensor(xa), b = tensor(xb);
    const before = dev.stats().dispatches;
    const s = add(a, b);
    assert.ok(dev.stats().dispatches - before >= 2, "the add was split");
    const r = relu(a), k = add(a, 1);
    assertClose(await s.data(), zipRef(arr([n], xa), arr([n], xb), (x, y) => x + y).data, {
      what: `add of ${n}`,
    });
    assertClose(await r.data(), mapRef(arr([n], xa), (x) => Math.max(x, 0)).data);
    assertClose(await k.data(), mapRef(arr([n], xa), (x) => x + 1).data);
    for (const t of [a, b, s, r, k]) t.dispose();
  }
});

Deno.test("broadcasting ops and where split past the binding limit", async () => {
  const [m, n] = [700, 601];
  const xa = randArray(m * n, 3), xr = randArray(n, 4), xc = randArray(m, 5);
  const a = tensor(xa, { shape: [m, n] });
  const row = tensor(xr, { shape: [n] }), col = tensor(xc, { shape: [m, 1] });
  const y1 = add(a, row), y2 = mul(col, a);
  assertClose(await y1.data(), zipRef(arr([m, n], xa), arr([n], xr), (x, y) => x + y).data);
  assertClose(await y2.data(), zipRef(arr([m, 1], xc), arr([m, n], xa), (x, y) => x * y).data);
  const w = where(a, row, col);
  const ref = zipRef(
    zipRef(arr([m, n], xa), arr([n], xr), (c, x) => (c !== 0 ? x : NaN)),
    arr([m, 1], xc),
    (x, y) => Number.isNaN(x) ? y : x,
  );
  assertClose(await w.data(), ref.data);
  for (const t of [a, row, col, y1, y2, w]) t.dispose();
});

Deno.test("a strided view (slice) of a big tensor splits past the binding limit", async () => {
  const [m, n] = [800, 700];
  const xa = randArray(m * n, 6);
  const a = tensor(xa, { shape: [m, n] });
  const s = slice(a, [3, 5], [799, 690]);
  const ref = new Float32Array(796 * 685);
  for (let i = 0; i < 796; i++) {
    for (let j = 0; j < 685; j++) ref[i * 685 + j] = xa[(i + 3) * n + j + 5]!;
  }
  assertClose(await s.data(), ref);
  a.dispose();
  s.dispose();
});

Deno.test("a binding the device refuses is a GpuError naming the op, at that op", () => {
  const k = dev.kernel("unary", { OP: 0, CONTIG: 1 });
  const big = dev.pool.acquire(2 * CAP);
  assert.throws(
    () => dev.dispatch(k, [dev.dummy, big, big], [1], () => "copy of [524288]"),
    (e: Error) =>
      e instanceof GpuError &&
      /Cannot run copy of \[524288\] \(kernel 'unary\|main\|\{"OP":0,"CONTIG":1\}'\): binding 1 would cover 2\.1 MB, over the device's maxStorageBufferBindingSize of 1 MiB/
        .test(e.message),
  );
  dev.pool.release(big);
});
