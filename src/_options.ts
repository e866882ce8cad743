/**
 * Private: the one checker of options objects across the public API. `checkOptions(what, obj, spec)`
 * rejects an unknown key with a `TypeError` naming the nearest known key (`stop_div`: did you mean
 * `stopDiv`?) and a value of the wrong kind (`log: "yes"`). It checks kinds only: ranges (lr > 0,
 * momentum in [0, 1)) stay with the code that owns the value and throws its `RangeError`.
 *
 * Platform-neutral (no Deno API), no GPU.
 * @module
 */

/** A kind of value an option accepts. */
export type Kind =
  | "number"
  | "integer"
  | "boolean"
  | "function"
  | "string"
  | "object"
  | "array"
  | "numbers"
  | "false"
  | "path";

/** What one option accepts: a kind, several kinds, an enumeration, or a custom test. */
export type OptionCheck =
  | Kind
  | readonly Kind[]
  | { readonly oneOf: readonly unknown[] }
  | { readonly test: (v: unknown) => boolean; readonly expected: string };

/** The keys an options object may have, each with what it accepts (`undefined` always passes). */
export type OptionSpec = Readonly<Record<string, OptionCheck>>;

const KIND_TEXT: Record<Kind, string> = {
  number: "a number",
  integer: "an integer",
  boolean: "a boolean",
  function: "a function",
  string: "a string",
  object: "an object",
  array: "an array",
  numbers: "a number or an array of numbers",
  false: "false",
  path: "a path (string or URL)",
};

function isKind(v: unknown, k: Kind): boolean {
  switch (k) {
    case "number":
      return typeof v === "number";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "function":
      return typeof v === "function";
    case "string":
      return typeof v === "string";
    case "object":
      return v !== null && typeof v === "object";
    case "array":
      return Array.isArray(v);
    case "numbers":
      return typeof v === "number" || (Array.isArray(v) && v.every((x) => typeof x === "number")) ||
        v instanceof Float64Array || v instanceof Float32Array;
    case "false":
      return v === false;
    case "path":
      return typeof v === "string" || v instanceof URL;
  }
}

/** A short description of a value for messages: `"yes" (string)`, `5 (number)`, `null`. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return `${JSON.stringify(v)} (string)`;
  if (typeof v === "function") return `a function`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "Object"})`;
  return `${String(v)} (${typeof v})`;
}

function expected(c: OptionCheck): string {
  if (typeof c === "string") return KIND_TEXT[c];
  if (Array.isArray(c)) {
    const parts = (c as readonly Kind[]).map((k) => KIND_TEXT[k]);
    return parts.length <= 2
      ? parts.join(" or ")
      : `${parts.slice(0, -1).join(", ")} or ${parts.at(-1)}`;
  }
  if ("oneOf" in (c as object)) {
    return `one of ${
      (c as { oneOf: readonly unknown[] }).oneOf.map((x) => JSON.stringify(x)).join(", ")
    }`;
  }
  return (c as { expected: string }).expected;
}

function accepts(c: OptionCheck, v: unknown): boolean {
  if (typeof c === "string") return isKind(v, c);
  if (Array.isArray(c)) return (c as readonly Kind[]).some((k) => isKind(v, k));
  if ("oneOf" in (c as object)) return (c as { oneOf: readonly unknown[] }).oneOf.includes(v);
  return (c as { test: (v: unknown) => boolean }).test(v);
}

/** Lower case without `_`, `-` and spaces: `stop_div`, `StopDiv` and `stopdiv` compare equal. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[_\-\s]/g, "");
}

/** Words users bring from fastai / PyTorch / Keras, folded, and the folded names they stand for. */
const SYNONYMS: Record<string, readonly string[]> = {
  weightdecay: ["wd", "wds"],
  wd: ["weightdecay", "wds"],
  wds: ["wd", "weightdecay"],
  learningrate: ["lr"],
  mom: ["momentum", "moms"],
  moms: ["momentum"],
  momentum: ["moms"],
  betas: ["beta"],
  epoch: ["epochs"],
  batchsize: ["bs"],
  showmom: ["showmoms"],
};

