/**
 * The one place that owns the WebGPU device: adapter and device requests (with the adapter's limits),
 * the buffer pool, cached pipelines, uniforms and bind groups, and the command encoder that batches many
 * dispatches into one submit. Nothing here waits for the GPU except `read()`. The limits it works within
 * are in `_limits.ts`, its error scopes in `_errors.ts`; splitting an op that is too big for one binding
 * is the ops' business (`ops/_chunk.ts`), but a binding too big for the device is refused here, at the op.
 *
 * Ordering rule: `queue.writeBuffer` runs before any command not yet submitted, so `write()` flushes the
 * open encoder first; everything else is recorded in order and the GPU runs it in order.
 * @module
 */
import { BufferPool, type PooledBuffer, type PoolStats } from "./_buffer_pool.ts";
import { type ShaderName, shaders } from "./_shaders.ts";
import { GpuError } from "./gpu_error.ts";
import { ErrorScopes } from "./_errors.ts";
import {
  bucketFloor,
  checkFits,
  type DeviceLimits,
  fmtBytes,
  type InitOptions,
  resolveLimits,
} from "./_limits.ts";

export type { BufferPool, DeviceLimits, InitOptions, PooledBuffer, PoolStats, ShaderName, shaders };
export { device, init } from "./_init.ts";

/** A compiled compute pipeline with a stable id. */
export interface Kernel {
  /** Stable id (for bind-group caching). */
  readonly id: number;
  /** Cache key: shader name, entry point and override constants. */
  readonly name: string;
  /** The compiled pipeline. */
  readonly pipeline: GPUComputePipeline;
}

/** Counters for tests and benchmarks. */
export interface DeviceStats extends PoolStats {
  /** Pipelines compiled since start. */
  pipelinesCreated: number;
  /** Uniform buffers created since start. */
  uniformsCreated: number;
  /** Bind groups created since start. */
  bindGroupsCreated: number;
  /** Dispatches recorded since start. */
  dispatches: number;
  /** Command buffers submitted since start. */
  submits: number;
  /** Readbacks (`read()`) since start. */
  readbacks: number;
}

const MAX_DISPATCHES_PER_SUBMIT = 64;
const MAX_UNIFORMS = 4096;
const MAX_BIND_GROUPS = 8192;

