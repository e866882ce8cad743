/**
 * `Recorder`: what a scheduled fit records per batch, per epoch and per phase (for plots and logs).
 * @module
 */

import { DecayType } from "./decay_type.ts";
import type { SchedulePlan } from "./schedule.ts";
import { show } from "./_values.ts";

/** One phase as plotted: float limits in batches, label data and the lr-axis hint. */
export interface PhaseRecord {
  /** Float phase limits (the red dashed lines), in batches. */
  start: number;
  /** Float phase end, in batches. */
  end: number;
  /** Name of the phase's optimizer, e.g. `"SGD"`. */
  optimizerName: string;
  /** The phase's own wds, when it sets any. */
  wds?: number | number[];
  /** The phase's beta, when it sets one. */
  beta?: number;
  /** `true` when the lr decays linearly (the lr/loss plot then defaults to a linear x axis). */
  linear?: boolean;
}

/** What the learner records after each training batch. */
export interface BatchRecord {
  /** The lr of every layer group used by the batch. */
  lrs: ArrayLike<number>;
  /** The momentum (Adam beta1) used by the batch. */
  momentum: number;
  /** The smoothed (debiased) loss after the batch. */
  loss: number;
  /** The raw loss of the batch. */
  rawLoss: number;
}

/** What the learner records after each validation. */
export interface EpochRecord {
  /** The validation loss. */
  valLoss: number;
  /** Named metrics, e.g. `{ accuracy: 0.93 }`. */
  metrics?: Record<string, number>;
}

/** A plain-object snapshot of a {@linkcode Recorder}. */
export interface RecorderJSON {
  /** 1-based batch count of each batch. */
  iterations: number[];
  /** Highest group lr of each batch. */
  lrs: number[];
  /** Every group's lr, per batch. */
  groupLrs: number[][];
  /** Momentum (Adam beta1) of each batch. */
  momentums: number[];
  /** Smoothed (debiased) loss of each batch. */
  losses: number[];
  /** Raw loss of each batch. */
  rawLosses: number[];
  /** Validation loss of each epoch. */
  valLosses: number[];
  /** Named metrics of each epoch. */
  metrics: Record<string, number>[];
  /** Iteration count at each epoch end. */
  epochIterations: number[];
  /** The plan's phases. */
  phases: PhaseRecord[];
}

/**
 * Per-batch, per-epoch and per-phase records of a scheduled fit. `lrs` holds the HIGHEST group lr of
 * each batch (what the notebook says is plotted; fastai v0.7 actually recorded the last group's),
 * `groupLrs` every group's. `iterations` are 1-based batch counts, as fastai's.
 *
 * @example
 * ```ts
 * import { Recorder } from "./recorder.ts";
 * const rec = new Recorder();
 * rec.recordBatch({ lrs: [1e-4, 1e-3], momentum: 0.9, loss: 2.3, rawLoss: 2.3 });
 * rec.recordEpoch({ valLoss: 2.1, metrics: { accuracy: 0.2 } });
 * JSON.stringify(rec); // {"iterations":[1],"lrs":[0.001],...}
 * ```
 */
export class Recorder {
  /** 1-based batch count of each recorded batch. */
  readonly iterations: number[] = [];
  /** Highest group lr of each batch (what the plots show). */
  readonly lrs: number[] = [];
  /** Every group's lr, per batch. */
  readonly groupLrs: number[][] = [];
  /** Momentum (Adam beta1) of each batch. */
  readonly momentums: number[] = [];
  /** Smoothed (debiased) loss of each batch. */
  readonly losses: number[] = [];
  /** Raw loss of each batch. */
  readonly rawLosses: number[] = [];
  /** Validation loss of each epoch. */
  readonly valLosses: number[] = [];
  /** Named metrics of each epoch, e.g. `{ accuracy: 0.93 }`. */
  readonly metrics: Record<string, number>[] = [];
  /** Iteration count at each epoch end. */
  readonly epochIterations: number[] = [];
  /** The phase records of the current plan (see {@linkcode Recorder.setPhases}). */
  readonly phases: PhaseRecord[] = [];

  /** Number of batches recorded. */
  get iteration(): number {
    return this.iterations.length;
  }

  /** Records one training batch. */
  recordBatch(batch: BatchRecord): void {
    const lrs = Array.from(batch.lrs ?? []);
    if (lrs.length === 0 || lrs.some((x) => typeof x !== "number")) {
      throw new TypeError(
        `Cannot record a batch: expected a non-empty array of lrs, got ${show(batch.lrs)}`,
      );
    }
    for (const k of ["momentum", "loss", "rawLoss"] as const) {
      if (typeof batch[k] !== "number") {
        throw new TypeError(
          `Cannot record a batch: expected a number for ${k}, got ${show(batch[k])}`,
        );
      }
    }
    this.iterations.push(this.iterations.length + 1);
    this.lrs.push(Math.max(...lrs));
    this.groupLrs.push(lrs);
    this.momentums.push(batch.momentum);
    this.losses.push(batch.loss);
    this.rawLosses.push(batch.rawLoss);
  }

  /** Records one validation, at the current iteration. */
  recordEpoch(epoch: EpochRecord): void {
    if (typeof epoch.valLoss !== "number") {
      throw new TypeError(
        `Cannot record an epoch: expected a number valLoss, got ${show(epoch.valLoss)}`,
      );
    }
    this.epochIterations.push(this.iteration);
    this.valLosses.push(epoch.valLoss);
    this.metrics.push({ ...epoch.metrics });
  }

  /** Replaces the phase records with those of a plan. */
  setPhases(plan: SchedulePlan): void {
    this.phases.length = 0;
    this.phases.push(...phaseRecords(plan));
  }

  /** A plain-object copy (arrays copied), suitable for `JSON.stringify`. */
  toJSON(): RecorderJSON {
    return {
      iterations: [...this.iterations],
      lrs: [...this.lrs],
      groupLrs: this.groupLrs.map((g) => [...g]),
      momentums: [...this.momentums],
      losses: [...this.losses],
      rawLosses: [...this.rawLosses],
      valLosses: [...this.valLosses],
      metrics: this.metrics.map((m) => ({ ...m })),
      epochIterations: [...this.epochIterations],
      phases: this.phases.map((p) => Array.isArray(p.wds) ? { ...p, wds: [...p.wds] } : { ...p }),
    };
  }
}

/**
 * The phase records of a plan: float limits, optimizer name, the phase's own wds and beta, and
 * whether its lr decays linearly.
 *
 * @example
 * ```ts
 * import { phaseRecords, planSchedule, TrainingPhase } from "./mod.ts";
 * const plan = planSchedule([new TrainingPhase({ optimizer: { optimizerName: "SGD" } })], { nbBatches: 5, groupCount: 1 });
 * phaseRecords(plan); // [{ start: 0, end: 5, optimizerName: "SGD", linear: false }]
 * ```
 */
export function phaseRecords(plan: SchedulePlan): PhaseRecord[] {
  return plan.phases.map((p) => {
    const r: PhaseRecord = {
      start: p.limitStart,
      end: p.limitEnd,
      optimizerName: p.phase.optimizerName,
      linear: p.phase.lr.decay === DecayType.LINEAR,
    };
    const wds = p.phase.wds;
    if (wds !== undefined) r.wds = typeof wds === "number" ? wds : Array.from(wds);
    if (p.phase.beta !== undefined) r.beta = p.phase.beta;
    return r;
  });
}
