/**
 * A leak report: with `trackTensors(true)`, every tensor created from then on is recorded with the
 * place in the code that created it, until it is disposed; `liveTensors()` lists the ones still
 * alive (not disposed), oldest first. Off by default, and then it costs one boolean test per tensor
 * creation and disposal (no stack is captured).
 *
 * It does not see tensors created before tracking was turned on, and a tensor that the JavaScript
 * garbage collector dropped without `dispose()` stays listed: its GPU buffer never went back to the
 * pool, so it is a leak.
 * @module
 */

/** One live (not disposed) tensor of the leak report. */
export interface LiveTensor {
  /** The tensor's `id`. */
  readonly id: number;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Its element type. */
  readonly dtype: string;
  /** Bytes of its data (4 per element). */
  readonly bytes: number;
  /**
   * Where it was created: the first stack frame outside tempo's `src/tensor/` (your code, or the
   * tempo layer that made it), e.g. `at step (file:///home/me/train.ts:12:15)`.
   */
  readonly createdAt: string;
  /** The whole creation stack, one frame per line (the tensor library's own frames removed). */
  readonly stack: string;
}

interface Entry {
  shape: readonly number[];
  dtype: string;
  bytes: number;
  error: Error;
}

let tracking = false;
const live = new Map<number, Entry>();

/** Where the frames of the tensor core itself come from (skipped for `createdAt`). */
const CORE = /[\\/]src[\\/]tensor[\\/](?!.*_test\.ts)[^\\/]+\.ts:|[\\/]src[\\/]tensor[\\/]ops[\\/]/;

/**
 * Starts (`true`) or stops (`false`) recording tensor creations for {@linkcode liveTensors}.
 * Stopping forgets what was recorded.
 *
 * @example
 * ```ts
 * import { init, randn, tidy } from "./mod.ts";
 * await init();
 * trackTensors(true);
 * const kept = tidy(() => randn([3, 4]).mul(2)); // or: await learn.fitOptSched(phases)
 * for (const t of liveTensors()) console.log(t.shape, t.bytes, t.createdAt); // [3, 4] 48 "at ..."
 * trackTensors(false);
 * kept.dispose();
 * ```
 */
export function trackTensors(enabled: boolean): void {
  if (typeof enabled !== "boolean") {
    throw new TypeError(`Cannot trackTensors: expected a boolean, got ${String(enabled)}`);
  }
  tracking = enabled;
  if (!enabled) live.clear();
}

/** Whether {@linkcode trackTensors} is on. */
export function isTrackingTensors(): boolean {
  return tracking;
}

/** @internal Called by the Tensor constructor. */
export function recordCreated(
  t: { id: number; shape: readonly number[]; dtype: string; size: number },
): void {
  if (!tracking) return;
  live.set(t.id, {
    shape: t.shape,
    dtype: t.dtype,
    bytes: t.size * 4,
    error: new Error("created"),
  });
}

/** @internal Called by `Tensor.dispose()`. */
export function recordDisposed(id: number): void {
  if (tracking) live.delete(id);
}

function frames(e: Error): string[] {
  return (e.stack ?? "").split("\n").slice(1).map((l) => l.trim()).filter((l) =>
    l.startsWith("at ")
  );
}

/**
 * The tensors created since `trackTensors(true)` and not disposed, oldest first, each with its
 * shape, dtype, bytes and the place that created it.
 */
export function liveTensors(): LiveTensor[] {
  const out: LiveTensor[] = [];
  for (const [id, e] of live) {
    const all = frames(e.error);
    const outside = all.filter((f) => !CORE.test(f));
    out.push({
      id,
      shape: e.shape,
      dtype: e.dtype,
      bytes: e.bytes,
      createdAt: outside[0] ?? all[0] ?? "at <unknown>",
      stack: (outside.length ? outside : all).join("\n"),
    });
  }
  return out;
}

/**
 * {@linkcode liveTensors} as text: a total, then one line per creation place with its count and
 * bytes, largest first (an empty report says so).
 */
export function leakReport(): string {
  const list = liveTensors();
  if (list.length === 0) return "no live tensors";
  const byPlace = new Map<string, { n: number; bytes: number; shapes: Set<string> }>();
  let total = 0;
  for (const t of list) {
    total += t.bytes;
    const p = byPlace.get(t.createdAt) ?? { n: 0, bytes: 0, shapes: new Set<string>() };
    p.n++;
    p.bytes += t.bytes;
    p.shapes.add(`[${t.shape}]`);
    byPlace.set(t.createdAt, p);
  }
  const lines = [...byPlace].sort((a, b) => b[1].bytes - a[1].bytes).map(([at, p]) =>
    `  ${p.n} x ${[...p.shapes].slice(0, 3).join(" ")}${
      p.shapes.size > 3 ? " ..." : ""
    } (${p.bytes} bytes) ${at}`
  );
  return [`${list.length} live tensors, ${total} bytes:`, ...lines].join("\n");
}
