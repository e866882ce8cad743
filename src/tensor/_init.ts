/**
 * Creating tempo's one device: the adapter and device requests (asking for the adapter's own limits),
 * the caps `init()` options put on them, and `device()`, the accessor every op uses.
 * @module
 */
import { Device } from "./device.ts";
import { GpuError, NO_ADAPTER_MESSAGE } from "./gpu_error.ts";
import { checkInitOptions, type InitOptions, resolveLimits } from "./_limits.ts";
import { noteAdapter } from "./_adapter.ts";
import { setAutotune } from "./ops/_matmul_tune.ts";

let current: Device | null = null;
let pending: Promise<Device> | null = null;
let requested = "{}";
let destroyed = false;

/**
 * Requests the adapter and device once (asking for the adapter's own limits) and returns it. `opts` may
 * lower the limits tempo works within (`device().limits`), e.g. a small `maxStorageBufferBindingSize`
 * to test the ops' splitting with small tensors; caps above the adapter's limits are ignored. The first
 * call decides: a later call with other caps throws a `RangeError`. `autotune: true` turns on kernel
 * tuning in fits (`setAutotune`) whenever it is passed, the device new or not.
 *
 * @example Usage
 * ```ts
 * import { init, tensor } from "./mod.ts";
 * const dev = await init();
 * console.log(dev.limits.maxStorageBufferBindingSize);
 * const t = tensor([1, 2, 3]);
 * console.log(await t.data());
 * ```
 * @throws {GpuError} When no adapter or device can be had, with how to get one.
 * @throws {TypeError} On an unknown option.
 */
export function init(opts: InitOptions = {}): Promise<Device> {
  checkInitOptions(opts);
  // `autotune` is a setting, not a property of the device: it applies at once, whatever exists.
  const { autotune, ...limits } = opts;
  if (autotune !== undefined) setAutotune(autotune);
  const key = JSON.stringify(limits);
  if ((current || pending) && key !== "{}" && key !== requested) {
    throw new RangeError(
      `Cannot init() with options ${key}: the device already exists with options ${requested}`,
    );
  }
  if (current) return Promise.resolve(current);
  if (!pending) requested = key;
  pending ??= (async () => {
    destroyed = false;
    if (typeof navigator === "undefined" || !navigator.gpu) {
      throw new GpuError(NO_ADAPTER_MESSAGE + " (navigator.gpu is undefined)");
    }
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new GpuError(NO_ADAPTER_MESSAGE);
    const description = adapter.info.description || adapter.info.vendor || "unknown adapter";
    const l = adapter.limits;
    let gpu: GPUDevice;
    try {
      gpu = await adapter.requestDevice({
        // subgroup operations where the adapter has them (the autotuner's subgroup reduction)
        requiredFeatures: adapter.features.has("subgroups") ? ["subgroups" as GPUFeatureName] : [],
        requiredLimits: {
          maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
          maxBufferSize: l.maxBufferSize,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxTextureDimension2D: l.maxTextureDimension2D,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        },
      });
    } catch (e) {
      throw new GpuError(`Cannot create a WebGPU device on '${description}': ${e}`, { cause: e });
    }
    const dev = new Device(gpu, description, resolveLimits(gpu.limits, limits));
    current = dev;
    noteAdapter(dev, adapter.info);
    dev.onDestroy(() => {
      if (current !== dev) return;
      current = null;
      pending = null;
      requested = "{}";
      destroyed = true;
    });
    // Tear the device down in order when the program ends, rather than leaving the driver's
    // teardown to process exit (lavapipe has crashed there with live queues and buffers).
    globalThis.addEventListener?.("unload", () => {
      current?.flush();
      gpu.destroy();
    });
    return current;
  })();
  pending.catch(() => {
    pending = null;
  });
  return pending;
}

/** The device created by {@linkcode init}; throws a `GpuError` when `init()` was not awaited yet. */
export function device(): Device {
  if (!current) {
    throw new GpuError(
      destroyed
        ? "Cannot run a kernel: the device was destroyed (call `await init()` for a new one)"
        : "Cannot run a kernel before the device exists: call `await init()` first",
    );
  }
  return current;
}
