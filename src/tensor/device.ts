/**
 * The one place that owns the WebGPU device and every GPU object tempo makes: the buffer pool
 * (`_buffer_pool.ts`), pipelines (`_kernels.ts`), uniforms (`_uniforms.ts`), bind groups, all numbered
 * in one id space and freed by `destroy()`; and the command encoder that batches many dispatches into
 * one submit. Dispatches bind buffers by the names their WGSL gives them (`_bind_groups.ts`). Nothing
 * here waits for the GPU except `read()`. The limits it works within are in `_limits.ts`, its error
 * scopes in `_errors.ts`; splitting an op that is too big for one binding is the ops' business
 * (`ops/_chunk.ts`), but a binding too big for the device is refused here, at the op.
 * Ordering rule: `queue.writeBuffer` runs before any command not yet submitted, so `write()` flushes the
 * open encoder first; everything else is recorded in order and the GPU runs it in order.
 * @module
 */
import { BufferPool, type PooledBuffer, type PoolStats } from "./_buffer_pool.ts";
import { type DeviceStats, logSubmit } from "./_device_stats.ts";
import type { ShaderName, shaders } from "./_shaders.ts";
import { type Kernel, Kernels } from "./_kernels.ts";
import { Uniforms } from "./_uniforms.ts";
import { BindGroups, type Bindings } from "./_bind_groups.ts";
import { debugLevel } from "./debug.ts";
import { GpuError } from "./gpu_error.ts";
import { ErrorScopes } from "./_errors.ts";
import {
  bucketFloor,
  type DeviceLimits,
  fmtBytes,
  type InitOptions,
  resolveLimits,
} from "./_limits.ts";

export type {
  Bindings,
  BufferPool,
  DeviceLimits,
  DeviceStats,
  InitOptions,
  Kernel,
  PooledBuffer,
  PoolStats,
  ShaderName,
  shaders,
};
export { device, init } from "./_init.ts";

const MAX_DISPATCHES_PER_SUBMIT = 64;

/**
 * The WebGPU device of tempo, created by {@linkcode init}. It owns every GPU object tempo makes (pool
 * buffers, uniforms, pipelines, bind groups, all numbered in one id space) and frees them all in
 * {@linkcode Device.destroy} (or `using dev = await init()`).
 */
export class Device {
  /** The underlying WebGPU device. */
  readonly gpu: GPUDevice;
  /** The adapter's description, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`. */
  readonly description: string;
  /** The pool every storage buffer of tempo comes from. */
  readonly pool: BufferPool;
  /** @internal Runs before any command or transfer is recorded (`_fusion.ts`: deferred results). */
  beforeWork: (() => void) | null = null;
  /** @internal When set, gets every buffer a command is about to write (`_fusion.ts`). */
  beforeWrite: ((buf: GPUBuffer | undefined) => void) | null = null;
  /**
   * The limits tempo works within: the adapter's, lowered by the caps given to `init()`. Ops split their
   * dispatches so that no binding exceeds `maxStorageBufferBindingSize`; no tensor exceeds `maxBufferSize`.
   */
  readonly limits: DeviceLimits;
  /**
   * @internal The largest binding the ops plan for: `limits.maxStorageBufferBindingSize` rounded down to
   * a pool bucket size, so a tensor whose bytes fit it has a buffer that can be bound whole.
   */
  readonly maxBinding: number;
  #ids = 1;
  #kernels: Kernels;
  #uniforms: Uniforms;
  #groups: BindGroups;
  #scopes: ErrorScopes;
  #submitKernels = new Map<string, number>();
  #uncaptured: GPUError | null = null;
  #lost: string | null = null;
  #destroyed = false;
  #onDestroy: (() => void)[] = [];
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #inPass = 0;
  #counters = { dispatches: 0, submits: 0, readbacks: 0 };
  /** A 4-byte buffer bound where a kernel's optional input is absent. */
  readonly dummy: PooledBuffer;

  /**
   * Wraps the device `gpu` (working within `limits`, by default its own): creates its buffer pool and
   * watches for loss and uncaptured errors.
   */
  constructor(
    gpu: GPUDevice,
    description: string,
    limits: DeviceLimits = resolveLimits(gpu.limits),
  ) {
    this.gpu = gpu;
    this.description = description;
    this.limits = limits;
    this.maxBinding = bucketFloor(limits.maxStorageBufferBindingSize);
    this.#scopes = new ErrorScopes(gpu);
    const ids = () => this.#ids++;
    this.pool = new BufferPool(gpu, {
      maxBufferSize: limits.maxBufferSize,
      scopes: this.#scopes,
      ids,
    });
    this.#kernels = new Kernels(gpu, this.#scopes, ids);
    this.#uniforms = new Uniforms(gpu, ids, () => this.#checkLost());
    this.dummy = this.pool.acquire(4);
    this.#groups = new BindGroups(gpu, this.#scopes, limits, this.pool, this.dummy);
    gpu.lost.then((info) => {
      this.#lost ??= `${info.reason}: ${info.message}`;
    });
    gpu.addEventListener("uncapturederror", (e) => {
      this.#uncaptured ??= (e as GPUUncapturedErrorEvent).error;
    });
  }

