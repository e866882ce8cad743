/**
 * Private: the option specs of the built-in callbacks (for `src/_options.ts`'s `checkOptions`).
 * @module
 */
import type { OptionSpec } from "../../_options.ts";

/** `EarlyStoppingOptions`. */
export const EARLY_STOPPING_SPEC: OptionSpec = {
  monitor: "string",
  patience: "integer",
  minDelta: "number",
  mode: { oneOf: ["min", "max"] },
};

/** `SaveModelOptions`. */
export const SAVE_MODEL_SPEC: OptionSpec = {
  path: "path",
  monitor: "string",
  every: { oneOf: ["best", "epoch"] },
  mode: { oneOf: ["min", "max"] },
  restoreBest: "boolean",
};

/** `GradientClipOptions`. */
export const GRADIENT_CLIP_SPEC: OptionSpec = { maxNorm: "number" };

/** `GradientAccumulationOptions`. */
export const GRADIENT_ACCUMULATION_SPEC: OptionSpec = { steps: "integer" };

/** `CsvLoggerOptions`. */
export const CSV_LOGGER_SPEC: OptionSpec = { path: "path" };

/** `SaveCheckpointOptions`. */
export const SAVE_CHECKPOINT_SPEC: OptionSpec = {
  path: "path",
  everyBatches: "integer",
  everyEpochs: "integer",
};

/** `DivergenceGuardOptions`. */
export const DIVERGENCE_GUARD_SPEC: OptionSpec = {
  factor: "number",
  lrFactor: "number",
  every: "integer",
  maxRollbacks: "integer",
};
