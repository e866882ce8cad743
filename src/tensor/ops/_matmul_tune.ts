/**
 * Private: the matmul tuning table and the choice every product makes from it. A product's shape
 * class (m, n, k each rounded up to a power of two, the transposes, batched or not, bias, ReLU) looks
 * up the variant measured fastest for it on this adapter; until one is measured, the heuristic
 * `matmulPlan` serves and the class is recorded (with its first shape) for `tune()` to time.
 *
 * Costs one string and one or two map lookups per product; no GPU work. The table is the `matmul`
 * family of `../_tune_registry.ts`; the trials are `_matmul_trial.ts`, the timing `../tune.ts`.
 * @module
 */
import type { Device } from "../device.ts";
import type { Dims } from "./_matmul_common.ts";
import {
  MATMUL_VARIANTS,
  type MatmulPlan,
  matmulPlan,
  type MatmulVariant,
  variantPlan,
} from "./_matmul_plan.ts";
import {
  defineFamily,
  isPow2Text,
  pickFastest as pickGeneric,
  pow2,
  resetAllTuning,
} from "../_tune_registry.ts";

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

let enabled = false;

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

/** The matmul family of the tuning table (conv's GEMM included). */
export const MATMUL = defineFamily<ClassShape>(
  "matmul",
  MATMUL_VARIANTS,
  (s) => CLASS_KEY.test(s) && s.split(":")[0]!.split("x").every(isPow2Text),
  "powers of two like 64x128x256:ta:tb:batch:bias:relu",
);

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
  const v = MATMUL.choose(d, key) as MatmulVariant | undefined;
  if (v !== undefined) return variantPlan(v, dm.m, dm.n, dm.k, dm.batch);
  if (MATMUL.wants(key)) {
    MATMUL.note(key, {
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
  return MATMUL.pending(d);
}

/** Forgets what was seen and measured, by every family (tests). */
export function resetTuning(): void {
  resetAllTuning();
}

/**
 * Turns autotuning on or off: when on, `Learner` fits call `tune()` after each batch that used a new
 * kernel shape class (off by default, as PyTorch's `torch.backends.cudnn.benchmark`).
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

/** Picks the fastest of `ms`: `auto` unless another is under 0.97 of its time; ties by order. */
export function pickFastest(
  order: readonly MatmulVariant[],
  ms: Partial<Record<MatmulVariant, number>>,
): MatmulVariant {
  return pickGeneric(order, ms) as MatmulVariant;
}
