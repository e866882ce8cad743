/**
 * Private: the refcounted GPU storage behind tensor views (several views share one buffer), returned to
 * its device's pool when the last view is released (nothing to do once that device was destroyed).
 * @module
 */
import { type Device, device, type PooledBuffer } from "./device.ts";
import { maybeTrim } from "./memory.ts";

/** Shared, refcounted GPU storage of one or more tensor views. */
export class Storage {
  /** The pooled GPU buffer; returned to the pool when the last reference is released. */
  readonly buf: PooledBuffer;
  /**
   * @internal Smallest and largest value, when the host wrote all of them (i32 tensors, see
   * `Tensor.hostRange`); shared by the views of this storage.
   */
  hostRange: { min: number; max: number } | null = null;
  #refs = 1;
  #device: Device;
  /** Wraps `buf` (of the device `dev`) with a reference count of 1. */
  constructor(buf: PooledBuffer, dev: Device = device()) {
    this.buf = buf;
    this.#device = dev;
  }
  /** Adds a reference (another view shares this storage); returns `this`. */
  retain(): this {
    this.#refs++;
    return this;
  }
  /** Drops a reference; the last one returns the buffer to the device's pool. */
  release(): void {
    if (--this.#refs !== 0) return;
    const d = this.#device;
    if (d.destroyed) return; // the device freed every buffer already
    d.pool.release(this.buf);
    maybeTrim(d); // past the high-water mark, idle buffers go back to the device
  }
}

/** Storage borrowed from another tensor's buffer (a slab of it): releasing it returns nothing. */
export class BorrowedStorage extends Storage {
  override release(): void {}
}
