/**
 * Thins a long polyline without changing how it looks: within each run of points that fall in the same
 * pixel column it keeps the first, the lowest, the highest and the last point.
 *
 * @module
 */

/** A pixel point, or `null` where the line breaks. */
export type Pt = [number, number] | null;

/** `pts` with at most 4 points per pixel column and run; breaks (`null`) are kept. */
export function decimate(pts: Pt[]): Pt[] {
  const out: Pt[] = [];
  let bucket: [number, number][] = [];
  let col = NaN;
  const flush = () => {
    if (bucket.length <= 4) out.push(...bucket);
    else {
      let lo = 0, hi = 0;
      bucket.forEach((p, i) => {
        if (p[1] < bucket[lo]![1]) lo = i;
        if (p[1] > bucket[hi]![1]) hi = i;
      });
      const keep = [...new Set([0, lo, hi, bucket.length - 1])].sort((a, b) => a - b);
      for (const i of keep) out.push(bucket[i]!);
    }
    bucket = [];
  };
  for (const p of pts) {
    if (p === null) {
      flush();
      out.push(null);
      col = NaN;
      continue;
    }
    const c = Math.round(p[0]);
    if (c !== col) flush();
    col = c;
    bucket.push(p);
  }
  flush();
  return out;
}
