import assert from "node:assert/strict";
import {
  bucketFloor,
  checkedBytes,
  checkFits,
  checkInitOptions,
  type DeviceLimits,
  fmtBytes,
  fmtLimit,
  resolveLimits,
} from "./_limits.ts";
import { bucketSize } from "./_buffer_pool.ts";
import { GpuError } from "./gpu_error.ts";

const limits: DeviceLimits = {
  maxStorageBufferBindingSize: 128 << 20,
  maxBufferSize: 2 ** 31,
  maxComputeWorkgroupsPerDimension: 65535,
  maxTextureDimension2D: 8192,
  minStorageBufferOffsetAlignment: 256,
};

Deno.test("checkedBytes names the shape, its bytes and the limit past maxBufferSize", () => {
  assert.equal(checkedBytes([2, 3], "f32", limits), 24);
  assert.equal(checkedBytes([], "f32", limits), 4);
  assert.throws(
    () => checkedBytes([40000, 40000, 4], "f32", limits),
    (e: Error) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot allocate a [40000,40000,4] f32 tensor (25.6 GB): the device's maxBufferSize is 2 GiB",
  );
  assert.throws(() => checkedBytes([2 ** 40, 2 ** 20], "i32", limits), /not a safe integer/);
});

Deno.test("bucketFloor is the largest pool bucket within a limit", () => {
  for (const lim of [1 << 20, 134217728, 2147483647, 3000, 100_000]) {
    const b = bucketFloor(lim);
    assert.ok(b <= lim && bucketSize(b) === b, `${lim} -> ${b}`);
    assert.ok(bucketSize(b + 1) > lim, `${lim}: a bigger bucket ${bucketSize(b + 1)} fits too`);
  }
});

Deno.test("init() options: caps only lower the adapter's limits; unknown keys are rejected", () => {
  const adapter = { ...limits } as unknown as GPUSupportedLimits;
  const r = resolveLimits(adapter, {
    maxStorageBufferBindingSize: 1 << 20,
    maxBufferSize: 2 ** 40,
  });
  assert.equal(r.maxStorageBufferBindingSize, 1 << 20);
  assert.equal(r.maxBufferSize, 2 ** 31);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => checkInitOptions({ maxBindingSize: 4 } as any), TypeError);
  assert.throws(() => checkInitOptions({ maxBufferSize: 10 }), RangeError);
  checkInitOptions({ autotune: true });
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => checkInitOptions({ autotune: 1 } as any),
    /init\(\) option autotune = 1: expected a boolean/,
  );
});

Deno.test("checkFits names the op, the binding and the limit", () => {
  assert.throws(
    () => checkFits(limits, "k", [16, 200 << 20], [1], () => "conv2d [32,64,56,56]"),
    (e: Error) =>
      e instanceof GpuError &&
      e.message === "Cannot run conv2d [32,64,56,56] (kernel 'k'): binding 1 would cover 210 MB, " +
          "over the device's maxStorageBufferBindingSize of 128 MiB",
  );
  assert.throws(() => checkFits(limits, "k", [], [70000]), /grid \[70000\] exceeds/);
  checkFits(limits, "k", [128 << 20], [65535, 65535]);
  assert.equal(fmtBytes(231_211_008), "231 MB");
  assert.equal(fmtLimit(3000), "3000 bytes (3 kB)");
});
