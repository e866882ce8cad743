/**
 * Private: the dtype checks every op runs before dispatching, so that no kernel reads one dtype's
 * bits as another's. Ops that exist only for f32 refuse other dtypes with a `TypeError` naming them;
 * the elementwise ops promote as PyTorch does (see `cast.ts` and `elementwise.ts`).
 * @module
 */
import { type DType, Tensor } from "../tensor.ts";
import { describeArg } from "./_args.ts";

const DTYPES: readonly DType[] = ["f32", "i32"];

/** Throws a `TypeError` unless `dtype` is a tensor dtype. */
export function checkDtypeName(dtype: unknown, what: string): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new TypeError(
      `Cannot ${what} with dtype ${JSON.stringify(dtype)}: expected "f32" or "i32"`,
    );
  }
}

/** `i32 by f32` (two tensors) or `an i32 tensor` (one). */
function describe(ts: readonly Tensor[], joiner: string): string {
  if (ts.length === 1) return `an ${ts[0]!.dtype} tensor`;
  return ts.map((t) => t.dtype).join(` ${joiner} `);
}

/**
 * Throws a `TypeError` unless every tensor is f32: `Cannot matmul i32 by f32: matmul takes f32
 * tensors (convert with toFloat(t) or t.float())`, and unless each is a `Tensor`. Null and undefined
 * entries are skipped.
 */
export function floatOnly(
  op: string,
  tensors: readonly (Tensor | null | undefined)[],
  joiner = "and",
): void {
  const ts = tensors.filter((t): t is Tensor => t !== null && t !== undefined);
  for (const t of ts) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`Cannot ${op}: expected Tensors, got ${describeArg(t)} among its inputs`);
    }
  }
  if (ts.every((t) => t.dtype === "f32")) return;
  throw new TypeError(
    `Cannot ${op} ${describe(ts, joiner)}: ${op} takes f32 tensors ` +
      `(convert with toFloat(t) or t.float())`,
  );
}
