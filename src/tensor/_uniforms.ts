/**
 * Private: the uniform buffers of a device. Two kinds, both owned by the device (freed by
 * `Device.destroy()`) and numbered in its one id space:
 * - immutable ones, shared by content (`Device.uniform`): kernel parameters, created once per distinct
 *   value, evicted all together past {@linkcode MAX_UNIFORMS} (and destroyed at the eviction after
 *   that, so a uniform an op holds while other work is recorded, e.g. a deferred op, stays valid);
 * - writable ones (`UNIFORM | COPY_DST`), e.g. an optimizer's hyperparameters: one buffer each, or one
 *   buffer of 256-byte slots updated by one write, freed by `release`.
 * @module
 */
import type { PooledBuffer } from "./_buffer_pool.ts";

const MAX_UNIFORMS = 4096;

/** Binding-offset alignment of uniform slots (WebGPU's default `minUniformBufferOffsetAlignment`). */
export const UNIFORM_ALIGN = 256;

/** The uniform buffers of one device; see the module doc. */
export class Uniforms {
  #gpu: GPUDevice;
  #ids: () => number;
  #check: () => void;
  #shared = new Map<string, PooledBuffer>();
  /** The previous generation of shared uniforms, evicted but not yet destroyed. */
  #evicted: PooledBuffer[] = [];
  #owned = new Set<GPUBuffer>();
  /** Immutable uniforms created since the start. */
  created = 0;

  /** `check` throws when the device can no longer create buffers (destroyed or lost). */
  constructor(gpu: GPUDevice, ids: () => number, check: () => void) {
    this.#gpu = gpu;
    this.#ids = ids;
    this.#check = check;
  }

  /** The shared uniform holding `bytes`; `evict` runs first when the cache is full. */
  shared(bytes: ArrayBuffer, evict: () => void): PooledBuffer {
    const key = new Uint32Array(bytes).join(",");
    const hit = this.#shared.get(key);
    if (hit) return hit;
    if (this.#shared.size >= MAX_UNIFORMS) evict();
    const size = Math.max(16, Math.ceil(bytes.byteLength / 16) * 16);
    const buffer = this.#create(size, GPUBufferUsage.UNIFORM, new Uint8Array(bytes));
    this.created++;
    const u = { id: this.#ids(), buffer, size };
    this.#shared.set(key, u);
    return u;
  }

  /**
   * Forgets the shared uniforms (call after a flush; bind groups naming them must go too) and
   * destroys the generation evicted before them.
   */
  evictShared(): void {
    for (const u of this.#evicted) u.buffer.destroy();
    this.#evicted = [...this.#shared.values()];
    this.#shared.clear();
  }

  /** A writable uniform of `bytes` (rounded up to 16), filled with `init` when given. */
  writable(bytes: number, init?: ArrayBufferView): PooledBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const view = init && new Uint8Array(init.buffer, init.byteOffset, init.byteLength);
    const buffer = this.#create(size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, view);
    this.#owned.add(buffer);
    return { id: this.#ids(), buffer, size };
  }

  /**
   * ONE writable buffer of `count` slots of `bytes` each, {@linkcode UNIFORM_ALIGN} apart, filled from
   * `init`, and a bindable slice per slot: all of them are updated by one write of `whole`.
   */
  slots(
    count: number,
    bytes: number,
    init: Uint8Array,
  ): { whole: PooledBuffer; slots: PooledBuffer[] } {
    const size = Math.max(1, count) * UNIFORM_ALIGN;
    const buffer = this.#create(
      size,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      init.subarray(0, size),
    );
    this.#owned.add(buffer);
    const whole = { id: this.#ids(), buffer, size };
    const slots = Array.from({ length: count }, (_, i) => ({
      id: this.#ids(),
      buffer,
      size: bytes,
      offset: i * UNIFORM_ALIGN,
    }));
    return { whole, slots };
  }

  /** Frees a writable uniform (or the buffer of a slot set). */
  release(u: PooledBuffer): void {
    if (this.#owned.delete(u.buffer)) u.buffer.destroy();
  }

  /** Writable uniforms alive. */
  get ownedCount(): number {
    return this.#owned.size;
  }

  /** Frees every uniform. */
  destroy(): void {
    this.evictShared();
    this.evictShared();
    for (const b of this.#owned) b.destroy();
    this.#owned.clear();
  }

  #create(size: number, usage: number, init?: Uint8Array): GPUBuffer {
    this.#check();
    const buffer = this.#gpu.createBuffer({ size, usage, mappedAtCreation: init !== undefined });
    if (init) {
      new Uint8Array(buffer.getMappedRange()).set(init);
      buffer.unmap();
    }
    return buffer;
  }
}
