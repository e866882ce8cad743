/**
 * The TrainingPhase scheduler (CPU side): decays, phases, batch plans, recipes, loss smoothing,
 * divergence detection, LR-finder suggestions and the recorder.
 *
 * @example
 * ```ts
 * import { DecayType, hypersAt, planSchedule, TrainingPhase } from "./mod.ts";
 * const SGD = { optimizerName: "SGD" };
 * const phases = [
 *   new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 }),
 *   new TrainingPhase({ epochs: 2, optimizer: SGD, lr: { start: 1e-2, end: 1e-3 }, lrDecay: DecayType.COSINE }),
 * ];
 * const plan = planSchedule(phases, { nbBatches: 100, groupCount: 1 });
 * hypersAt(plan, 150).lr;
 * ```
 * @module
 */

export type { GroupValues, OptimizerFactory, ScheduledOptimizer, ValueRange } from "./types.ts";
export { type DecayArgs, DecayType, decayTypeName, decayValue, isDecayType } from "./decay_type.ts";
export {
  type DecaySpec,
  type ScheduleSpec,
  TrainingPhase,
  type TrainingPhaseOptions,
} from "./training_phase.ts";
export {
  type BatchHypers,
  hypersAt,
  phaseIndexAt,
  type PhasePlan,
  planSchedule,
  type ScheduleOptions,
  type SchedulePlan,
} from "./schedule.ts";
export { type EpochEnd, type EpochEndInput, epochEnds } from "./epoch_ends.ts";
export { applyPhaseHypers, type PhaseHyperValues } from "./apply_hypers.ts";
export { SmoothLoss, smoothLosses } from "./smooth_loss.ts";
export { DivergenceDetector, type StopDivOptions } from "./divergence.ts";
export {
  type OneCycleNotebookOptions,
  type OneCycleOptions,
  oneCyclePhases,
  phases1cycle,
  phasesSgdr,
  type SgdrOptions,
} from "./recipes.ts";
export {
  type LrCurve,
  lrFinderCurve,
  type LrSuggestion,
  minimum,
  steep,
  type SuggestionMethod,
  suggestLrs,
  valley,
} from "./lr_suggest.ts";
export {
  type BatchRecord,
  type EpochRecord,
  type PhaseRecord,
  phaseRecords,
  Recorder,
  type RecorderJSON,
} from "./recorder.ts";
export type {
  BatchLoader,
  CpuBatch,
  LearnerData,
  LearnerModel,
  LossFn,
  MetricFn,
  NamedMetric,
  OptimizerClass,
  TrainableOptimizer,
} from "./learner_types.ts";
export {
  type FitOneCycleOptions,
  type FitOptSchedOptions,
  type FitResult,
  Learner,
  type LearnerOptions,
  type Saved,
  type SavedTensor,
  type Snapshot,
} from "./learner.ts";
export { type FileOption, Sched } from "./sched.ts";
export { lrFind, type LrFindOptions, type LrFindResult } from "./lr_find.ts";
export {
  CHECKPOINT_FORMAT,
  type CheckpointLearner,
  isSafetensorsPath,
  loadSafetensors,
  safetensorsToSnapshot,
  saveSafetensors,
  snapshotToSafetensors,
  type WriteBytes,
} from "./checkpoint_safetensors.ts";
export { CheckpointError, type CheckpointProblem } from "./checkpoint_error.ts";
export { LearnerBusyError } from "./fit_guard.ts";
export {
  type Callback,
  CALLBACK_EVENTS,
  type CallbackEvent,
  CancelBatch,
  CancelEpoch,
  CancelError,
  CancelFit,
  CancelValidate,
  type FitContext,
  type LaggedLoss,
} from "./callback.ts";
export type { LoaderEpochs, PendingLoss, TrainingState } from "./train_state.ts";
export { schedulePreview, type SchedulePreviewOptions } from "./schedule_preview.ts";
export * from "./callbacks/mod.ts";
export { loadBytes, saveBytes } from "./save_bytes.ts";
