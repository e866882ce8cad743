/**
 * Private: `Learner.fitOneCycle`'s options split into the phases of the cycle (`oneCyclePhases`)
 * and the options it passes on to `fitOptSched`.
 * @module
 */

import { oneCyclePhases } from "./recipes.ts";
import type { TrainingPhase } from "./training_phase.ts";
import type { FitOneCycleOptions, FitOptSchedOptions, OptimizerClass } from "./learner_types.ts";
import { FIT_SPEC } from "./_specs.ts";

/** The two phases of the cycle, and the `fitOptSched` options among `options`. */
export function splitOneCycle(
  epochs: number,
  options: FitOneCycleOptions,
  defaultOptimizer: OptimizerClass,
): { phases: TrainingPhase[]; fit: FitOptSchedOptions } {
  const { lrMax = 1e-3, div, divFinal, pctStart, moms, wd, decoupledWd, optimizer } = options;
  const phases = oneCyclePhases({
    epochs,
    lrMax,
    div,
    divFinal,
    pctStart,
    moms,
    optimizer: optimizer ?? defaultOptimizer,
    wds: wd,
    wdLoss: decoupledWd === undefined ? undefined : !decoupledWd,
  });
  const fit = Object.fromEntries(
    Object.entries(options).filter(([k]) => Object.hasOwn(FIT_SPEC, k)),
  );
  return { phases, fit };
}