/** The WebGPU device of tempo, created once by {@linkcode init}. */
export class Device {
  /** The underlying WebGPU device. */
  readonly gpu: GPUDevice;
  /** The adapter's description, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`. */
  readonly description: string;
  /** The pool every storage buffer of tempo comes from. */
  readonly pool: BufferPool;
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
  #kernels = new Map<string, Kernel>();
  #uniforms = new Map<string, PooledBuffer>();
  #bindGroups = new Map<string, GPUBindGroup>();
  #slices = new Map<string, PooledBuffer>();
  #scopes: ErrorScopes;
  #submitKernels = new Set<string>();
  #uncaptured: GPUError | null = null;
  #lost: string | null = null;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #inPass = 0;
  #nextId = 1_000_000;
  #counters = {
    pipelinesCreated: 0,
    uniformsCreated: 0,
    bindGroupsCreated: 0,
    dispatches: 0,
    submits: 0,
    readbacks: 0,
  };
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
    this.pool = new BufferPool(gpu, { maxBufferSize: limits.maxBufferSize, scopes: this.#scopes });
    this.dummy = this.pool.acquire(4);
    gpu.lost.then((info) => {
      this.#lost = `${info.reason}: ${info.message}`;
    });
    gpu.addEventListener("uncapturederror", (e) => {
      this.#uncaptured ??= (e as GPUUncapturedErrorEvent).error;
    });
  }

  /** Throws a `GpuError` when the device was lost. */
  #checkLost(): void {
    if (this.#lost !== null) {
      throw new GpuError(`Cannot use the WebGPU device: it was lost (${this.#lost})`);
    }
  }

  /** The pipeline of shader `name` with these override constants, compiled once and cached. */
  kernel(name: ShaderName, constants: Record<string, number> = {}, entryPoint = "main"): Kernel {
    const key = `${name}|${entryPoint}|${JSON.stringify(constants)}`;
    let k = this.#kernels.get(key);
    if (k) return k;
    this.#checkLost();
    const code = shaders[name];
    let module: GPUShaderModule;
    const pipeline = this.#scopes.guard(
      () => `Compiling kernel '${key}'`,
      () => {
        module = this.gpu.createShaderModule({ code, label: name });
        return this.gpu.createComputePipeline({
          label: key,
          layout: "auto",
          compute: { module, entryPoint, constants },
        });
      },
      async (err) => {
        const info = await module.getCompilationInfo();
        const lines = info.messages.map((m) =>
          `  [${m.type} at ${m.lineNum}:${m.linePos}] ${m.message}`
        );
        return err.message.trim() + (lines.length ? `\n${lines.join("\n")}` : "");
      },
    );
    this.#counters.pipelinesCreated++;
    k = { id: this.#nextId++, name: key, pipeline };
    this.#kernels.set(key, k);
    return k;
  }

  /** A uniform buffer holding `bytes`, shared by every caller with the same content. */
  uniform(data: ArrayBufferLike | ArrayBufferView): PooledBuffer {
    const bytes = ArrayBuffer.isView(data)
      ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
      : data;
    const u32 = new Uint32Array(bytes);
    const key = u32.join(",");
    const hit = this.#uniforms.get(key);
    if (hit) return hit;
    if (this.#uniforms.size >= MAX_UNIFORMS) this.#evictUniforms();
    const size = Math.max(16, Math.ceil(bytes.byteLength / 16) * 16);
    const buffer = this.gpu.createBuffer({
      size,
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(bytes));
    buffer.unmap();
    this.#counters.uniformsCreated++;
    const u = { id: this.#nextId++, buffer, size };
    this.#uniforms.set(key, u);
    return u;
  }

  #evictUniforms(): void {
    this.flush();
    for (const u of this.#uniforms.values()) u.buffer.destroy();
    this.#uniforms.clear();
    this.#bindGroups.clear();
  }

  /**
   * @internal The `bytes` bytes of `buf` from `byteOffset` (a multiple of
   * `limits.minStorageBufferOffsetAlignment`) as a buffer to bind, with a stable id for bind-group caching.
   */
  slice(buf: PooledBuffer, byteOffset: number, bytes: number): PooledBuffer {
    const offset = (buf.offset ?? 0) + byteOffset;
    if (offset === 0 && bytes === buf.size && buf.offset === undefined) return buf;
    const key = `${buf.id}:${offset}:${bytes}`;
    let s = this.#slices.get(key);
    if (!s) {
      if (this.#slices.size >= MAX_BIND_GROUPS) this.#slices.clear();
      s = { id: this.#nextId++, buffer: buf.buffer, size: bytes, offset };
      this.#slices.set(key, s);
    }
    return s;
  }

  /**
   * Records one dispatch of `kernel` with `buffers` bound at bindings 0.. in order (`null` skips a
   * binding the entry point does not use). `what` names the op and its shapes in errors (called only
   * when there is one). Throws a `GpuError` naming the op when a binding exceeds the device's limits.
   */
  dispatch(
    kernel: Kernel,
    buffers: (PooledBuffer | null)[],
    workgroups: [number, number?, number?],
    what?: () => string,
  ): void {
    this.#checkLost();
    let key = String(kernel.id);
    for (const b of buffers) key += "," + (b ? b.id : "-");
    let group = this.#bindGroups.get(key);
    if (!group) {
      checkFits(this.limits, kernel.name, buffers.map((b) => b?.size ?? 0), workgroups, what);
      if (this.#bindGroups.size >= MAX_BIND_GROUPS) this.#bindGroups.clear();
      group = this.#scopes.guard(
        () => `The bind group of ${what ? what() + " " : ""}(kernel '${kernel.name}')`,
        () =>
          this.gpu.createBindGroup({
            layout: kernel.pipeline.getBindGroupLayout(0),
            entries: buffers.flatMap((b, i) =>
              b
                ? [{
                  binding: i,
                  resource: b.offset === undefined
                    ? { buffer: b.buffer }
                    : { buffer: b.buffer, offset: b.offset, size: b.size },
                }]
                : []
            ),
          }),
      );
      this.#bindGroups.set(key, group);
      this.#counters.bindGroupsCreated++;
    } else if (
      workgroups[0] > 65535 || (workgroups[1] ?? 1) > 65535 || (workgroups[2] ?? 1) > 65535
    ) {
      checkFits(this.limits, kernel.name, [], workgroups, what);
    }
    this.#record(kernel, group, workgroups);
  }

  /**
   * Records one dispatch of `kernel` with explicit bind-group `entries` (texture views, buffer slices),
   * built only when the bind group named `key` (unique per distinct set of resources) is not cached.
   */
  dispatchEntries(
    kernel: Kernel,
    key: string,
    entries: () => GPUBindGroupEntry[],
    workgroups: [number, number?, number?],
    what?: () => string,
  ): void {
    this.#checkLost();
    const k = `${kernel.id}|${key}`;
    let group = this.#bindGroups.get(k);
    if (!group) {
      const list = entries();
      checkFits(
        this.limits,
        kernel.name,
        list.map((e) => {
          const r = e.resource as GPUBufferBinding;
          return r.buffer instanceof GPUBuffer ? r.size ?? r.buffer.size - (r.offset ?? 0) : 0;
        }),
        workgroups,
        what,
      );
      if (this.#bindGroups.size >= MAX_BIND_GROUPS) this.#bindGroups.clear();
      group = this.#scopes.guard(
        () => `The bind group of ${what ? what() + " " : ""}(kernel '${kernel.name}')`,
        () =>
          this.gpu.createBindGroup({
            layout: kernel.pipeline.getBindGroupLayout(0),
            entries: list,
          }),
      );
      this.#bindGroups.set(k, group);
      this.#counters.bindGroupsCreated++;
    }
    this.#record(kernel, group, workgroups);
  }

  #record(kernel: Kernel, group: GPUBindGroup, workgroups: [number, number?, number?]): void {
    this.#submitKernels.add(kernel.name);
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
      this.#submitKernels = new Set();
      this.#scopes.guard(
        () =>
          `A submit of kernels ${[...names].map((n) => `'${n}'`).join(", ") || "(copies only)"}`,
        () => this.gpu.queue.submit([encoder.finish()]),
      );
      this.#counters.submits++;
    }
    this.#inPass = 0;
  }

  /** Uploads `data` into `dst` at `byteOffset`, after every command recorded so far. */
  write(dst: PooledBuffer, data: ArrayBufferView, byteOffset = 0): void {
    this.#checkLost();
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
    return { ...this.pool.stats(), ...this.#counters };
  }
}
