/**
 * Private: how a `Tensor` shows itself. `console.log(t)` (Deno's `customInspect`) prints one line,
 * `Tensor(f32[2,3], webgpu)`, without touching the GPU. As the last value of a Jupyter cell (Deno's
 * kernel awaits `Symbol.for("Jupyter.display")`) it reads back only its first few values (one
 * small copy, never the whole buffer) and shows shape, dtype, device and those values as text and
 * an HTML line. It never prints all the elements of a large tensor. Inside the kernel the bundle is
 * sent at once as `display_data` and the kernel gets an empty result, because Deno 2.9's kernel
 * can deliver a cell's result after the cell ended (see src/sched/_jupyter.ts).
 * @module
 */

import { deno } from "../_platform.ts";
import type { Tensor } from "./tensor.ts";
import { device } from "./device.ts";

/** Deno's `console.log` hook (a declared unique symbol, so that classes keep their typed members). */
export const INSPECT: unique symbol = Symbol.for("Deno.customInspect") as never;
/** Deno's Jupyter kernel display hook. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** How many leading values the notebook display reads back. */
export const DISPLAY_VALUES = 8;

/** The one-line summary: `Tensor(f32[2,3], webgpu, requiresGrad)` (`disposed` after `dispose()`). */
export function tensorSummary(t: Tensor): string {
  const flags = [t.disposed ? "disposed" : "webgpu", ...(t.requiresGrad ? ["requiresGrad"] : [])];
  return `Tensor(${t.dtype}[${t.shape}], ${flags.join(", ")})`;
}

function fmt(x: number, dtype: Tensor["dtype"]): string {
  if (dtype === "i32" || Number.isInteger(x)) return String(x);
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/** The first `n` values, read back from the GPU (a copy of `n * 4` bytes). */
export async function leadingValues(t: Tensor, n = DISPLAY_VALUES): Promise<number[]> {
  const k = Math.min(n, t.size);
  if (k === 0) return [];
  const bytes = await device().read(t.buffer, 0, k * 4);
  return Array.from(t.dtype === "i32" ? new Int32Array(bytes) : new Float32Array(bytes));
}

type Broadcast = (type: string, content: Record<string, unknown>) => Promise<void>;

/** `Deno.jupyter.broadcast` inside Deno's kernel, else `undefined` (never throws). */
function kernelBroadcast(): Broadcast | undefined {
  try {
    const j = (deno() as { jupyter?: { broadcast?: Broadcast } } | undefined)?.jupyter;
    return typeof j?.broadcast === "function" ? j.broadcast.bind(j) : undefined;
  } catch {
    return undefined; // outside `deno jupyter`, reading Deno.jupyter throws
  }
}

/** The kernel's display hook: the bundle, sent at once in the kernel (see the module docs). */
export async function tensorDisplayHook(
  t: Tensor,
  broadcast: Broadcast | undefined = kernelBroadcast(),
): Promise<Record<string, string>> {
  const data = await tensorDisplay(t);
  if (!broadcast) return data;
  await broadcast("display_data", { data, metadata: {}, transient: {} });
  await new Promise((r) => setTimeout(r, 0));
  return {};
}

/** The Jupyter MIME bundle of `t`: summary, size, and its first values. */
export async function tensorDisplay(t: Tensor): Promise<Record<string, string>> {
  const head = tensorSummary(t);
  if (t.disposed) return { "text/plain": head };
  const vals = (await leadingValues(t)).map((v) => fmt(v, t.dtype));
  const more = t.size > vals.length ? `, … (${t.size - vals.length} more)` : "";
  const values = `[${vals.join(", ")}${more}]`;
  const size = `${t.size.toLocaleString("en-US")} element${t.size === 1 ? "" : "s"}`;
  const esc = (s: string) => s.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    "text/plain": `${head} ${size}: ${values}`,
    "text/html": `<code>${esc(head)}</code> ${size}, first values (row-major): <code>${
      esc(values)
    }</code>; <code>await t.data()</code> reads them all`,
  };
}
