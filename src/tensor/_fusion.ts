/**
 * Private: the engine's fusion of an op with the epilogue that follows it, for any module (no
 * `Sequential` or `instanceof` needed). `linear`, `conv2d` and `conv2dBatchNorm` return a deferred
 * result: a tensor whose storage is lazy (`LazyStorage`) and whose op sits in a one-op slot. The next
 * thing the program does decides:
 * - a consumer that can absorb it (`relu` after `linear` or after conv + batch norm, training-mode
 *   `batchNorm` after `conv2d`) takes it out of the slot and runs the fused kernel instead;
 * - anything else (any command, transfer or readback, or disposing one of its inputs) runs it first,
 *   as it was written, so the GPU sees commands in program order; a result disposed unread never runs.
 *
 * A taken result stays readable: it keeps references to its inputs and runs its op when first used.
 * If one of those inputs is written in place before that (an optimizer step), its value would differ
 * from what the program saw, so reading it then throws a `ReferenceError` saying so, never a stale value.
 * What it does not do: fuse across more than one pending op, or run ops out of order.
 * @module
 */
import { type Device, device } from "./device.ts";
import { isGradEnabled, needsGrad, noGrad } from "./autograd.ts";
import { untrack } from "./scope.ts";
import { LazyStorage } from "./_storage.ts";
import { setDisposeHook, Tensor } from "./tensor.ts";
import type { BatchNormOptions } from "./ops/batch_norm.ts";

/** Epilogues a deferred op can absorb; each returns the fused result, or null to decline. */
export interface Epilogues {
  /** `relu(result)`, fused. */
  relu?: () => Tensor;
  /** `batchNorm(result, opts)` (training), fused; null when it does not apply. */
  batchNorm?: (opts: BatchNormOptions) => Tensor | null;
}

interface Pending {
  readonly op: string;
  readonly out: Tensor;
  /** The op's inputs (graph inputs), and untracked views that keep their storage alive. */
  readonly inputs: readonly Tensor[];
  kept: Tensor[];
  readonly grad: boolean;
  /** Runs the op eagerly on `ts` (the inputs, or their kept views); `taken` after a fusion. */
  readonly run: (ts: readonly Tensor[], taken: boolean) => Tensor;
  readonly epilogues: Epilogues;
  taken: boolean;
  /** Why the result can no longer be computed (an input was written after the fusion). */
  stale: string | null;
}

let enabled = true;
let slot: Pending | null = null;
/** Taken results not yet computed, by the GPU buffers of their inputs. */
const watch = new Map<GPUBuffer, Set<Pending>>();
let hooked: Device | null = null;

/**
 * Turns the engine's fusion on or off (on by default). On, `linear` followed by `relu`, and `conv2d`
 * followed by a training-mode `batchNorm` (and a `relu`), run as one fused kernel in any module; off,
 * every op runs when it is called (for debugging or profiling op by op).
 *
 * @example Usage
 * ```ts
 * import { init, setFusion } from "./mod.ts";
 * await init();
 * setFusion(false); // every op runs on its own
 * setFusion(true);
 * ```
 */
export function setFusion(on: boolean): void {
  if (typeof on !== "boolean") {
    throw new TypeError(`Cannot setFusion(${String(on)}): expected true or false`);
  }
  flushPending();
  enabled = on;
}

/** Whether the engine fuses ops with their epilogues. */
export function fusionEnabled(): boolean {
  return enabled;
}

/** Runs the op in the slot, if any (before other work, and before `dispose()` of one of its inputs). */
export function flushPending(): void {
  const p = slot;
  if (p) p.out.buffer; // computes it (and empties the slot)
}

function hook(d: Device): void {
  if (hooked === d) return;
  hooked = d;
  slot = null;
  watch.clear();
  d.beforeWork = flushPending;
  setDisposeHook((t) => {
    if (slot && slot.inputs.includes(t) && slot.out !== t) flushPending();
  });
  d.onDestroy(() => {
    if (hooked === d) hooked = null;
    slot = null;
    watch.clear();
  });
}

function release(p: Pending): void {
  for (const k of p.kept) k.dispose();
  p.kept = [];
}

function unwatch(p: Pending): void {
  if (!p.taken) return;
  for (const k of p.kept) {
    const set = watch.get(k.buffer.buffer);
    set?.delete(p);
    if (set?.size === 0) watch.delete(k.buffer.buffer);
  }
  if (watch.size === 0 && hooked) hooked.beforeWrite = null;
}

function onWrite(buf: GPUBuffer | undefined): void {
  const set = buf && watch.get(buf);
  if (!set) return;
  for (const p of [...set]) {
    unwatch(p);
    release(p);
    p.stale =
      `Cannot use tensor #${p.out.id} [${p.out.shape}]: it is the result of ${p.op}, which ` +
      "the engine fused into the next op without computing it, and one of its inputs was written " +
      "in place since (e.g. by an optimizer step). Read it before that, or call setFusion(false)";
  }
}

function compute(p: Pending): ReturnType<Tensor["retainStorage"]> {
  if (slot === p) slot = null;
  if (p.stale) throw new ReferenceError(p.stale);
  unwatch(p);
  const live = p.inputs.every((t) => !t.disposed);
  // An input disposed after the fusion: its kept view stands in (no gradient flows to it then).
  const r = untrack(
    p.grad && live
      ? p.run(p.inputs, p.taken)
      : noGrad(() => p.run(live ? p.inputs : p.kept, p.taken)),
  );
  p.out.node = r.node;
  r.node = null;
  const storage = r.retainStorage();
  r.dispose();
  release(p);
  return storage;
}

/**
 * @internal The result of `op` on `inputs`, deferred (see the module doc): `run` computes it eagerly,
 * `epilogues` are what a consumer may fuse it with. Shapes must be checked before calling.
 */
export function deferred(
  op: string,
  shape: readonly number[],
  inputs: readonly Tensor[],
  run: (ts: readonly Tensor[], taken: boolean) => Tensor,
  epilogues: Epilogues,
): Tensor {
  if (!enabled) return run(inputs, false);
  const d = device();
  hook(d);
  flushPending();
  const kept = inputs.map((t) => untrack(t.view(t.shape)));
  let p: Pending | null = null;
  const storage = new LazyStorage(() => compute(p!), () => {
    if (slot === p) slot = null;
    unwatch(p!);
    release(p!);
  });
  const out = new Tensor(storage, shape, "f32", needsGrad(...inputs));
  p = { op, out, inputs, kept, grad: isGradEnabled(), run, epilogues, taken: false, stale: null };
  slot = p;
  return out;
}

/**
 * @internal Fuses `x`, when it is the deferred result in the slot and its op offers `epilogue`, with
 * that epilogue: returns the fused result, or null (then the caller runs its own kernel on `x`).
 */
export function fuse<K extends keyof Epilogues>(
  x: Tensor,
  epilogue: K,
  ...args: Parameters<NonNullable<Epilogues[K]>>
): Tensor | null {
  const p = slot;
  const f = p?.out === x ? p.epilogues[epilogue] : undefined;
  if (!p || !f) return null;
  slot = null; // the epilogue's own commands must not run the op
  const y = (f as (...a: unknown[]) => Tensor | null)(...args);
  if (!y) {
    slot ??= p;
    return null;
  }
  p.taken = true;
  for (const k of p.kept) {
    const b = k.buffer.buffer;
    let set = watch.get(b);
    if (!set) watch.set(b, set = new Set());
    set.add(p);
  }
  hooked!.beforeWrite = onWrite;
  return y;
}
