/**
 * Private: the refcounted GPU storage behind tensor views (several views share one buffer), returned to
 * its device's pool when the last view is released (nothing to do once that device was destroyed), and
 * the lazy storage of a deferred result (`_fusion.ts`), which gets its buffer when first used.
 * @module
 */
import { type Device, device, type PooledBuffer } from "./device.ts";
import { maybeTrim } from "./memory.ts";

/** Shared, refcounted GPU storage of one or more tensor views. */
export class Storage {
  #buf: PooledBuffer | null;
  /**
   * @internal Smallest and largest value, when the host wrote all of them (i32 tensors, see
   * `Tensor.hostRange`); shared by the views of this storage.
   */
  hostRange: { min: number; max: number } | null = null;
  #refs = 1;
  #device: Device;
  /** Wraps `buf` (of the device `dev`) with a reference count of 1. */
  constructor(buf: PooledBuffer | null, dev: Device = device()) {
    this.#buf = buf;
    this.#device = dev;
  }
  /** The pooled GPU buffer; returned to the pool when the last reference is released. */
  get buf(): PooledBuffer {
    return this.#buf!;
  }
  /** Adds a reference (another view shares this storage); returns `this`. */
  retain(): this {
    this.#refs++;
    return this;
  }
  /** Drops a reference; the last one frees the storage. */
  release(): void {
    if (--this.#refs === 0) this.free();
  }
  /** Returns the buffer to the device's pool. */
  protected free(): void {
    const d = this.#device;
    if (d.destroyed || !this.#buf) return; // the device freed every buffer already
    d.pool.release(this.#buf);
    maybeTrim(d); // past the high-water mark, idle buffers go back to the device
  }
}

/** Storage borrowed from another tensor's buffer (a slab of it): releasing it returns nothing. */
export class BorrowedStorage extends Storage {
  protected override free(): void {}
}

/**
 * The storage of a deferred result: `compute()` runs the op when the buffer is first needed and gives
 * the storage holding its result (this one keeps a reference to it); `drop()` runs when the last view
 * is released before that (the op never runs).
 */
export class LazyStorage extends Storage {
  #real: Storage | null = null;
  #compute: () => Storage;
  #drop: () => void;
  constructor(compute: () => Storage, drop: () => void) {
    super(null);
    this.#compute = compute;
    this.#drop = drop;
  }
  /** Whether the op has run. */
  get computed(): boolean {
    return this.#real !== null;
  }
  override get buf(): PooledBuffer {
    this.#real ??= this.#compute();
    return this.#real.buf;
  }
  protected override free(): void {
    if (this.#real) this.#real.release();
    else this.#drop();
  }
}
