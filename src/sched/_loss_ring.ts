/**
 * Private: lagged readback of per-batch GPU scalars (training losses). Each batch's loss is copied
 * into a slot of a small GPU ring; when the ring is full one readback is started for the whole
 * group and training goes on in the other ring (double buffering), so the CPU never waits for the
 * GPU on a batch. The values come back in batch order.
 * @module
 */

import { device, type Tensor, zeros } from "../tensor/mod.ts";

/** Two GPU rings of `size` f32 slots, read a whole ring at a time. */
export class LossRing {
  readonly size: number;
  #rings: [Tensor, Tensor];
  #cur = 0;
  #fill = 0;
  #pending: Promise<Float32Array> | null = null;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) {
      throw new RangeError(
        `Cannot read losses every ${size} batches: expected an integer in [1, 4096]`,
      );
    }
    this.size = size;
    this.#rings = [zeros([size]), zeros([size])];
  }

  /** Number of values pushed and not handed out yet, pending reads included. */
  get buffered(): number {
    return this.#fill + (this.#pending ? this.size : 0);
  }

  /**
   * Copies the scalar `t` into the next slot (a GPU copy, recorded in order). Returns the values of
   * the PREVIOUS full ring when this push filled the current one (that is, with a lag of one group),
   * or `null`.
   */
  async push(t: Tensor): Promise<Float32Array | null> {
    const ring = this.#rings[this.#cur]!;
    device().copy(t.buffer, 0, ring.buffer, this.#fill * 4, 4);
    this.#fill++;
    if (this.#fill < this.size) return null;
    const previous = this.#pending;
    this.#pending = this.#read(ring, this.size);
    this.#cur ^= 1;
    this.#fill = 0;
    return previous ? await previous : null;
  }

  /** Every value not handed out yet, in order (waits for the GPU). */
  async drain(): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    if (this.#pending) parts.push(await this.#pending);
    this.#pending = null;
    if (this.#fill > 0) parts.push(await this.#read(this.#rings[this.#cur]!, this.#fill));
    this.#fill = 0;
    if (parts.length === 1) return parts[0]!;
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Forgets buffered values (after a stop) without reading them. */
  async discard(): Promise<void> {
    const p = this.#pending;
    this.#pending = null;
    this.#fill = 0;
    if (p) await p.catch(() => {});
  }

  async #read(ring: Tensor, count: number): Promise<Float32Array> {
    return new Float32Array(await device().read(ring.buffer, 0, count * 4));
  }

  dispose(): void {
    for (const r of this.#rings) r.dispose();
  }
}
