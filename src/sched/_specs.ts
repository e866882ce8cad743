/**
 * Private: the option specs of the scheduler's public functions (for `src/_options.ts`'s
 * `checkOptions`). Kinds only; each function still checks its ranges.
 * @module
 */
import { ANY, type OptionSpec } from "../_options.ts";

/** `StopDivOptions` (DivergenceDetector, `stopDivOptions` of the fits and lrFind). */
export const STOP_DIV_SPEC: OptionSpec = {
  factor: "number",
  minIters: "number",
  minMargin: "number",
};

/** `LearnerOptions`. */
export const LEARNER_SPEC: OptionSpec = {
  lossFn: "function",
  metrics: "array",
  optimizer: "function",
  optimizers: "array",
  callbacks: "array",
};

/** `FitOptSchedOptions` without `dataList` (what `fitOneCycle` passes on). */
const FIT_COMMON: OptionSpec = {
  stopDiv: "boolean",
  stopDivOptions: "object",
  log: ["false", "function"],
  progress: "boolean",
  readEvery: "number",
  resetOpt: "boolean",
  onBatchEnd: "function",
  callbacks: "array",
  validate: "boolean",
  resume: "path",
};

/** `FitOptSchedOptions`. */
export const FIT_SPEC: OptionSpec = { ...FIT_COMMON, dataList: "array" };

/** `SchedulePreviewOptions`. */
export const PREVIEW_SPEC: OptionSpec = { dataList: "array" };

/** `FitOneCycleOptions`. */
export const FIT_ONE_CYCLE_SPEC: OptionSpec = {
  ...FIT_COMMON,
  lrMax: "numbers",
  div: "number",
  divFinal: "number",
  pctStart: "number",
  moms: "array",
  wd: "numbers",
  decoupledWd: "boolean",
  optimizer: "function",
};

/** `LrFindOptions`. */
export const LR_FIND_SPEC: OptionSpec = {
  startLr: "number",
  endLr: "number",
  numIt: "number",
  epochs: "number",
  linear: "boolean",
  stopDiv: "boolean",
  stopDivOptions: "object",
  momentum: "number",
  optimizer: "function",
  progress: "boolean",
};

/** Options of `Learner.save` / `Learner.load`. */
export const SAVE_SPEC: OptionSpec = { path: "path" };

/** `SgdrOptions`. */
export const SGDR_SPEC: OptionSpec = {
  lr: "numbers",
  optimizer: ANY,
  numCycles: "number",
  cycleLen: "number",
  cycleMult: "number",
};

/** `OneCycleNotebookOptions`. */
export const ONE_CYCLE_NOTEBOOK_SPEC: OptionSpec = {
  cycleLen: "number",
  lr: "numbers",
  div: "number",
  pct: "number",
  maxMom: "number",
  minMom: "number",
  optimizer: ANY,
};

/** `OneCycleOptions`. */
export const ONE_CYCLE_SPEC: OptionSpec = {
  epochs: "number",
  lrMax: "numbers",
  div: "number",
  divFinal: "number",
  pctStart: "number",
  moms: "array",
  optimizer: ANY,
  wds: "numbers",
  wdLoss: "boolean",
};

/** `ScheduleOptions`. */
export const SCHEDULE_SPEC: OptionSpec = {
  nbBatches: "numbers",
  groupCount: "number",
  dataKeys: "array",
};
