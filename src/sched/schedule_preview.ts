/**
 * `schedulePreview`: the per-batch plan of a list of phases (every batch's lrs and momentum) as a
 * {@linkcode Sched}, without training, so the schedule can be plotted before a fit
 * (`learn.schedulePreview(phases).plotLr()`). The values are those the fit's `ParamScheduler` writes.
 * @module
 */
import { checkOptions } from "../_options.ts";
import { Recorder } from "./recorder.ts";
import { hypersAt, planSchedule } from "./schedule.ts";
import { Sched } from "./sched.ts";
import { TrainingPhase } from "./training_phase.ts";
import type { LearnerData } from "./learner_types.ts";
import { PREVIEW_SPEC } from "./_specs.ts";
import { show } from "./_values.ts";

/** Options of `Learner.schedulePreview`. */
export interface SchedulePreviewOptions {
  /** One data object per phase, as `fitOptSched`'s. Default the learner's data for every phase. */
  dataList?: readonly LearnerData[];
}

/**
 * The plan of `phases` on `dataList` with `groupCount` layer groups, recorded batch by batch (losses
 * `NaN`).
 *
 * @example
 * ```ts ignore
 * schedulePreview(phases, { dataList: [data], groupCount: 3 }).plotLr({ file: "plan.svg" });
 * ```
 */
export function schedulePreview(
  phases: readonly TrainingPhase[],
  at: { dataList: readonly LearnerData[]; groupCount: number },
  options: SchedulePreviewOptions = {},
): Sched {
  checkOptions("schedulePreview", options, PREVIEW_SPEC);
  if (!Array.isArray(phases) || !phases.every((p) => p instanceof TrainingPhase)) {
    throw new TypeError(
      `Cannot preview a schedule: expected an array of TrainingPhase, got ${show(phases)}`,
    );
  }
  if (at.dataList.length !== phases.length) {
    throw new RangeError(
      `Cannot preview a schedule: dataList must have one data object per phase (${phases.length}), got ${at.dataList.length}`,
    );
  }
  const plan = planSchedule(phases, {
    nbBatches: at.dataList.map((d) => d.train.length),
    groupCount: at.groupCount,
    dataKeys: at.dataList,
  });
  const rec = new Recorder();
  rec.setPhases(plan);
  for (let k = 0; k < plan.totalBatches; k++) {
    const h = hypersAt(plan, k);
    rec.recordBatch({ lrs: h.lr, momentum: h.momentum, loss: NaN, rawLoss: NaN });
  }
  return new Sched(rec);
}
