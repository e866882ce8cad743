/**
 * Writes one batch's scheduled hyperparameters into an optimizer.
 * @module
 */

import { validateHypers } from "../optim/hypers.ts";
import type { BatchHypers } from "./schedule.ts";
import type { GroupHypers, ScheduledOptimizer } from "./types.ts";
import { show } from "./_values.ts";

/** The values {@linkcode applyPhaseHypers} writes (a {@linkcode BatchHypers} fits). */
export type PhaseHyperValues = Pick<BatchHypers, "lr" | "momentum" | "beta" | "wd" | "decoupledWd">;

/**
 * Writes every group's lr, momentum and wd mode, the beta when defined and the wd when defined
 * (`undefined` leaves the optimizer's value as is). The wd mode is always written, so a freshly
 * created optimizer cannot silently fall back to L2 when the schedule says decoupled.
 * Called by the learner before each batch.
 *
 * @example
 * ```ts
 * import { applyPhaseHypers, hypersAt } from "./mod.ts";
 * // applyPhaseHypers(optimizer, hypersAt(plan, k));
 * ```
 */
export function applyPhaseHypers(opt: ScheduledOptimizer, values: PhaseHyperValues): void {
  const groups = opt.groupCount;
  if (values.lr.length !== groups) {
    throw new RangeError(
      `Cannot apply hyperparameters to ${opt.optimizerName}: expected ${groups} lrs (one per group), got ${values.lr.length}`,
    );
  }
  if (values.wd !== undefined && values.wd.length !== groups) {
    throw new RangeError(
      `Cannot apply hyperparameters to ${opt.optimizerName}: expected ${groups} wds (one per group), got ${values.wd.length}`,
    );
  }
  if (typeof values.decoupledWd !== "boolean") {
    throw new TypeError(
      `Cannot apply hyperparameters: expected decoupledWd to be a boolean, got ${
        show(values.decoupledWd)
      }`,
    );
  }
  for (let g = 0; g < groups; g++) {
    const h: Partial<GroupHypers> = {
      lr: values.lr[g],
      momentum: values.momentum,
      decoupledWd: values.decoupledWd,
    };
    if (values.beta !== undefined) h.beta = values.beta;
    if (values.wd !== undefined) h.weightDecay = values.wd[g];
    validateHypers(h, `group ${g} scheduled`);
    opt.setHypers(g, h);
  }
}
