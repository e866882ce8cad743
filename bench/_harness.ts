/**
 * Measurement and reporting for `deno task bench`.
 *
 * Every implementation (tempo, tfjs-webgpu, jax-js-webgpu, jax-js-wasm, pytorch-cpu) reports one
 * number per bench through a
 * function `() => Promise<number> | undefined`; `undefined` (or a missing function) means "no
 * number" and shows as `-`.
 *
 * @example
 * ```ts
 * const ms = await measure(() => new Promise((done) => setTimeout(done, 1)));
 * console.log(`median ${ms.toFixed(2)} ms`);
 * ```
 * @module
 */

/** The implementations shown side by side. */
export type Impl = "tempo" | "tfjs-webgpu" | "jax-js-webgpu" | "jax-js-wasm" | "pytorch-cpu";
/** Column order of the table and of the JSON lines. */
export const IMPLS: readonly Impl[] = [
  "tempo",
  "tfjs-webgpu",
  "jax-js-webgpu",
  "jax-js-wasm",
  "pytorch-cpu",
];
/** Short names of the peers in the ratio columns' headers (`tempo/<short>`). */
const SHORT: Record<Impl, string> = {
  tempo: "tempo",
  "tfjs-webgpu": "tfjs",
  "jax-js-webgpu": "jax-gpu",
  "jax-js-wasm": "jax-wasm",
  "pytorch-cpu": "torch",
};
/** Units a bench reports in (`s`: time to the first training step, lower is better). */
export type Unit = "GFLOP/s" | "GB/s" | "us" | "s" | "samples/s";

/** One row of the table: a named workload and how each implementation measures it. */
export interface BenchCase {
  name: string;
  unit: Unit;
  /** true for throughputs (GFLOP/s, GB/s, samples/s), false for latencies (us, s). */
  higherIsBetter: boolean;
  /** Returns the measured value in `unit`, or `undefined` when the impl has no number. */
  run: Partial<Record<Impl, () => Promise<number> | undefined>>;
  /**
   * Measures several impls together (interleaved, see {@linkcode measureInterleaved}); the impls it
   * returns a value for are not run alone.
   */
  together?: () => Promise<Partial<Record<Impl, number>>> | undefined;
}

/** A prepared training bench: `run()` is one timed run (its steps, then one readback). */
export interface TrainSession {
  /** Steps per run. */
  steps: number;
  /** Queues `steps` training steps and waits for the loss of the last one. */
  run: () => Promise<void>;
  /** Frees the model, optimizer and data. */
  dispose: () => void;
}

/** One measured value, also the shape of a `--json` line. */
export interface BenchResult {
  bench: string;
  impl: Impl;
  value: number;
  unit: Unit;
}

/** Repetition settings for {@linkcode measure}. */
export interface MeasureOptions {
  /** Untimed runs first (shader compilation, buffer pools). */
  warmup?: number;
  /** Keep repeating until this much time was spent in timed runs... */
  minTimeMs?: number;
  /** ...and at least this many timed runs were done... */
  minRepeats?: number;
  /** ...but never more than this many. */
  maxRepeats?: number;
}

/** Global settings; `--quick` lowers the repeat counts for every measurement. */
export const benchConfig = { quick: false };

function defaults(): Required<MeasureOptions> {
  return benchConfig.quick
    ? { warmup: 1, minTimeMs: 150, minRepeats: 1, maxRepeats: 5 }
    : { warmup: 2, minTimeMs: 1000, minRepeats: 3, maxRepeats: 50 };
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("Cannot take the median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Time `run`: `warmup` untimed calls, then timed calls until both `minTimeMs` and `minRepeats`
 * are reached (capped by `maxRepeats`). Returns the median wall time of one call in ms.
 * `run` must itself wait for the device (e.g. end with one `await t.data()`).
 * Options given explicitly win over the defaults; with `--quick` they are capped by the quick ones.
 */
export async function measure(
  run: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<number> {
  return (await measureInterleaved([run], options))[0]!;
}

/**
 * Times several runs INTERLEAVED, round by round (the order reversed every other round), so that a
 * machine whose speed drifts during the bench (a shared 2-core VM) slows all of them alike and their
 * ratios stay meaningful. Same settings as {@linkcode measure}, applied to each run; returns the
 * median wall time of one call of each, in ms.
 */
export async function measureInterleaved(
  runs: readonly (() => Promise<unknown>)[],
  options: MeasureOptions = {},
): Promise<number[]> {
  const d = defaults();
  const o = { ...d, ...options };
  if (benchConfig.quick) {
    o.warmup = Math.min(o.warmup, d.warmup);
    o.minTimeMs = Math.min(o.minTimeMs, d.minTimeMs);
    o.minRepeats = Math.min(o.minRepeats, d.minRepeats);
    o.maxRepeats = Math.min(o.maxRepeats, d.maxRepeats);
  }
  for (const run of runs) for (let i = 0; i < o.warmup; i++) await run();
  const times: number[][] = runs.map(() => []);
  const spent = runs.map(() => 0);
  for (let round = 0; round < Math.max(1, o.maxRepeats); round++) {
    const done = times.every((t, i) => t.length >= o.minRepeats && spent[i]! >= o.minTimeMs);
    if (round > 0 && done) break;
    const order = runs.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const t0 = performance.now();
      await runs[i]!();
      const dt = performance.now() - t0;
      times[i]!.push(dt);
      spent[i]! += dt;
    }
  }
  return times.map(median);
}

/** A bench that failed for one impl (or for an interleaved group): shown under the table. */
export interface BenchNote {
  bench: string;
  impl: string;
  message: string;
}

/** The first line of an error's message. */
export function errorLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 200);
}

