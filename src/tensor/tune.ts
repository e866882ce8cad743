/**
 * Kernel choice by measurement (matmul, and with it conv's GEMM): every product records its shape
 * class at first use and runs the heuristic choice meanwhile; `tune()` then times a few candidate
 * launch variants for each recorded class on this adapter (the heuristic's plan, the texture path
 * toggled, two other texture layouts, the GPU-shaped tiled kernel at two tile sizes) and keeps the fastest, in memory, per
 * adapter. `exportTuning()` / `importTuning()` move the table as JSON; `saveTuning()` /
 * `loadTuning()` to a file (Deno only). `setAutotune(true)` (or `init({ autotune: true })`) makes
 * `Learner` fits tune each new class after the batch that first used it; it is off by default, as
 * PyTorch's `torch.backends.cudnn.benchmark`: timing costs compiles and seconds at the first step,
 * and on llvmpipe the heuristic is already the measured choice.
 *
 * Not here: the table lookup of each product (`ops/_matmul_tune.ts`), the variants (`ops/_matmul_plan.ts`).
 * @module
 */
import { checkOptions, type OptionSpec } from "../_options.ts";
import { needDeno } from "../_platform.ts";
import { adapterKey } from "./_adapter.ts";
import { device } from "./device.ts";
import { randn } from "./creation.ts";
import type { Tensor } from "./tensor.ts";
import { matmulPlanned } from "./ops/matmul.ts";
import {
  MATMUL_VARIANTS,
  type MatmulVariant,
  variantCandidates,
  variantPlan,
} from "./ops/_matmul_plan.ts";
import {
  allTables,
  CLASS_KEY,
  type ClassShape,
  getAutotune,
  hasPending,
  pendingClasses,
  pickFastest,
  setAutotune,
  tableOf,
} from "./ops/_matmul_tune.ts";

export { getAutotune, type MatmulVariant, setAutotune };

/** One candidate to time: a variant on the first shape seen of a class. */
export interface TuneTrial {
  /** The shape class, e.g. `64x256x1024:tb:bias`. */
  shapeClass: string;
  /** The launch variant. */
  variant: MatmulVariant;
  /** The shape timed: C [m, n] over depth k, batched. */
  shape: { m: number; n: number; k: number; batch: number };
  /** Queues one product of the variant (no wait). */
  run: () => void;
}

/** Options of {@linkcode tune}. */
export interface TuneOptions {
  /** Rounds per candidate; the best round counts. @default {3} */
  rounds?: number;
  /** Products queued per round (0: enough for about 1 GFLOP, 2 to 20). @default {0} */
  reps?: number;
  /**
   * Replaces the clock: milliseconds per product of a trial (tests inject fake timings). The
   * default queues `reps` products, waits for the queue (`device().sync()`), best of `rounds`.
   */
  time?: (trial: TuneTrial) => number | Promise<number>;
}

const TUNE_SPEC: OptionSpec = { rounds: "integer", reps: "integer", time: "function" };

/** What {@linkcode tune} decided for one shape class. */
export interface TuneChoice {
  /** The shape class, e.g. `64x256x1024:tb:bias`. */
  shapeClass: string;
  /** The variant kept. */
  variant: MatmulVariant;
  /** Milliseconds per product of each candidate timed. */
  ms: Partial<Record<MatmulVariant, number>>;
}

function operands(s: ClassShape): Tensor[] {
  const lead = (shared: boolean) => (s.batch > 1 && !shared ? [s.batch] : []);
  const a = randn([...lead(s.sharedA), ...(s.transA ? [s.k, s.m] : [s.m, s.k])], { seed: 1 });
  const b = randn([...lead(s.sharedB), ...(s.transB ? [s.n, s.k] : [s.k, s.n])], { seed: 2 });
  return s.bias ? [a, b, randn([s.n], { seed: 3 })] : [a, b];
}

