/**
 * Private: the matmul tuning table and the choice every product makes from it. A product's shape
 * class (m, n, k each rounded up to a power of two, the transposes, batched or not, bias, ReLU) looks
 * up the variant measured fastest for it on this adapter; until one is measured, the heuristic
 * `matmulPlan` serves and the class is recorded (with its first shape) for `tune()` to time.
 *
 * Costs one string and one or two map lookups per product; no GPU work. The timing itself is in
 * `../tune.ts`.
 * @module
 */
import type { Device } from "../device.ts";
import { adapterKey } from "../_adapter.ts";
import type { Dims } from "./_matmul_common.ts";
import { type MatmulPlan, matmulPlan, type MatmulVariant, variantPlan } from "./_matmul_plan.ts";

/** The product a class was first seen with: what `tune()` times for the class. */
export interface ClassShape {
  m: number;
  n: number;
  k: number;
  batch: number;
  transA: boolean;
  transB: boolean;
  bias: boolean;
  relu: boolean;
  /** One operand shared by every product of the batch (batch 1 on that side). */
  sharedA: boolean;
  sharedB: boolean;
}

/** Adapter key -> shape class -> the variant measured fastest there. */
const tables = new Map<string, Map<string, MatmulVariant>>();
/** Shape classes seen in this process, with their first shape (at most MAX_SEEN). */
const seen = new Map<string, ClassShape>();
const MAX_SEEN = 1024;
let enabled = false;
let lastDev: Device | null = null;
let lastKey = "";

const pow2 = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** The shape class of a product, e.g. `1024x1024x1024`, `64x64x4096:tb:bias:relu`, `8x8x8:ta:batch`. */
export function classKey(
  m: number,
  n: number,
  k: number,
  batch: number,
  ta: boolean,
  tb: boolean,
  bias: boolean,
  relu: boolean,
): string {
  return `${pow2(m)}x${pow2(n)}x${pow2(k)}${ta ? ":ta" : ""}${tb ? ":tb" : ""}${
    batch > 1 ? ":batch" : ""
  }${bias ? ":bias" : ""}${relu ? ":relu" : ""}`;
}

/** What a shape class key looks like (for checking imported tables). */
export const CLASS_KEY = /^\d+x\d+x\d+(:ta)?(:tb)?(:batch)?(:bias)?(:relu)?$/;

/** The table of the adapter behind `d` (created when `create`). */
export function tableOf(d: Device, create = false): Map<string, MatmulVariant> | undefined {
  if (d !== lastDev) [lastDev, lastKey] = [d, adapterKey(d)];
  let t = tables.get(lastKey);
  if (!t && create) tables.set(lastKey, t = new Map());
  return t;
}

/** Every adapter's table (for export and import). */
export function allTables(): Map<string, Map<string, MatmulVariant>> {
  return tables;
}

/** The plan of a product: the tuned variant of its class on `d`'s adapter, else the heuristic's. */
export function chosenPlan(
  d: Device,
  dm: Dims,
  ta: boolean,
  tb: boolean,
  bias: boolean,
  relu: boolean,
): MatmulPlan {
  const key = classKey(dm.m, dm.n, dm.k, dm.batch, ta, tb, bias, relu);
  const v = tableOf(d)?.get(key);
  if (v !== undefined) return variantPlan(v, dm.m, dm.n, dm.k, dm.batch);
  if (seen.size < MAX_SEEN && !seen.has(key)) {
    seen.set(key, {
      m: dm.m,
      n: dm.n,
      k: dm.k,
      batch: dm.batch,
      transA: ta,
      transB: tb,
      bias,
      relu,
      sharedA: dm.strideA === 0 && dm.batch > 1,
      sharedB: dm.strideB === 0 && dm.batch > 1,
    });
  }
  return matmulPlan(dm.m, dm.n, dm.k, dm.batch);
}

/** Classes seen in this process that `d`'s adapter has no measurement for. */
export function pendingClasses(d: Device): [string, ClassShape][] {
  const t = tableOf(d);
  return [...seen].filter(([k]) => !t?.has(k));
}

/** Whether any seen class is unmeasured on `d`'s adapter (cheap when none is). */
export function hasPending(d: Device): boolean {
  const t = tableOf(d);
  if (!t) return seen.size > 0;
  for (const k of seen.keys()) if (!t.has(k)) return true;
  return false;
}

/** Forgets what was seen and measured (tests). */
export function resetTuning(): void {
  tables.clear();
  seen.clear();
}

/**
 * Turns autotuning on or off: when on, `Learner` fits call `tune()` after each batch that used a new
 * matmul shape class (off by default, as PyTorch's `torch.backends.cudnn.benchmark`).
 */
export function setAutotune(on: boolean): void {
  if (typeof on !== "boolean") {
    throw new TypeError(`Cannot setAutotune(${String(on)}): expected a boolean`);
  }
  enabled = on;
}

/** Whether autotuning is on ({@linkcode setAutotune}). */
export function getAutotune(): boolean {
  return enabled;
}

/** A challenger replaces the heuristic only when faster than this fraction of its time (noise). */
const KEEP_AUTO = 0.97;

/** Picks the fastest of `ms`: `auto` unless another is under KEEP_AUTO of its time; ties by order. */
export function pickFastest(
  order: readonly MatmulVariant[],
  ms: Partial<Record<MatmulVariant, number>>,
): MatmulVariant {
  let best: MatmulVariant = "auto", bestMs = (ms.auto ?? Infinity) * KEEP_AUTO;
  for (const v of order) {
    const t = ms[v];
    if (v !== "auto" && t !== undefined && t < bestMs) [best, bestMs] = [v, t];
  }
  return best;
}
