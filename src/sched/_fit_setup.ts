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
import type { LearnerData } from "./learner_types.ts";

/** What the fit's callbacks are made from. */
export interface FitSetup {
  recorder: Recorder;
  validateContext: ValidateContext;
  dataList: readonly LearnerData[];
  stopDiv: boolean;
  stopDivOptions?: StopDivOptions;
  log: ((line: string) => void) | null;
  progress: boolean;
  onBatchEnd?: (iteration: number) => void;
  own: readonly Callback[];
}

/** The callbacks of a fit, and the built-ins the learner needs to reach. */
export function fitCallbacks(s: FitSetup): {
  callbacks: Callback[];
  recorder: RecorderCallback;
  validator: Validator;
} {
  const recorder = new RecorderCallback(s.recorder);
  const validator = new Validator(s.validateContext, s.dataList);
  const cbs: Callback[] = [
    new ParamScheduler(),
    recorder,
    new ProgressCallback(s.log, s.progress, s.validateContext.metrics.map((m) => m.name)),
    validator,
  ];
  if (!s.own.some((cb) => cb instanceof TerminateOnNaN)) cbs.push(new TerminateOnNaN());
  if (s.stopDiv) cbs.push(new StopDivCallback(s.stopDivOptions));
  if (s.onBatchEnd) cbs.push(onBatchEndCallback(s.onBatchEnd));
  cbs.push(...s.own);
  return { callbacks: cbs, recorder, validator };
}