/**
 * Times the candidate variants of every matmul shape class used since the last call and not yet
 * measured on this adapter, and keeps the fastest of each (the heuristic unless another beats it by
 * 3%). Returns the choices made (none when nothing was pending). Every tuned class then runs its
 * chosen kernel from its next product on; the kernels were compiled while timing.
 *
 * @example Usage
 * ```ts
 * import { init, matmul, randn, tune } from "./mod.ts";
 * await init();
 * const a = randn([64, 128]), b = randn([128, 32]);
 * matmul(a, b).dispose(); // records the class 64x32x128 (heuristic kernel meanwhile)
 * const [choice] = await tune({ rounds: 1, reps: 2 });
 * console.log(choice?.shapeClass, choice?.variant);
 * ```
 * @throws {TypeError} On an unknown option or one of the wrong kind.
 * @throws {RangeError} When `rounds` is below 1 or `reps` below 0.
 */
export async function tune(opts: TuneOptions = {}): Promise<TuneChoice[]> {
  checkOptions("tune", opts, TUNE_SPEC);
  const rounds = opts.rounds ?? 3, reps = opts.reps ?? 0;
  if (rounds < 1) throw new RangeError(`Cannot tune with rounds = ${rounds}: expected at least 1`);
  if (reps < 0) throw new RangeError(`Cannot tune with reps = ${reps}: expected at least 0`);
  const d = device();
  const choices: TuneChoice[] = [];
  const maxInv = d.gpu.limits.maxComputeInvocationsPerWorkgroup;
  for (const [shapeClass, s] of pendingClasses(d)) {
    const order = variantCandidates(s.m, s.n, s.k, s.batch, maxInv);
    const [a, b, bias] = operands(s);
    const mmOpts = { transA: s.transA, transB: s.transB, bias, relu: s.relu };
    const n = reps || Math.max(2, Math.min(20, Math.round(1e9 / (2 * s.m * s.n * s.k * s.batch))));
    const ms: Partial<Record<MatmulVariant, number>> = {};
    try {
      for (const variant of order) {
        const plan = variantPlan(variant, s.m, s.n, s.k, s.batch);
        const run = () => matmulPlanned(a!, b!, mmOpts, plan).dispose();
        const trial = {
          shapeClass,
          variant,
          shape: { m: s.m, n: s.n, k: s.k, batch: s.batch },
          run,
        };
        ms[variant] = opts.time ? await opts.time(trial) : await clock(run, n, rounds);
      }
    } finally {
      for (const t of [a, b, bias]) t?.dispose();
    }
    const variant = pickFastest(order, ms);
    tableOf(d, true)!.set(shapeClass, variant);
    choices.push({ shapeClass, variant, ms });
  }
  return choices;
}

/** Best of `rounds` of `reps` queued runs, in ms per run (the first run compiles, untimed). */
async function clock(run: () => void, reps: number, rounds: number): Promise<number> {
  const d = device();
  run();
  await d.sync();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    await d.sync();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}

/** Whether matmul shape classes are waiting for {@linkcode tune} on this adapter. */
export function tunePending(): boolean {
  return hasPending(device());
}

/**
 * Runs `fn` once (its products record their shape classes), then {@linkcode tune}s them: e.g. one
 * training step before a fit.
 *
 * @example Usage
 * ```ts
 * import { autotune, init, matmul, randn } from "./mod.ts";
 * await init();
 * const a = randn([32, 48]), b = randn([48, 16]);
 * const choices = await autotune(() => matmul(a, b).dispose(), { rounds: 1, reps: 2 });
 * console.log(choices.map((c) => `${c.shapeClass}: ${c.variant}`));
 * ```
 */
export async function autotune(
  fn: () => unknown,
  opts: TuneOptions = {},
): Promise<TuneChoice[]> {
  checkOptions("tune", opts, TUNE_SPEC);
  await fn();
  return tune(opts);
}

/** The tuning table as JSON data: per adapter key (`vendor/architecture/device/description`). */
export interface TuningData {
  /** Always `"tempo-tuning"`. */
  format: "tempo-tuning";
  /** The format's version: 1. */
  version: 1;
  /** Adapter key -> `{ matmul: { shapeClass: variant } }`. */
  adapters: Record<string, { matmul: Record<string, MatmulVariant> }>;
}

/**
 * Every adapter's measured choices, as JSON-ready data (`JSON.stringify` it to store it).
 *
 * @example Usage
 * ```ts
 * import { exportTuning, importTuning } from "./mod.ts";
 * const saved = JSON.stringify(exportTuning());
 * importTuning(saved); // e.g. in the next session: no timing for the classes it holds
 * ```
 */
