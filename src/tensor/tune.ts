/**
 * Kernel choice by measurement, per kernel family: `matmul` (and with it conv's GEMM: the
 * heuristic's plan, the texture path toggled, two other texture layouts, the GPU-shaped tiled
 * kernel at two tile sizes), `conv` (the forward's lowering: im2col + GEMM, or the direct kernel at 4
 * or 8 output channels and 4 or 1 pixels per invocation), `elementwise` (unary, binary, broadcast, vec4 and `where` kernels at
 * 256 / 128 / 64 invocations, vec4 or scalar), `reduce` (a thread or a workgroup per output, 64 or
 * 256 invocations, and a subgroup kernel where the device has `subgroups`) and `optim` (the fused
 * optimizer step: packed or one dispatch per tensor, 256 / 128 / 64 invocations, vec4 or scalar).
 * Every dispatch records its shape class at first use and runs today's kernel meanwhile; `tune()`
 * then times the candidates of each recorded class on this adapter and keeps the fastest (today's
 * unless another beats it by 3%), in memory, per adapter. `exportTuning()` / `importTuning()` move
 * the table as JSON (version 2; version 1, matmul only, still imports); `saveTuning()` /
 * `loadTuning()` to a file (Deno only). `setAutotune(true)` (or `init({ autotune: true })`) makes
 * `Learner` fits tune each new class after the batch that first used it; it is off by default, as
 * PyTorch's `torch.backends.cudnn.benchmark`: timing costs compiles and seconds at the first step.
 *
 * Not here: the family registry (`_tune_registry.ts`), each family's lookup and trials
 * (`ops/_matmul_tune.ts` + `ops/_matmul_trial.ts`, `ops/_elementwise_{tune,trial}.ts`,
 * `ops/_conv_{tune,trial}.ts`, `ops/_reduce_{tune,trial}.ts`, `../optim/_optim_tune.ts`), the matmul variants (`ops/_matmul_plan.ts`).
 * @module
 */
import { checkOptions, type OptionSpec } from "../_options.ts";
import { needDeno } from "../_platform.ts";
import { adapterKey } from "./_adapter.ts";
import { device } from "./device.ts";
import type { MatmulVariant } from "./ops/_matmul_plan.ts";
import { getAutotune, setAutotune } from "./ops/_matmul_tune.ts";
import { FAMILIES, familyList, pickFastest } from "./_tune_registry.ts";
import "./ops/_matmul_trial.ts";
import "./ops/_conv_trial.ts";
import "./ops/_elementwise_trial.ts";
import "./ops/_reduce_trial.ts";

export { getAutotune, type MatmulVariant, setAutotune };

/** One candidate to time: a variant on the first shape seen of a class. */
export interface TuneTrial {
  /** The kernel family: `matmul`, `conv`, `elementwise`, `reduce`, `optim`. */
  family: string;
  /** The shape class, e.g. `64x256x1024:tb:bias` (matmul), `vec4:4096` (elementwise). */
  shapeClass: string;
  /** The variant, e.g. `tiled32` (matmul), `wg64` (elementwise). */
  variant: string;
  /** The first shape the class was seen with (matmul: C [m, n] over depth k, batched, and flags). */
  shape: Readonly<Record<string, unknown>>;
  /** Queues one run of the variant (no wait). */
  run: () => void;
}

/** Options of {@linkcode tune}. */
export interface TuneOptions {
  /** Rounds per candidate; the best round counts. @default {3} */
  rounds?: number;
  /** Runs queued per round (0: the family's choice, e.g. about 1 GFLOP of products, 2 to 20). @default {0} */
  reps?: number;
  /**
   * Replaces the clock: milliseconds per run of a trial (tests inject fake timings). The default
   * queues `reps` runs, waits for the queue (`device().sync()`), best of `rounds`.
   */
  time?(trial: TuneTrial): number | Promise<number>;
  /**
   * Only these kernel families (of `matmul`, `conv`, `elementwise`, `reduce`, `optim`); the others stay
   * pending. @default {all}
   */
  families?: string[];
}

const TUNE_SPEC: OptionSpec = {
  rounds: "integer",
  reps: "integer",
  time: "function",
  families: "array",
};

/** What {@linkcode tune} decided for one shape class. */
export interface TuneChoice {
  /** The kernel family, e.g. `matmul`. */
  family: string;
  /** The shape class, e.g. `64x256x1024:tb:bias`. */
  shapeClass: string;
  /** The variant kept. */
  variant: string;
  /** Milliseconds per run of each candidate timed. */
  ms: Record<string, number>;
}

/** The registered families `names` selects (all when undefined), checked. */
function selected(names: string[] | undefined) {
  if (names === undefined) return familyList();
  return names.map((n) => {
    const f = FAMILIES.get(n);
    if (!f) {
      throw new RangeError(
        `Cannot tune family ${JSON.stringify(n)}: expected one of ${
          familyList().map((f) => f.name).join(", ")
        }`,
      );
    }
    return f;
  });
}

/**
 * Times the candidate variants of every shape class (of each kernel family: matmul, conv, elementwise,
 * reduce, and optim once an optimizer module is loaded)
 * used since the last call and not yet measured on this adapter, and keeps the fastest of each (the
 * default kernel unless another beats it by 3%). Returns the choices made (none when nothing was
 * pending). Every tuned class then runs its chosen kernel from its next dispatch on; the kernels
 * were compiled while timing.
 *
 * @example Usage
 * ```ts
 * import { init, matmul, randn, tune } from "./mod.ts";
 * await init();
 * const a = randn([64, 128]), b = randn([128, 32]);
 * matmul(a, b).dispose(); // records the class 64x32x128 (heuristic kernel meanwhile)
 * const [choice] = await tune({ rounds: 1, reps: 2, families: ["matmul"] });
 * console.log(choice?.shapeClass, choice?.variant);
 * ```
 * @throws {TypeError} On an unknown option or one of the wrong kind.
 * @throws {RangeError} When `rounds` is below 1, `reps` below 0, or a family is unknown.
 */
