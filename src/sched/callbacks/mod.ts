/**
 * The built-in callbacks users add to a fit (fastai v2's callbacks, camelCase):
 * {@linkcode EarlyStopping}, {@linkcode SaveModel}, {@linkcode GradientClip},
 * {@linkcode GradientAccumulation}, {@linkcode TerminateOnNaN} (on by default), {@linkcode CSVLogger},
 * {@linkcode DivergenceGuard} and {@linkcode SaveCheckpoint} (resumable checkpoints).
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, {
 *   callbacks: [new EarlyStopping({ patience: 2 }), new GradientClip({ maxNorm: 1 })],
 * });
 * ```
 * @module
 */
export { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.ts";
export { epochPath, SaveModel, type SaveModelOptions } from "./save_model.ts";
export { clipGradNorm, GradientClip, type GradientClipOptions } from "./gradient_clip.ts";
export { GradientAccumulation, type GradientAccumulationOptions } from "./gradient_accumulation.ts";
export { TerminateOnNaN } from "./terminate_on_nan.ts";
export { CSVLogger, type CsvLoggerOptions } from "./csv_logger.ts";
export { SaveCheckpoint, type SaveCheckpointOptions } from "./save_checkpoint.ts";
export { DivergenceGuard, type DivergenceGuardOptions } from "./divergence_guard.ts";