export function exportTuning(): TuningData {
  const adapters: TuningData["adapters"] = {};
  for (const [key, t] of allTables()) adapters[key] = { matmul: Object.fromEntries(t) };
  return { format: "tempo-tuning", version: 1, adapters };
}

const show = (v: unknown) =>
  typeof v === "string"
    ? JSON.stringify(v)
    : typeof v === "number" || typeof v === "boolean" || v == null
    ? String(v)
    : Array.isArray(v)
    ? "an array"
    : typeof v;

/** A class key whose sizes are powers of two, in the order `classKey` writes its flags. */
const isClassKey = (s: string) =>
  CLASS_KEY.test(s) && s.split(":")[0]!.split("x").every((x) => {
    const v = Number(x);
    return v >= 1 && Number.isSafeInteger(v) && (v & (v - 1)) === 0;
  });

/**
 * Merges a table from {@linkcode exportTuning} (data or its JSON text) into this process's; its
 * entries replace the measurements of the same adapter and class. Checks everything first: a
 * malformed table changes nothing.
 *
 * @example Usage
 * ```ts
 * import { importTuning } from "./mod.ts";
 * importTuning({ format: "tempo-tuning", version: 1, adapters: { "x/y/z/w": { matmul: { "64x64x64": "tiled32" } } } });
 * ```
 * @throws {TypeError} When `json` is not such a table, saying where and what came.
 */
export function importTuning(json: string | TuningData): void {
  let data: unknown = json;
  if (typeof json === "string") {
    try {
      data = JSON.parse(json);
    } catch (e) {
      throw new TypeError(`Cannot importTuning: expected JSON text, got a parse error (${e})`);
    }
  }
  const bad = (where: string, want: string, got: unknown): never => {
    throw new TypeError(`Cannot importTuning: expected ${where} to be ${want}, got ${show(got)}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(data)) bad("the table", "an object", data);
  const o = data as Record<string, unknown>;
  if (o.format !== "tempo-tuning") bad("format", '"tempo-tuning"', o.format);
  if (o.version !== 1) bad("version", "1", o.version);
  if (!isObj(o.adapters)) bad("adapters", "an object", o.adapters);
  const parsed: [string, [string, MatmulVariant][]][] = [];
  for (const [key, entry] of Object.entries(o.adapters as Record<string, unknown>)) {
    if (!isObj(entry) || !isObj(entry.matmul)) {
      bad(`adapters[${JSON.stringify(key)}]`, "{ matmul: {...} }", entry);
    }
    const rows: [string, MatmulVariant][] = [];
    for (const [cls, v] of Object.entries((entry as { matmul: Record<string, unknown> }).matmul)) {
      if (!isClassKey(cls)) {
        bad("a shape class", "powers of two like 64x128x256:ta:tb:batch:bias:relu", cls);
      }
      if (!(MATMUL_VARIANTS as readonly unknown[]).includes(v)) {
        bad(`the variant of ${cls}`, `one of ${MATMUL_VARIANTS.join(", ")}`, v);
      }
      rows.push([cls, v as MatmulVariant]);
    }
    parsed.push([key, rows]);
  }
  const tables = allTables();
  for (const [key, rows] of parsed) {
    const t = tables.get(key) ?? new Map<string, MatmulVariant>();
    for (const [cls, v] of rows) t.set(cls, v);
    tables.set(key, t);
  }
}

/** The adapter key measurements are stored under for the current device. */
export function tuningKey(): string {
  return adapterKey(device());
}

/** Writes {@linkcode exportTuning}'s table to `path` as JSON (Deno only). */
export async function saveTuning(path: string | URL): Promise<void> {
  const D = needDeno("saveTuning", "Use JSON.stringify(exportTuning()) and store the text.");
  await D.writeTextFile(path, JSON.stringify(exportTuning(), null, 1));
}

/** Reads a table written by {@linkcode saveTuning} and {@linkcode importTuning}s it (Deno only). */
export async function loadTuning(path: string | URL): Promise<void> {
  const D = needDeno("loadTuning", "Pass the stored JSON text to importTuning().");
  importTuning(await D.readTextFile(path));
}
