/**
 * Private: lagged readback of per-batch GPU scalars (training losses) and of the values callbacks
 * ask for (`ctx.request`). Each batch's loss is copied into a slot of a small GPU ring, requested
 * values into the same ring after the loss slots; when the ring is full one readback is started for
 * the whole group and training goes on in the other ring (double buffering), so the CPU never waits
 * for the GPU on a batch. The values come back in batch order.
 *
 * A ring grows (a new buffer and one GPU copy) only when a request does not fit: during the first
 * batches that request, never after.
 * @module
 */

import { device, type Tensor, untrack, zeros } from "../tensor/mod.ts";

/** A requested value's place in its ring and who gets it. */
interface Req {
  offset: number;
  count: number;
  fn: (values: Float32Array) => void;
}

/** One group of values that came back. */
export interface RingGroup {
  /** The losses, in batch order. */
  losses: Float32Array;
  /** The requests of the group with their values, in request order. */
  requests: { fn: (values: Float32Array) => void; values: Float32Array }[];
}

const EMPTY: RingGroup = { losses: new Float32Array(0), requests: [] };

/** Two GPU rings of `size` loss slots (plus request slots), read a whole ring at a time. */
export class LossRing {
  readonly size: number;
  #rings: [Tensor, Tensor];
  #reqs: [Req[], Req[]] = [[], []];
  #used: [number, number] = [0, 0];
  #cur: 0 | 1 = 0;
  #fill = 0;
  #pending: Promise<RingGroup> | null = null;
  #ready: Promise<RingGroup> | null = null;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) {
      throw new RangeError(
        `Cannot read losses every ${size} batches: expected an integer in [1, 4096]`,
      );
    }
    this.size = size;
    this.#rings = [zeros([size]), zeros([size])];
  }

  /** Number of losses pushed and not handed out yet, pending reads included. */
  get buffered(): number {
    return this.#fill + (this.#pending ? this.size : 0);
  }

  /**
   * Copies the scalar `t` into the next slot (a GPU copy, recorded in order). When this fills the
   * ring, its readback starts, and the PREVIOUS group becomes what {@linkcode take} returns.
   */
  add(t: Tensor): void {
    const ring = this.#rings[this.#cur];
    device().copy(t.buffer, 0, ring.buffer, this.#fill * 4, 4);
    this.#fill++;
    if (this.#fill < this.size) return;
    this.#ready = this.#pending;
    this.#pending = this.#read(this.#cur, this.size);
    this.#cur = this.#cur === 0 ? 1 : 0;
    this.#fill = 0;
  }

  /**
   * Copies the float32 values of `t` into the current ring; `fn` gets them when the ring's group
   * comes back.
   */
  request(t: Tensor, fn: (values: Float32Array) => void): void {
    if (t.dtype !== "f32") {
      throw new TypeError(`Cannot request a ${t.dtype} tensor: expected float32 values`);
    }
    const c = this.#cur, n = t.size, at = this.size + this.#used[c];
    const d = device();
    let ring = this.#rings[c];
    if (at + n > ring.size) {
      // kept: requests come from inside the step's tidy(), the ring outlives it
      const bigger = untrack(zeros([Math.max(at + n, 2 * ring.size)]));
      d.copy(ring.buffer, 0, bigger.buffer, 0, at * 4);
      ring.dispose();
      ring = this.#rings[c] = bigger;
    }
    if (n > 0) d.copy(t.buffer, 0, ring.buffer, at * 4, n * 4);
    this.#reqs[c].push({ offset: at, count: n, fn });
    this.#used[c] += n;
  }

  /** The group made available by the last {@linkcode add} that filled a ring, or `null`. */
  async take(): Promise<RingGroup | null> {
    const r = this.#ready;
    this.#ready = null;
    return r ? await r : null;
  }

  /** Every value not handed out yet, in order (waits for the GPU). */
  async drain(): Promise<RingGroup> {
    const parts: RingGroup[] = [];
    for (const p of [this.#ready, this.#pending]) if (p) parts.push(await p);
    this.#ready = this.#pending = null;
    if (this.#fill > 0 || this.#reqs[this.#cur].length > 0) {
      parts.push(await this.#read(this.#cur, this.#fill));
    }
    this.#fill = 0;
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1) return parts[0]!;
    const losses = new Float32Array(parts.reduce((n, p) => n + p.losses.length, 0));
    let o = 0;
    for (const p of parts) {
      losses.set(p.losses, o);
      o += p.losses.length;
    }
    return { losses, requests: parts.flatMap((p) => p.requests) };
  }

  /**
   * The losses not handed out yet, read without consuming them (a readback: for checkpoints).
   */
  async peek(): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for (const p of [this.#ready, this.#pending]) if (p) parts.push((await p).losses);
    if (this.#fill > 0) {
      parts.push(
        new Float32Array(await device().read(this.#rings[this.#cur].buffer, 0, this.#fill * 4)),
      );
    }
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
    const ps = [this.#ready, this.#pending];
    this.#ready = this.#pending = null;
    this.#fill = 0;
    this.#reqs[this.#cur] = [];
    this.#used[this.#cur] = 0;
    for (const p of ps) if (p) await p.catch(() => {});
  }

  #read(c: 0 | 1, count: number): Promise<RingGroup> {
    const reqs = this.#reqs[c], used = this.#used[c];
    this.#reqs[c] = [];
    this.#used[c] = 0;
    const ring = this.#rings[c];
    const whole = used > 0 ? this.size + used : count;
    const p = device().read(ring.buffer, 0, whole * 4).then((bytes) => {
      const all = new Float32Array(bytes);
      return {
        losses: all.slice(0, count),
        requests: reqs.map((r) => ({ fn: r.fn, values: all.slice(r.offset, r.offset + r.count) })),
      };
    });
    p.catch(() => {}); // surfaced when awaited
    return p;
  }

  dispose(): void {
    for (const r of this.#rings) r.dispose();
  }
}