/** Levenshtein distance (small strings). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known key nearest to `key`: equal up to case and `_`/`-`, else a synonym (`weight_decay` →
 * `weightDecay` or `wd`), else the closest by edit distance within a third of its length (at least
 * 2; 1 for keys of 1 or 2 letters). `undefined` when nothing is near.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const f = fold(key);
  const folded = known.map(fold);
  const exact = folded.indexOf(f);
  if (exact >= 0) return known[exact];
  for (const syn of SYNONYMS[f] ?? []) {
    const i = folded.indexOf(syn);
    if (i >= 0) return known[i];
  }
  let best: string | undefined;
  let bestD = (f.length <= 2 ? 1 : Math.max(2, Math.floor(f.length / 3))) + 1;
  folded.forEach((k, i) => {
    const d = distance(f, k);
    if (d < bestD) {
      bestD = d;
      best = known[i];
    }
  });
  if (best === undefined) {
    // a known key that contains the given one or the reverse (`moms` / `showMoms`)
    const i = folded.findIndex((k) => f.length >= 3 && (k.includes(f) || f.includes(k)));
    if (i >= 0) best = known[i];
  }
  return best;
}

/**
 * Checks an options object: `undefined` passes (every option defaulted), anything else but a plain
 * object throws; an unknown key throws a `TypeError` that names the nearest known key; a value that
 * `spec` does not accept throws a `TypeError` saying what was expected and what came. An option set
 * to `undefined` passes (it means "the default").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.throws(
 *   () => checkOptions("fitOptSched", { stop_div: true }, { stopDiv: "boolean" }),
 *   /Cannot use fitOptSched option 'stop_div': unknown option, did you mean 'stopDiv'\?/,
 * );
 * ```
 */
export function checkOptions(what: string, obj: unknown, spec: OptionSpec): void {
  if (obj === undefined) return;
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new TypeError(`Cannot use ${what} options: expected an object, got ${describe(obj)}`);
  }
  const known = Object.keys(spec);
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(spec, key)) {
      const near = nearestKey(key, known);
      throw new TypeError(
        `Cannot use ${what} option '${key}': unknown option${
          near ? `, did you mean '${near}'?` : ""
        } (expected one of ${known.join(", ")})`,
      );
    }
    const v = (obj as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const c = spec[key]!;
    if (!accepts(c, v)) {
      throw new TypeError(
        `Cannot use ${what} option '${key}': expected ${expected(c)}, got ${describe(v)}`,
      );
    }
  }
}

/**
 * Throws a `TypeError` naming the first of `keys` that `obj` (already checked by
 * {@linkcode checkOptions}) lacks: `Cannot use ImageClassifierData.fromArrays options: 'train' is
 * required (expected train, valid, shape)`.
 */
export function requireOptions(what: string, obj: unknown, keys: readonly string[]): void {
  for (const k of keys) {
    if ((obj as Record<string, unknown> | null)?.[k] === undefined) {
      throw new TypeError(
        `Cannot use ${what} options: '${k}' is required (expected ${keys.join(", ")})`,
      );
    }
  }
}

/** Accepts any value: for an option whose owner checks its shape itself (a range, a decay spec). */
export const ANY: OptionCheck = { test: () => true, expected: "any value" };

/** Merges specs (an options type that extends another). */
export function specOf(...specs: OptionSpec[]): OptionSpec {
  return Object.assign({}, ...specs);
}

/** The entries of `obj` whose keys `spec` names (to pass a combined options object on in parts). */
export function pickOptions<T extends object>(obj: T, spec: OptionSpec): Partial<T> {
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => Object.hasOwn(spec, k)),
  ) as Partial<T>;
}
