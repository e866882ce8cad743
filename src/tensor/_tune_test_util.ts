/**
 * Private test helpers of the tuned-family tests: seeded tensors with their twin arrays, and the
 * kernels a piece of work dispatched, read from the debug log (`setDebug(1)` names each dispatch's
 * shader, entry point and override constants).
 * @module
 */
import { setDebug } from "./debug.ts";
import { tensor } from "./creation.ts";
import type { Tensor } from "./tensor.ts";
import { randArray } from "./_test_util.ts";
import { type Arr, arr } from "./ops/_ref_arr.ts";

/** A tensor of `shape` with seeded data in [-1, 1) (`zeros`: its negatives as 0), and its twin. */
export function rand(shape: number[], seed: number, zeros = false): { t: Tensor; a: Arr } {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = randArray(n, seed).map((x) => (zeros && x < 0 ? 0 : x));
  return { t: tensor(data, { shape }), a: arr(shape, data) };
}

/** One dispatch named in the debug log. */
export interface Launch {
  name: string;
  entry: string;
  consts: Record<string, number>;
}

/** Runs `fn` and reads its result, returning it with the dispatches its submits logged. */
export async function logged(
  fn: () => Tensor,
): Promise<{ out: Tensor; data: Float32Array; log: string; ran: Launch[] }> {
  const lines: string[] = [];
  setDebug(1, (l) => lines.push(l));
  try {
    const out = fn();
    const data = (await out.data()) as Float32Array;
    const log = lines.join("\n");
    const ran = [...log.matchAll(/(\w+)\|(\w+)\|(\{[^}]*\})/g)].map((m) => ({
      name: m[1]!,
      entry: m[2]!,
      consts: JSON.parse(m[3]!) as Record<string, number>,
    }));
    return { out, data, log, ran };
  } finally {
    setDebug(0);
  }
}
