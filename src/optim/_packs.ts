/**
 * Private: how `Optimizer.step()` groups its updates into dispatches. Parameters that share a
 * hyperparameter uniform go up to {@linkcode MULTI_SLOTS} per dispatch of the rule's `multi` entry
 * point (`shaders/_optim_step.wgsl`, over vec4s); the others, and a pack of one, get the one-tensor
 * kernel.
 * @module
 */
import type { Device, Kernel, PooledBuffer, Tensor } from "../tensor/mod.ts";
import { grid } from "./_gpu.ts";

/** Parameters per dispatch of the `multi` entry point (5 storage buffers each). */
export const MULTI_SLOTS = 4;

/** What the packer needs of an optimizer: its kernels and each parameter's buffers. */
export interface StepKernels {
  /** The scalar and vec4 one-tensor kernels, and `multi` (null: the device binds too few buffers). */
  single: Kernel;
  single4: Kernel;
  multi: Kernel | null;
  params: readonly Tensor[];
  /** Per parameter: its 16-byte size uniform and its three state buffers (unused ones `d.dummy`). */
  meta: readonly PooledBuffer[];
  state: readonly PooledBuffer[][];
}

/** Records the updates of `jobs` ([parameter index, hyperparameter uniform]). */
export function dispatchSteps(d: Device, k: StepKernels, jobs: [number, PooledBuffer][]): void {
  const single = (i: number, u: PooledBuffer) => {
    const p = k.params[i]!;
    const v4 = p.size % 4 === 0;
    if (p.buffer.size > d.maxBinding) {
      chunked(d, k, i, u);
      return;
    }
    d.dispatch(
      v4 ? k.single4 : k.single,
      [u, k.meta[i]!, p.grad!.buffer, p.buffer, ...k.state[i]!],
      grid(v4 ? p.size / 4 : p.size),
    );
  };
  // A size that is not a multiple of 4 joins a pack when every buffer it touches is a whole pool
  // buffer with room for the last vec4 (the update then also runs on up to 3 floats of padding,
  // which no one reads).
  const whole = (b: PooledBuffer, bytes: number) => b.offset === undefined && b.size >= bytes;
  const packable = (i: number) => {
    const p = k.params[i]!;
    if (p.buffer.size > d.maxBinding) return false;
    if (p.size % 4 === 0) return true;
    const bytes = Math.ceil(p.size / 4) * 16;
    return whole(p.buffer, bytes) && whole(p.grad!.buffer, bytes) &&
      k.state[i]!.every((b) => b === d.dummy || whole(b, bytes));
  };
  const packs = new Map<PooledBuffer, number[]>();
  for (const [i, u] of jobs) {
    if (!k.multi || !packable(i)) {
      single(i, u);
      continue;
    }
    const list = packs.get(u);
    if (list) list.push(i);
    else packs.set(u, [i]);
  }
  for (const [u, list] of packs) {
    for (let s = 0; s < list.length; s += MULTI_SLOTS) {
      const chunk = list.slice(s, s + MULTI_SLOTS);
      if (chunk.length === 1) {
        single(chunk[0]!, u);
        continue;
      }
      // Workgroups of 256 vec4s. Slots past the chunk start at the end (no workgroup reaches them)
      // and bind the first slot's buffers again (a buffer may not be both read-only and writable).
      const table = new Uint32Array(2 * MULTI_SLOTS);
      let groups = 0;
      const buffers: PooledBuffer[] = [];
      for (let slot = 0; slot < MULTI_SLOTS; slot++) {
        const i = chunk[slot] ?? chunk[0]!;
        table[slot] = groups;
        const p = k.params[i]!;
        buffers.push(p.grad!.buffer, p.buffer, ...k.state[i]!);
        if (slot >= chunk.length) continue;
        table[MULTI_SLOTS + slot] = Math.ceil(p.size / 4);
        groups += Math.ceil(p.size / 4 / 256);
      }
      d.dispatch(k.multi!, [u, d.uniform(table), ...buffers], grid(groups * 256));
    }
  }
}

/**
 * The update of parameter `i`, bigger than one storage binding, as dispatches over ranges of its
 * elements (each bound as a slice of the gradient, the parameter and its state; the element count of a
 * range is a uniform of the device's cache, so later steps create nothing).
 */
function chunked(d: Device, k: StepKernels, i: number, u: PooledBuffer): void {
  const p = k.params[i]!;
  const v4 = p.size % 4 === 0;
  const per = Math.floor(d.maxBinding / 4 / 64) * 64;
  for (let s = 0; s < p.size; s += per) {
    const n = Math.min(per, p.size - s);
    const part = (b: PooledBuffer) => (b === d.dummy ? b : d.slice(b, s * 4, n * 4));
    d.dispatch(
      v4 ? k.single4 : k.single,
      [
        u,
        d.uniform(new Uint32Array([n, 0, 0, 0])),
        part(p.grad!.buffer),
        part(p.buffer),
        ...k.state[i]!.map(part),
      ],
      grid(v4 ? n / 4 : n),
      () => `the optimizer update of ${p}`,
    );
  }
}