  /** @internal A fresh id of the device's one id space (pool buffers, uniforms, slices, kernels). */
  nextId(): number {
    return this.#ids++;
  }

  /** Throws a `GpuError` when the device was destroyed or lost. */
  #checkLost(): void {
    if (this.#destroyed) {
      throw new GpuError(
        "Cannot use the WebGPU device: it was destroyed (call `await init()` for a new one)",
      );
    }
    if (this.#lost !== null) {
      throw new GpuError(`Cannot use the WebGPU device: it was lost (${this.#lost})`);
    }
  }

  /** Whether {@linkcode Device.destroy} was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** The pipeline of shader `name` at `entryPoint` with these override constants, compiled once. */
  kernel(name: ShaderName, constants: Record<string, number> = {}, entryPoint = "main"): Kernel {
    this.#checkLost();
    return this.#kernels.get(name, constants, entryPoint);
  }

  /** A uniform buffer holding `bytes`, shared by every caller with the same content. */
  uniform(data: ArrayBufferLike | ArrayBufferView): PooledBuffer {
    this.#checkLost();
    const bytes = ArrayBuffer.isView(data)
      ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
      : data;
    return this.#uniforms.shared(bytes as ArrayBuffer, () => {
      this.flush();
      this.#uniforms.evictShared();
      this.#groups.clear();
    });
  }

  /**
   * @internal The device's uniforms, for writable ones (`uniforms.writable`, `uniforms.slots`, freed by
   * `uniforms.release` or `destroy()`), e.g. an optimizer's hyperparameters.
   */
  get uniforms(): Uniforms {
    return this.#uniforms;
  }

  /**
   * @internal The `bytes` bytes of `buf` from `byteOffset` (a multiple of
   * `limits.minStorageBufferOffsetAlignment`) as a buffer to bind, with a stable id for bind-group caching.
   */
  slice(buf: PooledBuffer, byteOffset: number, bytes: number): PooledBuffer {
    return this.#groups.slice(buf, byteOffset, bytes, () => this.#ids++);
  }

  /**
   * Records one dispatch of `kernel` with `buffers` bound by the names its WGSL gives them (every
   * binding its entry point uses, no other: a wrong or missing name is a `TypeError`). `what` names the
   * op and its shapes in errors (called only when there is one). Throws a `GpuError` naming the op
   * when a binding exceeds the device's limits.
   */
  dispatch(
    kernel: Kernel,
    buffers: Bindings,
    workgroups: [number, number?, number?],
    what?: () => string,
  ): void {
    this.#beforeKernel(kernel, (name) => buffers[name]?.buffer);
    this.#record(kernel, this.#groups.ofBuffers(kernel, buffers, workgroups, what), workgroups);
  }

  /**
   * Records one dispatch of `kernel` with explicit resources by binding name (texture views, buffer
   * slices), built only when the bind group named `key` (unique per distinct set of resources) is not
   * cached. Names are checked as in {@linkcode Device.dispatch}.
   */
  dispatchEntries(
    kernel: Kernel,
    key: string,
    resources: () => Readonly<Record<string, GPUBindingResource>>,
    workgroups: [number, number?, number?],
    what?: () => string,
  ): void {
    let res: Readonly<Record<string, GPUBindingResource>> | undefined; // built once, if needed
    this.#beforeKernel(kernel, (n) => ((res ??= resources())[n] as GPUBufferBinding)?.buffer);
    const group = this.#groups.ofEntries(kernel, key, resources, workgroups, what);
    this.#record(kernel, group, workgroups);
  }

  /** The fusion's hooks (see `beforeWork`, `beforeWrite`) for a dispatch of `kernel`. */
  #beforeKernel(kernel: Kernel, bufferOf: (name: string) => GPUBuffer | undefined): void {
    this.#checkLost();
    this.beforeWork?.();
    const onWrite = this.beforeWrite; // (it may unset itself)
    for (const n of onWrite ? kernel.writes : []) onWrite!(bufferOf(n));
  }

  #record(kernel: Kernel, group: GPUBindGroup, workgroups: [number, number?, number?]): void {
    if (debugLevel) {
      this.#submitKernels.set(kernel.name, (this.#submitKernels.get(kernel.name) ?? 0) + 1);
    } else if (!this.#submitKernels.has(kernel.name)) this.#submitKernels.set(kernel.name, 0);
    if (!this.#pass) {
      this.#encoder ??= this.gpu.createCommandEncoder();
      this.#pass = this.#encoder.beginComputePass();
    }
    this.#pass.setPipeline(kernel.pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    this.#counters.dispatches++;
    if (++this.#inPass >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
  }

  /** Records a buffer-to-buffer copy (sizes and offsets in bytes, multiples of 4). */
  copy(src: PooledBuffer, srcOffset: number, dst: PooledBuffer, dstOffset: number, bytes: number) {
    this.#checkLost();
    this.beforeWork?.();
    this.beforeWrite?.(dst.buffer);
    this.#endPass();
    this.#encoder ??= this.gpu.createCommandEncoder();
    this.#encoder.copyBufferToBuffer(src.buffer, srcOffset, dst.buffer, dstOffset, bytes);
  }

  /** Records a copy of `src` (rows of `bytesPerRow`, a multiple of 256) into `texture` at the origin. */
  copyToTexture(
    src: PooledBuffer,
    bytesPerRow: number,
    texture: GPUTexture,
    size: [number, number],
  ) {
    this.#checkLost();
    this.beforeWork?.();
    this.#endPass();
    this.#encoder ??= this.gpu.createCommandEncoder();
    this.#encoder.copyBufferToTexture(
      { buffer: src.buffer, offset: src.offset ?? 0, bytesPerRow },
      { texture },
      size,
    );
  }

  #endPass(): void {
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
  }

  /** Submits every recorded command. Cheap; never waits for the GPU. */
  flush(): void {
    this.#endPass();
    if (this.#encoder) {
      const encoder = this.#encoder;
      this.#encoder = null;
      const names = this.#submitKernels;
      this.#submitKernels = new Map();
      this.#scopes.guard(
        () =>
          `A submit of kernels ${
            [...names.keys()].map((n) => `'${n}'`).join(", ") || "(copies only)"
          }`,
        () => this.gpu.queue.submit([encoder.finish()]),
      );
      this.#counters.submits++;
      if (debugLevel) logSubmit(this.#counters.submits, names, this.pool);
    }
    this.#inPass = 0;
  }

  /** Uploads `data` into `dst` at `byteOffset`, after every command recorded so far. */
  write(dst: PooledBuffer, data: ArrayBufferView, byteOffset = 0): void {
    this.#checkLost();
    this.beforeWork?.();
    this.beforeWrite?.(dst.buffer);
    if (this.#encoder) this.flush();
    this.gpu.queue.writeBuffer(
      dst.buffer,
      (dst.offset ?? 0) + byteOffset,
      data.buffer as ArrayBuffer,
      data.byteOffset,
      data.byteLength,
    );
  }

  /** Reads `bytes` bytes of `src` back to the CPU. The only place tempo waits for the GPU. */
  async read(src: PooledBuffer, byteOffset: number, bytes: number): Promise<ArrayBuffer> {
    this.#checkLost();
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.#scopes.guard(
      () => `Reading back ${fmtBytes(bytes)}`,
      () =>
        this.gpu.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    );
    try {
      this.copy(src, byteOffset, { id: 0, buffer: staging, size }, 0, size);
      this.flush();
      this.#counters.readbacks++;
      await this.checkErrors();
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0, bytes);
    } finally {
      staging.destroy();
    }
  }

  /**
   * Waits for the open error scopes and throws the first device error seen, as a `GpuError` naming the
   * op that caused it.
   */
  async checkErrors(): Promise<void> {
    await this.#scopes.check();
    if (this.#uncaptured) {
      const err = this.#uncaptured;
      this.#uncaptured = null;
      throw new GpuError(`The WebGPU device reported an error: ${err.message.trim()}`, {
        cause: err,
      });
    }
    this.#checkLost();
  }

  /** Waits until the GPU has finished all submitted work. */
  async sync(): Promise<void> {
    this.flush();
    await this.checkErrors();
    await this.gpu.queue.onSubmittedWorkDone();
  }

  /** Buffer, pipeline and command counters. */
  stats(): DeviceStats {
    return {
      ...this.pool.stats(),
      pipelinesCreated: this.#kernels.created,
      uniformsCreated: this.#uniforms.created,
      bindGroupsCreated: this.#groups.created,
      ...this.#counters,
    };
  }

  /** @internal Runs `f` once when the device is destroyed (`init()` forgets it). */
  onDestroy(f: () => void): void {
    this.#onDestroy.push(f);
  }

  /**
   * Frees every GPU object of the device: the pool's buffers (every tensor's memory), the uniforms
   * (optimizers' included), pipelines and bind groups, then the WebGPU device itself. Any later use
   * throws a `GpuError` saying the device was destroyed; `init()` afterwards creates a new device.
   * Calling it twice does nothing.
   *
   * @example Usage
   * ```ts ignore
   * { using dev = await init(); runTraining(dev); } // every GPU object freed here
   * ```
   */
  destroy(): void {
    if (this.#destroyed) return;
    try {
      if (this.#lost === null) this.flush();
    } finally {
      this.#destroyed = true;
      this.#encoder = null;
      this.#pass = null;
      this.#groups.clear();
      this.#kernels.clear();
      this.#uniforms.destroy();
      this.pool.destroy();
      this.gpu.destroy();
      for (const f of this.#onDestroy.splice(0)) f();
    }
  }

  /** {@linkcode Device.destroy}, for `using`. */
  [Symbol.dispose](): void {
    this.destroy();
  }
}
