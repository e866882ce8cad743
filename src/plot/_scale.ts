/**
 * Linear and log10 scales with "nice" ticks (1-2-5 steps on linear axes, decades on log axes).
 *
 * @module
 */

/** One tick: its data value, its label (`""` for unlabelled minor ticks). */
export interface Tick {
  value: number;
  label: string;
  major: boolean;
}

/** Maps data values to pixels. */
export interface Scale {
  readonly log: boolean;
  readonly domain: readonly [number, number];
  /** Data value → pixel; `NaN` when the value cannot be shown (not finite, or <= 0 on a log scale). */
  map(v: number): number;
  ticks(): Tick[];
}

/** The finite (and, for a log scale, positive) min and max of `values`, or `undefined` when none. */
export function extent(values: Iterable<number>, log: boolean): [number, number] | undefined {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Pads an extent by `margin` of its span (like matplotlib's margins); equal values get a sensible range. */
export function paddedDomain(
  ext: [number, number] | undefined,
  log: boolean,
  margin = 0.05,
): [number, number] {
  if (log) {
    if (ext === undefined) return [0.1, 10];
    let [a, b] = [Math.log10(ext[0]), Math.log10(ext[1])];
    if (b - a < 1e-12) [a, b] = [a - 0.5, b + 0.5];
    else [a, b] = [a - (b - a) * margin, b + (b - a) * margin];
    return [10 ** a, 10 ** b];
  }
  if (ext === undefined) return [0, 1];
  const [lo, hi] = ext;
  if (hi - lo <= Math.abs(hi) * 1e-12) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * margin;
  return [lo - d, hi + d];
}

/** A linear or log10 scale from `domain` (data) to `range` (pixels; may be reversed for y). */
export function makeScale(
  domain: [number, number],
  range: [number, number],
  log: boolean,
  targetTicks = 6,
): Scale {
  const f = log ? Math.log10 : (v: number) => v;
  const [d0, d1] = [f(domain[0]), f(domain[1])];
  const [r0, r1] = range;
  return {
    log,
    domain,
    map(v: number): number {
      if (!Number.isFinite(v) || (log && v <= 0)) return NaN;
      return r0 + (f(v) - d0) / (d1 - d0) * (r1 - r0);
    },
    ticks: () =>
      log ? logTicks(domain[0], domain[1]) : linearTicks(domain[0], domain[1], targetTicks),
  };
}

/** A 1-2-5 step close to `span / target`. */
export function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

/** Ticks at multiples of a 1-2-5 step inside `[lo, hi]`. */
export function linearTicks(lo: number, hi: number, target = 6): Tick[] {
  const step = niceStep(hi - lo, target);
  const first = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9);
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const value = i * step;
    ticks.push({ value, label: formatLinear(value, step, big), major: true });
  }
  return ticks;
}

function formatLinear(v: number, step: number, big: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (Math.abs(v) < step * 1e-6) return decimals <= 4 && big < 1e6 ? (0).toFixed(decimals) : "0";
  if (decimals <= 4 && big < 1e6) return v.toFixed(decimals);
  const digits = Math.floor(Math.log10(Math.abs(v)) + 1e-9) - Math.floor(Math.log10(step) + 1e-9);
  return sci(v, Math.min(6, Math.max(0, digits)));
}

function sci(v: number, digits: number): string {
  const [m = "", e] = v.toExponential(digits).split("e");
  return `${m.includes(".") ? m.replace(/\.?0+$/, "") : m}e${Number(e)}`;
}

/** Label of `m × 10^k` on a log axis: `1e-5`, `2e-3`; plain for 0.1 ... 10. */
export function formatLog(m: number, k: number): string {
  if (k >= -1 && k <= 1) return String(Number((m * 10 ** k).toPrecision(6)));
  return `${m}e${k}`;
}

/**
 * Log ticks inside `[lo, hi]`: labelled decades (every n-th one when there are more than 10) with unlabelled
 * minor ticks; when fewer than two decades fit, labelled 1-2-5 (then 1..9) multiples instead.
 */
export function logTicks(lo: number, hi: number): Tick[] {
  const kLo = Math.floor(Math.log10(lo)), kHi = Math.ceil(Math.log10(hi));
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const all: { m: number; k: number; v: number }[] = [];
  for (let k = kLo; k <= kHi; k++) {
    for (let m = 1; m <= 9; m++) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (inside(v)) all.push({ m, k, v });
    }
  }
  if (all.length < 2) return linearTicks(lo, hi, 4);
  const decades = all.filter((t) => t.m === 1);
  if (decades.length >= 2) {
    const stride = Math.ceil(decades.length / 10);
    return all
      .filter((t) => t.m === 1 || stride === 1)
      .map((t) => {
        const major = t.m === 1 && t.k % stride === 0;
        return { value: t.v, label: major ? formatLog(1, t.k) : "", major };
      });
  }
  const few = all.filter((t) => t.m === 1 || t.m === 2 || t.m === 5);
  const labelled = few.length >= 2 ? few : all;
  return all.map((t) => {
    const major = labelled.includes(t);
    return { value: t.v, label: major ? formatLog(t.m, t.k) : "", major };
  });
}
