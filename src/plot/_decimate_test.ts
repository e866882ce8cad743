import assert from "node:assert/strict";
import { decimate, type Pt } from "./_decimate.ts";

Deno.test("decimate keeps first, min, max, last per pixel column", () => {
  const pts: Pt[] = [[0, 5], [0.1, 1], [0.2, 9], [0.3, 4], [0.4, 3], [1, 2]];
  assert.deepEqual(decimate(pts), [[0, 5], [0.1, 1], [0.2, 9], [0.4, 3], [1, 2]]);
});

Deno.test("decimate keeps breaks and short runs untouched", () => {
  const pts: Pt[] = [[0, 1], null, [0.2, 2], [0.3, 3], [5, 1]];
  assert.deepEqual(decimate(pts), pts);
});

Deno.test("decimate bounds the size of a dense line", () => {
  const pts: Pt[] = Array.from({ length: 100000 }, (_, i) => [i / 200, Math.sin(i)]);
  assert.ok(decimate(pts).length <= 4 * 501);
});
