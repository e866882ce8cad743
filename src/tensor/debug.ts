/**
 * The one debug knob of tempo: `TEMPO_DEBUG` in the environment (read once, through `_platform.ts`, so a
 * browser without Deno simply starts at 0) or {@linkcode setDebug} at run time. Levels add up:
 *
 * - 1: each submit, with its dispatches by kernel (the ops of the step, in order of first use);
 * - 2: also the WGSL of each pipeline when it is compiled;
 * - 3: also the buffer pool's statistics after each submit.
 *
 * At 0 (the default) the device pays one integer test per dispatch and per submit.
 * @module
 */
import { deno } from "../_platform.ts";

/** A sink for debug lines (default `console.log`). */
export type DebugLog = (line: string) => void;

function fromEnv(): number {
  const d = deno();
  if (!d) return 0;
  try {
    if (d.permissions.querySync?.({ name: "env", variable: "TEMPO_DEBUG" }).state !== "granted") {
      return 0;
    }
    const v = d.env.get("TEMPO_DEBUG");
    if (v === undefined || v === "") return 0;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 3) {
      console.warn(`[tempo] TEMPO_DEBUG=${v} ignored: expected 0, 1, 2 or 3`);
      return 0;
    }
    return n;
  } catch {
    return 0;
  }
}

/** @internal The current level (a live binding: the device tests it directly). */
export let debugLevel: number = fromEnv();
/** @internal Where debug lines go. */
export let debugLog: DebugLog = (line) => console.log(line);

/**
 * Sets the debug level (0 off, 1 submits and their dispatches, 2 also compiled WGSL, 3 also pool
 * statistics) and, optionally, where the lines go (default `console.log`). Overrides `TEMPO_DEBUG`.
 *
 * @example Usage
 * ```ts ignore
 * import { setDebug } from "./mod.ts";
 * setDebug(1); // [tempo] submit 3: 5 dispatches: unary|main|{"OP":5,"CONTIG":1} x2, ...
 * setDebug(0);
 * ```
 * @throws {RangeError} For a level that is not 0, 1, 2 or 3.
 */
export function setDebug(level: number, log?: DebugLog): void {
  if (!Number.isInteger(level) || level < 0 || level > 3) {
    throw new RangeError(`Cannot set the debug level to ${level}: expected 0, 1, 2 or 3`);
  }
  if (log !== undefined && typeof log !== "function") {
    throw new TypeError(`Cannot set the debug log to ${typeof log}: expected a function`);
  }
  debugLevel = level;
  debugLog = log ?? ((line) => console.log(line));
}

/** The current debug level (see {@linkcode setDebug}). */
export function getDebug(): number {
  return debugLevel;
}
