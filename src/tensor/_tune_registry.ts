/**
 * Private: the kernel families the autotuner (`tune.ts`) chooses among. A family is a name, its
 * variants (the default, today's kernel, first), a check of its shape-class keys, and (attached by
 * the family's trial module, `ops/_*_trial.ts`) the candidates worth timing for a recorded class and
 * a runner of one variant. The table is adapter -> family -> shape class -> variant, in memory.
 *
 * The hot path of a dispatch is {@linkcode TuneFamily.choose}: the caller builds the class key (one
 * string), then a cached adapter key and two map lookups; on a miss the caller runs the default and
 * {@linkcode TuneFamily.note}s the class (with its first shape) for `tune()`. No GPU work here.
 * @module
 */
import type { Device } from "./device.ts";
import { adapterKey } from "./_adapter.ts";

/** One prepared set of trials of a shape class: operands made once, every variant run on them. */
export interface TrialSet {
  /** Queues one run of the op in `variant` (no wait). */
  run(variant: string): void;
  /** Runs queued per timed round (enough work to time, a few at least). */
  reps: number;
  /** Releases the operands. */
  dispose(): void;
}

/** What a family's trial module attaches: the candidates of a class, and their runner. */
export interface FamilyTrials<S> {
  /** The variants worth timing for a class first seen as `shape` on `d` (the default first). */
  candidates(shape: S, d: Device): string[];
  /** Operands and a runner for `shape` (`rounds` and `reps` are the caller's; reps 0: the family's). */
  prepare(shape: S, d: Device): TrialSet;
}

/** Shape classes remembered per family (with their first shape) before `tune()` takes them. */
const MAX_SEEN = 1024;

/** One tuned kernel family: its table per adapter and the classes seen in this process. */
export class TuneFamily<S = unknown> {
  /** The family's name in the table, e.g. `matmul`. */
  readonly name: string;
  /** Every variant, the default first. */
  readonly variants: readonly string[];
  /** Whether `key` is a well-formed shape class (for imported tables). */
  readonly isClass: (key: string) => boolean;
  /** What a class key looks like, for errors. */
  readonly classHint: string;
  /** Adapter key -> class -> variant measured fastest there. */
  readonly byAdapter = new Map<string, Map<string, string>>();
  /** Classes seen in this process, with their first shape. */
  readonly seen = new Map<string, S>();
  /** Set by the trial module. */
  trials: FamilyTrials<S> | null = null;
  /** While set, every dispatch of the family runs this variant (the trials; tests). */
  forced: string | undefined = undefined;
  #dev: Device | null = null;
  #key = "";

  constructor(
    name: string,
    variants: readonly string[],
    isClass: (k: string) => boolean,
    hint: string,
  ) {
    this.name = name;
    this.variants = variants;
    this.isClass = isClass;
    this.classHint = hint;
  }

  /** The default variant (today's kernel). */
  get default(): string {
    return this.variants[0]!;
  }

  #adapter(d: Device): string {
    if (d !== this.#dev) [this.#dev, this.#key] = [d, adapterKey(d)];
    return this.#key;
  }

  /** The variant measured for class `cls` on `d`'s adapter (or the forced one); undefined if none. */
  choose(d: Device, cls: string): string | undefined {
    if (this.forced !== undefined) return this.forced;
    return this.byAdapter.get(this.#adapter(d))?.get(cls);
  }

  /** Records class `cls` first seen as `shape` (once; at most MAX_SEEN classes). */
  note(cls: string, shape: S): void {
    if (this.seen.size < MAX_SEEN && !this.seen.has(cls)) this.seen.set(cls, shape);
  }

  /** Whether `note` would record `cls` (callers build the shape only then). */
  wants(cls: string): boolean {
    return this.seen.size < MAX_SEEN && !this.seen.has(cls);
  }

  /** The table of `d`'s adapter (created when `create`). */
  tableOf(d: Device, create = false): Map<string, string> | undefined {
    const key = this.#adapter(d);
    let t = this.byAdapter.get(key);
    if (!t && create) this.byAdapter.set(key, t = new Map());
    return t;
  }

  /** Seen classes that `d`'s adapter has no measurement for. */
  pending(d: Device): [string, S][] {
    const t = this.tableOf(d);
    return [...this.seen].filter(([k]) => !t?.has(k));
  }

  /** Whether any seen class is unmeasured on `d`'s adapter. */
  hasPending(d: Device): boolean {
    const t = this.tableOf(d);
    if (!t) return this.seen.size > 0;
    for (const k of this.seen.keys()) if (!t.has(k)) return true;
    return false;
  }

  /** Runs `fn` with every dispatch of the family in `variant`. */
  with<T>(variant: string, fn: () => T): T {
    const before = this.forced;
    this.forced = variant;
    try {
      return fn();
    } finally {
      this.forced = before;
    }
  }
}

/** Every family, by name (registration order varies with the import graph: see `familyList`). */
export const FAMILIES = new Map<string, TuneFamily<unknown>>();

/** The order families are tuned, listed and exported in. */
const ORDER = ["matmul", "conv", "elementwise", "reduce", "optim"];

/** Every registered family, in a fixed order (matmul, conv, elementwise, reduce, optim). */
export function familyList(): TuneFamily<unknown>[] {
  const rank = (n: string) => (ORDER.indexOf(n) + ORDER.length + 1) % (ORDER.length + 1);
  return [...FAMILIES.values()].sort((a, b) => rank(a.name) - rank(b.name));
}

/** Registers a family (once per name). */
export function defineFamily<S>(
  name: string,
  variants: readonly string[],
  isClass: (key: string) => boolean,
  hint: string,
): TuneFamily<S> {
  if (FAMILIES.has(name)) throw new TypeError(`Cannot define tuning family '${name}' twice`);
  const f = new TuneFamily<S>(name, variants, isClass, hint);
  FAMILIES.set(name, f as TuneFamily<unknown>);
  return f;
}

/** `x` rounded up to a power of two (at least 1). */
export const pow2 = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** Whether `s` is the decimal of a power of two. */
export const isPow2Text = (s: string): boolean => {
  const v = Number(s);
  return v >= 1 && Number.isSafeInteger(v) && (v & (v - 1)) === 0 && String(v) === s;
};

/** A challenger replaces the default only when faster than this fraction of its time (noise). */
export const KEEP_DEFAULT = 0.97;

/**
 * Picks the fastest of `ms`: `order[0]` (the default) unless another is under KEEP_DEFAULT of its
 * time; ties go to the earlier candidate.
 */
export function pickFastest(
  order: readonly string[],
  ms: Partial<Record<string, number>>,
): string {
  const first = order[0]!;
  let best = first, bestMs = (ms[first] ?? Infinity) * KEEP_DEFAULT;
  for (const v of order) {
    const t = ms[v];
    if (v !== first && t !== undefined && t < bestMs) [best, bestMs] = [v, t];
  }
  return best;
}

/** Forgets what every family saw and measured (tests). */
export function resetAllTuning(): void {
  for (const f of FAMILIES.values()) {
    f.byAdapter.clear();
    f.seen.clear();
    f.forced = undefined;
  }
}
