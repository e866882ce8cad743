/**
 * Private: how `Optimizer.step()` groups its updates into dispatches. Parameters that share a
 * hyperparameter uniform go up to {@linkcode MULTI_SLOTS} per dispatch of the rule's `multi` entry
 * point (`shaders/_optim_step.wgsl`, over vec4s); the others, and a pack of one, get the one-tensor
 * kernel.
 * @module
 */
import type { Device, PooledBuffer, Tensor } from "../tensor/mod.ts";
import { layouts } from "../tensor/_shaders.ts";
import { packUniform } from "../tensor/_uniform.ts";
import { grid } from "./_gpu.ts";
import type { StepLaunch } from "./_optim_tune.ts";

const TABLE = layouts.optim_step.Table;

/** Parameters per dispatch of the `multi` entry point (5 storage buffers each). */
export const MULTI_SLOTS = layouts.optim_step.Table.fields.n.lanes;

/**
 * What the packer needs of an optimizer: its kernels (the launch variant the autotuner chose,
 * `_optim_tune.ts`: `multi` null when not packing) and each parameter's buffers.
 */
export interface StepKernels extends StepLaunch {
  params: readonly Tensor[];
  /** Per parameter: its 16-byte size uniform and its three state buffers (unused ones `d.dummy`). */
  meta: readonly PooledBuffer[];
  state: readonly PooledBuffer[][];
}

/** Records the updates of `jobs` ([parameter index, hyperparameter uniform]). */
export function dispatchSteps(d: Device, k: StepKernels, jobs: [number, PooledBuffer][]): void {
  const single = (i: number, u: PooledBuffer) => {
    const p = k.params[i]!;
    const v4 = k.vec4 && p.size % 4 === 0;
    if (p.buffer.size > d.maxBinding) {
      chunked(d, k, i, u);
      return;
    }
    const s = k.state[i]!;
    d.dispatch(
      v4 ? k.single4 : k.single,
      {
        H: u,
        M: k.meta[i]!,
        grad: p.grad!.buffer,
        param: p.buffer,
        state0: s[0]!,
        state1: s[1]!,
        state2: s[2]!,
      },
      grid(v4 ? p.size / 4 : p.size, k.wg),
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
      // Workgroups of k.wg vec4s. Slots past the chunk start at the end (no workgroup reaches them)
      // and bind the first slot's buffers again (a buffer may not be both read-only and writable).
      const start: number[] = [], count: number[] = [];
      let groups = 0;
      const buffers: Record<string, PooledBuffer> = { H: u };
      for (let slot = 0; slot < MULTI_SLOTS; slot++) {
        const i = chunk[slot] ?? chunk[0]!;
        start.push(groups);
        const p = k.params[i]!;
        const s = slot === 0 ? "" : String(slot), st = k.state[i]!;
        buffers[`grad${s}`] = p.grad!.buffer;
        buffers[`param${s}`] = p.buffer;
        for (let j = 0; j < 3; j++) buffers[`state${s}${j}`] = st[j]!;
        if (slot >= chunk.length) {
          count.push(0);
          continue;
        }
        count.push(Math.ceil(p.size / 4));
        groups += Math.ceil(p.size / 4 / k.wg);
      }
      buffers.TB = d.uniform(packUniform(TABLE, { start, n: count }));
      d.dispatch(k.multi!, buffers, grid(groups * k.wg, k.wg));
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
  const v4 = k.vec4 && p.size % 4 === 0;
  const per = Math.floor(d.maxBinding / 4 / 64) * 64;
  for (let s = 0; s < p.size; s += per) {
    const n = Math.min(per, p.size - s);
    const part = (b: PooledBuffer) => (b === d.dummy ? b : d.slice(b, s * 4, n * 4));
    const st = k.state[i]!;
    d.dispatch(
      v4 ? k.single4 : k.single,
      {
        H: u,
        M: d.uniform(packUniform(layouts.optim_hypers.Meta, { n })),
        grad: part(p.grad!.buffer),
        param: part(p.buffer),
        state0: part(st[0]!),
        state1: part(st[1]!),
        state2: part(st[2]!),
      },
      grid(v4 ? n / 4 : n, k.wg),
      () => `the optimizer update of ${p}`,
    );
  }
}
