/**
 * Private: the option specs of the plot functions (for `src/_options.ts`'s `checkOptions`).
 * @module
 */
import type { OptionSpec } from "../_options.ts";

/** `PlotLrOptions`. */
export const PLOT_LR_SPEC: OptionSpec = {
  showText: "boolean",
  showMoms: "boolean",
  title: "string",
};

/** `PlotLossOptions`. */
export const PLOT_LOSS_SPEC: OptionSpec = { nSkip: "number", title: "string" };

/** `PlotLrLossOptions`. */
export const PLOT_LR_LOSS_SPEC: OptionSpec = {
  nSkip: "number",
  nSkipEnd: "number",
  linear: "boolean",
  suggestions: "array",
  title: "string",
};
