/**
 * Private: the callback list of one fit — the built-ins (`_builtin_callbacks.ts`) the options ask
 * for, `TerminateOnNaN` unless one is given, then the learner's and the fit's own callbacks.
 * @module
 */
import type { Callback } from "./callback.ts";
import {
  onBatchEndCallback,
  ParamScheduler,
  ProgressCallback,
  RecorderCallback,
  StopDivCallback,
  Validator,
} from "./_builtin_callbacks.ts";
import { TerminateOnNaN } from "./callbacks/terminate_on_nan.ts";
import type { StopDivOptions } from "./divergence.ts";
import type { Recorder } from "./recorder.ts";
import type { ValidateContext } from "./_validate.ts";
import type { FitOptSchedOptions, LearnerData } from "./learner_types.ts";
import { deno } from "../_platform.ts";
import { type FitViews, fitViews } from "./_fit_views.ts";
import { jupyterApi } from "./_jupyter.ts";
import { checkCallbacks } from "./_events.ts";
import { planFingerprint } from "./train_state.ts";
import { planSchedule, type SchedulePlan } from "./schedule.ts";
import type { TrainingPhase } from "./training_phase.ts";
import type { Learner } from "./learner.ts";
import type { OptimizerClass } from "./learner_types.ts";
import type { Tensor } from "../tensor/mod.ts";

/** What the fit's callbacks are made from. */
export interface FitSetup {
  recorder: Recorder;
  validateContext: ValidateContext;
  dataList: readonly LearnerData[];
  stopDiv: boolean;
  stopDivOptions?: StopDivOptions;
  views: FitViews;
  onBatchEnd?: (iteration: number) => void;
  own: readonly Callback[];
}

/** The callbacks of a fit, and the built-ins the learner needs to reach. */
export function fitCallbacks(s: FitSetup): {
  callbacks: Callback[];
  recorder: RecorderCallback;
  validator: Validator;
  progress: ProgressCallback;
} {
  const recorder = new RecorderCallback(s.recorder);
  const progress = new ProgressCallback(s.views, s.validateContext.metrics.map((m) => m.name));
  const validator = new Validator(s.validateContext, s.dataList);
  const cbs: Callback[] = [
    new ParamScheduler(),
    recorder,
    progress,
    validator,
  ];
  if (!s.own.some((cb) => cb instanceof TerminateOnNaN)) cbs.push(new TerminateOnNaN());
  if (s.stopDiv) cbs.push(new StopDivCallback(s.stopDivOptions));
  if (s.onBatchEnd) cbs.push(onBatchEndCallback(s.onBatchEnd));
  cbs.push(...s.own);
  return { callbacks: cbs, recorder, validator, progress };
}

/**
 * The setup of a fit from its options: the log sink (default `console.log`; in Jupyter, with `log`
 * not given, one HTML table) and the progress bar (default: in a terminal or in Jupyter).
 */
export function fitSetup(
  options: FitOptSchedOptions,
  recorder: Recorder,
  validateContext: ValidateContext,
  dataList: readonly LearnerData[],
  own: readonly Callback[],
): FitSetup {
  const jupyter = jupyterApi();
  const htmlTable = jupyter !== undefined && options.log === undefined;
  const log = options.log === false ? null : options.log ?? ((l: string) => console.log(l));
  const progress = options.progress ??
    (log !== null && (jupyter !== undefined || (deno()?.stdout.isTerminal() ?? false)));
  return {
    recorder,
    validateContext,
    dataList,
    stopDiv: options.stopDiv ?? false,
    stopDivOptions: options.stopDivOptions,
    views: fitViews({ jupyter, log, htmlTable, progress }),
    onBatchEnd: options.onBatchEnd,
    own,
  };
}

/** The plan of a fit: its data per phase, layer groups, batch plan, optimizer classes, callbacks. */
export function planFit(
  learn: Learner,
  phases: readonly TrainingPhase[],
  options: FitOptSchedOptions,
): {
  datas: readonly LearnerData[];
  groups: Tensor[][];
  plan: SchedulePlan;
  classes: OptimizerClass[];
  fingerprint: string;
  own: Callback[];
} {
  const own = [
    ...checkCallbacks(learn.callbacks, "Learner callbacks"),
    ...checkCallbacks(options.callbacks ?? [], "fitOptSched callbacks"),
  ];
  const datas = options.dataList ?? phases.map(() => learn.data);
  const groups = learn.layerGroups();
  const plan = planSchedule(phases, {
    nbBatches: datas.map((d) => d.train.length),
    groupCount: groups.length,
    dataKeys: datas,
  });
  const classes = phases.map((p) => learn.resolveOptimizer(p.optimizer));
  return { datas, groups, plan, classes, fingerprint: planFingerprint(plan), own };
}
