/**
 * Private: the matmul family's trials for `tune()`: the candidate variants of a recorded class
 * (`variantCandidates`) and one product of a variant on the class's first shape, operands made once.
 *
 * Not here: the table and the lookup of each product (`_matmul_tune.ts`), the clock (`../tune.ts`).
 * @module
 */
import { randn } from "../creation.ts";
import type { Tensor } from "../tensor.ts";
import { matmulPlanned } from "./matmul.ts";
import { type MatmulVariant, variantCandidates, variantPlan } from "./_matmul_plan.ts";
import { type ClassShape, MATMUL } from "./_matmul_tune.ts";
import { hasSubgroups } from "../_adapter.ts";

function operands(s: ClassShape): Tensor[] {
  const lead = (shared: boolean) => (s.batch > 1 && !shared ? [s.batch] : []);
  const a = randn([...lead(s.sharedA), ...(s.transA ? [s.k, s.m] : [s.m, s.k])], { seed: 1 });
  const b = randn([...lead(s.sharedB), ...(s.transB ? [s.n, s.k] : [s.k, s.n])], { seed: 2 });
  return s.bias ? [a, b, randn([s.n], { seed: 3 })] : [a, b];
}

MATMUL.trials = {
  candidates: (s, d) =>
    variantCandidates(
      s.m,
      s.n,
      s.k,
      s.batch,
      d.gpu.limits.maxComputeInvocationsPerWorkgroup,
      hasSubgroups(d),
    ),
  prepare(s) {
    const [a, b, bias] = operands(s);
    const mmOpts = { transA: s.transA, transB: s.transB, bias, relu: s.relu };
    return {
      // enough products for about 1 GFLOP, 2 to 20
      reps: Math.max(2, Math.min(20, Math.round(1e9 / (2 * s.m * s.n * s.k * s.batch)))),
      run: (v) =>
        matmulPlanned(a!, b!, mmOpts, variantPlan(v as MatmulVariant, s.m, s.n, s.k, s.batch))
          .dispose(),
      dispose: () => {
        for (const t of [a, b, bias]) t?.dispose();
      },
    };
  },
};
