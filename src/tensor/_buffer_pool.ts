/**
 * Size-bucketed pool of storage buffers. Sizes round up to a bucket (powers of two and their 1.5x), so a
 * released buffer serves any later request of the same bucket. Released buffers can be reused at once:
 * every use of a buffer is a command on the one queue, so the GPU sees them in order. (Uploads through
 * `queue.writeBuffer` are the exception; the device flushes pending commands before one.)
 * @module
 */
import type { ErrorScopes } from "./_errors.ts";

/** A GPU buffer with a stable id (for bind-group caching) and its bucket size in bytes. */
export interface PooledBuffer {
  /** Stable id, unique within the pool. */
  readonly id: number;
  /** The GPU buffer. */
  readonly buffer: GPUBuffer;
  /** Size in bytes (the bucket size for pool buffers). */
  readonly size: number;
  /**
   * Byte offset of a slice of `buffer` (binding offsets must be multiples of 256); when set, bindings
   * cover `size` bytes from there. Pool buffers are whole buffers (no offset).
   */
  readonly offset?: number;
}

/** Counters of the pool. */
export interface PoolStats {
  /** Buffers created and not destroyed. */
  liveBuffers: number;
  /** Bytes of those buffers. */
  liveBytes: number;
  /** Buffers handed out and not yet released. */
  inUseBuffers: number;
  /** Bytes of those buffers. */
  inUseBytes: number;
  /** Buffers created since the start (never decreases). */
  created: number;
}

/** Rounds a byte size up to its bucket: 256 B minimum, then 2^k or 1.5 * 2^k. */
export function bucketSize(bytes: number): number {
  if (bytes <= 256) return 256;
  let p = 256;
  while (p < bytes) {
    if (p * 1.5 >= bytes) return p * 1.5;
    p *= 2;
  }
  return p;
}

/** Options of a {@linkcode BufferPool}. */
export interface PoolOptions {
  /** Largest buffer of the device: a bucket above it is cut to the request (rounded to 256 bytes). */
  maxBufferSize?: number;
  /** Error scopes around buffer creation (out-of-memory reported at the allocation). */
  scopes?: ErrorScopes;
  /** The id source (the device's one id space); by default the pool's own counter. */
  ids?: () => number;
}

/** Size-bucketed pool of storage buffers of one device; see the module doc. */
export class BufferPool {
  #device: GPUDevice;
  #maxBufferSize: number;
  #scopes: ErrorScopes | undefined;
  #free = new Map<number, PooledBuffer[]>();
  #ids: () => number;
  #live = new Set<PooledBuffer>();
  #stats: PoolStats = { liveBuffers: 0, liveBytes: 0, inUseBuffers: 0, inUseBytes: 0, created: 0 };
  /** Acquisitions so far (the pool's clock) and, per free buffer, the clock when it was released. */
  #clock = 0;
  #releasedAt = new WeakMap<PooledBuffer, number>();
  /** Usage flags of every pool buffer: storage, copy source and copy destination. */
  static readonly usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC |
    GPUBufferUsage.COPY_DST;

  /** Creates an empty pool of buffers of `device`. */
  constructor(device: GPUDevice, opts: PoolOptions = {}) {
    this.#device = device;
    this.#maxBufferSize = opts.maxBufferSize ?? device.limits.maxBufferSize;
    this.#scopes = opts.scopes;
    let next = 1;
    this.#ids = opts.ids ?? (() => next++);
  }

  /**
   * A free buffer of at least `bytes` bytes (its bucket size), created when none is free. `what` names
   * the allocation in an out-of-memory error (called only then).
   */
  acquire(bytes: number, what?: () => string): PooledBuffer {
    let size = bucketSize(bytes);
    if (size > this.#maxBufferSize) size = Math.ceil(bytes / 256) * 256;
    this.#clock++;
    const list = this.#free.get(size);
    let b = list?.pop();
    if (!b) {
      const create = () => this.#device.createBuffer({ size, usage: BufferPool.usage });
      const buffer = this.#scopes
        ? this.#scopes.guard(() => `Allocating ${what ? what() : `${size} bytes`}`, create)
        : create();
      b = { id: this.#ids(), buffer, size };
      this.#live.add(b);
      this.#stats.liveBuffers++;
      this.#stats.liveBytes += size;
      this.#stats.created++;
    }
    this.#stats.inUseBuffers++;
    this.#stats.inUseBytes += size;
    return b;
  }

  /** Returns `b` to the pool for reuse by a later request of its bucket. */
  release(b: PooledBuffer): void {
    this.#stats.inUseBuffers--;
    this.#stats.inUseBytes -= b.size;
    let list = this.#free.get(b.size);
    if (!list) this.#free.set(b.size, list = []);
    list.push(b);
    this.#releasedAt.set(b, this.#clock);
  }

  /** Acquisitions since the start (the clock of {@linkcode BufferPool.trimIdle}). */
  get clock(): number {
    return this.#clock;
  }

  /** Bytes of the free buffers (kept for reuse). */
  get freeBytes(): number {
    return this.#stats.liveBytes - this.#stats.inUseBytes;
  }

  /**
   * Destroys the free buffers released before acquisition number `before` (idle since), keeping
   * the recently used ones; returns how many. Call only with no pending commands.
   */
  trimIdle(before: number): number {
    let n = 0;
    for (const [size, list] of this.#free) {
      const keep = list.filter((b) => (this.#releasedAt.get(b) ?? 0) >= before);
      for (const b of list) {
        if ((this.#releasedAt.get(b) ?? 0) >= before) continue;
        b.buffer.destroy();
        this.#live.delete(b);
        this.#stats.liveBuffers--;
        this.#stats.liveBytes -= b.size;
        n++;
      }
      if (keep.length) this.#free.set(size, keep);
      else this.#free.delete(size);
    }
    return n;
  }

  /** Destroys every free buffer (call only with no pending commands). */
  trim(): number {
    let n = 0;
    for (const list of this.#free.values()) {
      for (const b of list) {
        b.buffer.destroy();
        this.#live.delete(b);
        this.#stats.liveBuffers--;
        this.#stats.liveBytes -= b.size;
        n++;
      }
    }
    this.#free.clear();
    return n;
  }

  /** Destroys every buffer of the pool, free or in use (the device is going away). */
  destroy(): void {
    for (const b of this.#live) b.buffer.destroy();
    this.#live.clear();
    this.#free.clear();
    this.#stats = { ...this.#stats, liveBuffers: 0, liveBytes: 0, inUseBuffers: 0, inUseBytes: 0 };
  }

  /** A snapshot of the pool's counters. */
  stats(): PoolStats {
    return { ...this.#stats };
  }
}