/**
 * Runs every impl of every case in order; an error is reported on stderr and in `notes`, and leaves
 * a `-`.
 */
export async function runCases(
  cases: readonly BenchCase[],
  onResult: (r: BenchResult) => void,
  notes: BenchNote[] = [],
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const fail = (bench: string, impl: string, e: unknown) => {
    console.error(`bench ${bench} / ${impl} failed:`, e instanceof Error ? e.message : e);
    notes.push({ bench, impl, message: errorLine(e) });
  };
  for (const c of cases) {
    let joint: Partial<Record<Impl, number>> = {};
    try {
      joint = (await c.together?.()) ?? {};
    } catch (e) {
      fail(c.name, "interleaved", e);
    }
    for (const impl of IMPLS) {
      let value: number | undefined = joint[impl];
      try {
        if (!(impl in joint)) value = await c.run[impl]?.();
      } catch (e) {
        fail(c.name, impl, e);
      }
      if (value === undefined || !Number.isFinite(value)) continue;
      const r: BenchResult = { bench: c.name, impl, value, unit: c.unit };
      results.push(r);
      onResult(r);
    }
  }
  return results;
}

/** One `--json` line. */
export function jsonLine(r: BenchResult): string {
  return JSON.stringify({ bench: r.bench, impl: r.impl, value: r.value, unit: r.unit });
}

function fmtValue(v: number | undefined): string {
  if (v === undefined) return "-";
  if (v >= 1000) return Math.round(v).toLocaleString("en-US");
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** tempo relative to a peer, oriented so that >1 always means tempo is better. */
export function ratio(
  tempo: number | undefined,
  peer: number | undefined,
  higherIsBetter: boolean,
): number | undefined {
  if (tempo === undefined || peer === undefined || tempo <= 0 || peer <= 0) return undefined;
  return higherIsBetter ? tempo / peer : peer / tempo;
}

/** The human-readable table (columns: `impls`, default all), its legend and the notes. */
export function formatTable(
  cases: readonly BenchCase[],
  results: readonly BenchResult[],
  options: { impls?: readonly Impl[]; notes?: readonly BenchNote[] } = {},
): string {
  const impls = options.impls ?? IMPLS;
  const peers = impls.filter((i) => i !== "tempo");
  const get = (bench: string, impl: Impl) =>
    results.find((r) => r.bench === bench && r.impl === impl)?.value;
  const header = ["bench", ...impls, ...peers.map((p) => `tempo/${SHORT[p]}`)];
  const rows = cases.map((c) => {
    const t = get(c.name, "tempo");
    return [
      `${c.name} [${c.unit}]`,
      ...impls.map((i) => fmtValue(get(c.name, i))),
      ...peers.map((p) => {
        const r = ratio(t, get(c.name, p), c.higherIsBetter);
        return r === undefined ? "-" : `${r.toFixed(2)}x`;
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    "| " + cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!)))
      .join(" | ") +
    " |";
  const sep = "|" +
    widths.map((w, i) => (i === 0 ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") +
    "|";
  const notes = (options.notes ?? []).map((n) => `- ${n.bench} / ${n.impl}: ${n.message}`);
  return [
    line(header),
    sep,
    ...rows.map(line),
    "",
    "Ratios: >1 means tempo is better (for GFLOP/s, GB/s and samples/s tempo/peer; for us and s " +
    "peer/tempo).",
    "`-`: no number (impl missing, skipped or failed).",
    ...(notes.length ? ["", "Notes (failed benches):", ...notes] : []),
  ].join("\n");
}
