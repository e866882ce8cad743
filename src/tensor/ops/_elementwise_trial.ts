/**
 * Private: the elementwise family's trials for `tune()`: the workgroup sizes (and, for vec4 binary
 * ops, the scalar kernel) worth timing for a recorded class, and one op of the class's kind on its
 * first operand shapes (`exp`, `add`, `where`), operands made once.
 *
 * Not here: the lookup of each dispatch (`_elementwise_tune.ts`), the clock (`../tune.ts`).
 * @module
 */
import { randn } from "../creation.ts";
import { B, U } from "./_op_codes.ts";
import { binaryRaw, unaryRaw } from "./_elementwise_raw.ts";
import { where } from "./elementwise.ts";
import { ELEMENTWISE } from "./_elementwise_tune.ts";

ELEMENTWISE.trials = {
  candidates: (s, d) => {
    const out = ["wg256", "wg128", "wg64"];
    if (d.gpu.limits.maxComputeInvocationsPerWorkgroup < 256) out.shift();
    return s.kind === "vec4" ? [...out, "scalar"] : out;
  },
  prepare(s) {
    const ts = s.shapes.map((sh, i) => randn([...sh], { seed: 11 + i }));
    let n = 1;
    for (const x of s.shapes.length === 3 ? ts[0]!.shape : ts[ts.length - 1]!.shape) n *= x;
    const op = () => {
      switch (s.kind) {
        case "unary":
          return unaryRaw(ts[0]!, U.exp);
        case "where":
          return where(ts[0]!, ts[1]!, ts[2]!);
        default:
          return binaryRaw(ts[0]!, ts[1]!, B.add, "add");
      }
    };
    return {
      // about 32M elements a round, 4 to 50 runs
      reps: Math.max(4, Math.min(50, Math.round(2 ** 25 / Math.max(1, n)))),
      run: (v) => ELEMENTWISE.with(v, op).dispose(),
      dispose: () => {
        for (const t of ts) t.dispose();
      },
    };
  },
};
