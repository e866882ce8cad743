/**
 * Private: the option specs of the optimizers (for `src/_options.ts`'s `checkOptions`): the keys of
 * `GroupHypers`, accepted by every constructor, by parameter groups and by `setHypers`.
 * @module
 */
import type { OptionSpec } from "../_options.ts";

/** The keys of `GroupHypers` and their kinds (ranges: `validateHypers`). */
export const HYPER_SPEC: OptionSpec = {
  lr: "number",
  momentum: "number",
  beta: "number",
  weightDecay: "number",
  decoupledWd: "boolean",
  eps: "number",
};