export async function tune(opts: TuneOptions = {}): Promise<TuneChoice[]> {
  checkOptions("tune", opts, TUNE_SPEC);
  const rounds = opts.rounds ?? 3, reps = opts.reps ?? 0;
  if (rounds < 1) throw new RangeError(`Cannot tune with rounds = ${rounds}: expected at least 1`);
  if (reps < 0) throw new RangeError(`Cannot tune with reps = ${reps}: expected at least 0`);
  const fams = selected(opts.families);
  const d = device();
  const choices: TuneChoice[] = [];
  for (const fam of fams) {
    const trials = fam.trials!;
    for (const [shapeClass, s] of fam.pending(d)) {
      const order = trials.candidates(s, d);
      const set = trials.prepare(s, d);
      let ms: Record<string, number> = {};
      try {
        if (!opts.time) ms = await clock(order, (v) => set.run(v), reps || set.reps, rounds);
        else {
          for (const variant of order) {
            const run = () => set.run(variant);
            const shape = s as Record<string, unknown>;
            ms[variant] = await opts.time({ family: fam.name, shapeClass, variant, shape, run });
          }
        }
      } finally {
        set.dispose();
      }
      const variant = pickFastest(order, ms);
      fam.tableOf(d, true)!.set(shapeClass, variant);
      choices.push({ family: fam.name, shapeClass, variant, ms });
    }
  }
  return choices;
}

/**
 * Per variant, the best of `rounds` of `reps` queued runs, in ms per run (the first run compiles,
 * untimed), the candidates' rounds taken in turn.
 */
async function clock(
  order: readonly string[],
  run: (variant: string) => void,
  reps: number,
  rounds: number,
): Promise<Record<string, number>> {
  const d = device();
  const best: Record<string, number> = {};
  for (const v of order) {
    run(v);
    await d.sync();
    best[v] = Infinity;
  }
  // round-robin: a change of the machine's load mid-way costs every candidate alike
  for (let r = 0; r < rounds; r++) {
    for (const v of order) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) run(v);
      await d.sync();
      best[v] = Math.min(best[v]!, (performance.now() - t0) / reps);
    }
  }
  return best;
}

/** Whether shape classes (of any tuned family) are waiting for {@linkcode tune} on this adapter. */
export function tunePending(): boolean {
  const d = device();
  for (const f of familyList()) if (f.hasPending(d)) return true;
  return false;
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
  /** The format's version: 2 (1, matmul only, still imports). */
  version: 1 | 2;
  /** Adapter key -> family (`matmul`, `conv`, `elementwise`, `reduce`, `optim`) -> `{ shapeClass: variant }`. */
  adapters: Record<string, Partial<Record<string, Record<string, string>>>>;
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
  for (const f of familyList()) {
    for (const [key, t] of f.byAdapter) (adapters[key] ??= {})[f.name] = Object.fromEntries(t);
  }
  return { format: "tempo-tuning", version: 2, adapters };
}

const show = (v: unknown) =>
  typeof v === "string"
    ? JSON.stringify(v)
    : typeof v === "number" || typeof v === "boolean" || v == null
    ? String(v)
    : Array.isArray(v)
    ? "an array"
    : typeof v;

/**
 * Merges a table from {@linkcode exportTuning} (data or its JSON text; version 1, matmul only, too)
 * into this process's; its entries replace the measurements of the same adapter, family and class.
 * Checks everything first: a malformed table changes nothing.
 *
 * @example Usage
 * ```ts
 * import { importTuning } from "./mod.ts";
 * importTuning({ format: "tempo-tuning", version: 2, adapters: { "x/y/z/w": { matmul: { "64x64x64": "tiled32" }, elementwise: { "vec4:4096": "wg64" } } } });
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
  if (o.version !== 1 && o.version !== 2) bad("version", "1 or 2", o.version);
  if (!isObj(o.adapters)) bad("adapters", "an object", o.adapters);
  const names = o.version === 1 ? ["matmul"] : familyList().map((f) => f.name);
  const parsed: [string, string, [string, string][]][] = [];
  for (const [key, entry] of Object.entries(o.adapters as Record<string, unknown>)) {
    const where = `adapters[${JSON.stringify(key)}]`;
    if (!isObj(entry) || (o.version === 1 && !isObj(entry.matmul))) {
      bad(where, o.version === 1 ? "{ matmul: {...} }" : `an object of ${names.join(", ")}`, entry);
    }
    for (const [fname, rowsIn] of Object.entries(entry as Record<string, unknown>)) {
      const fam = FAMILIES.get(fname);
      if (!fam || !names.includes(fname)) {
        bad(`a family of ${where}`, `one of ${names.join(", ")}`, fname);
      }
      if (!isObj(rowsIn)) bad(`${where}.${fname}`, "an object of shape class: variant", rowsIn);
      const rows: [string, string][] = [];
      for (const [cls, v] of Object.entries(rowsIn as Record<string, unknown>)) {
        if (!fam!.isClass(cls)) bad("a shape class", fam!.classHint, cls);
        if (typeof v !== "string" || !fam!.variants.includes(v)) {
          bad(`the variant of ${cls}`, `one of ${fam!.variants.join(", ")}`, v);
        }
        rows.push([cls, v as string]);
      }
      parsed.push([key, fname, rows]);
    }
  }
  for (const [key, fname, rows] of parsed) {
    const tables = FAMILIES.get(fname)!.byAdapter;
    const t = tables.get(key) ?? new Map<string, string>();
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
