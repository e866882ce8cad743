/**
 * The training state of a resumable checkpoint (`SaveCheckpoint`, `fitOptSched({ resume })`)
 * — where the fit is (batch, epoch, the current loader pass), the loaders' epoch counters (their
 * shuffling and augmentation are derived from `(seed, epoch, batch)`), the loss smoother, the
 * recorder, the losses still on the GPU, dropout's RNG stream, and a fingerprint of the plan so that a
 * checkpoint of other phases or data is refused. Weights and optimizer state travel as safetensors
 * tensors beside it (`checkpoint_safetensors.ts`); this is the JSON of `__metadata__["tempo.training"]`.
 * @module
 */

import { hypersAt, type SchedulePlan } from "./schedule.ts";
import type { RecorderJSON } from "./recorder.ts";
import type { LearnerData } from "./learner_types.ts";
import type { DropoutRngState } from "../tensor/mod.ts";

/** The `__metadata__` key of the training state. */
export const TRAINING_KEY = "tempo.training";

/** A loader's epoch counter (`null` when the loader has none). */
export interface LoaderEpochs {
  /** The training loader's epoch counter. */
  train: number | null;
  /** The validation loader's epoch counter. */
  valid: number | null;
}

/** A loss computed and not read back yet when the checkpoint was written. */
export interface PendingLoss {
  /** 1-based iteration of its batch. */
  iteration: number;
  /** The loss. */
  raw: number;
  /** The batch's lr per layer group. */
  lrs: number[];
  /** The batch's momentum. */
  momentum: number;
  /** The batch's epoch. */
  epoch: number;
  /** The batch's phase. */
  phase: number;
}

/** Where a fit is, and everything random or lagged it needs to continue exactly. */
export interface TrainingState {
  /** The format's version. */
  version: 1;
  /** Fingerprint of the plan (see {@linkcode planFingerprint}). */
  fingerprint: string;
  /** Batches trained. */
  iteration: number;
  /** The epoch to continue in (its remaining batches and its end). */
  epoch: number;
  /** The current training loader's epoch counter when its pass started. */
  passEpoch: number | null;
  /** Every data object's loaders' epoch counters (one entry per phase, as `dataList`). */
  loaders: LoaderEpochs[];
  /** The loss smoother. */
  smooth: { avg: number; count: number };
  /** What the recorder holds. */
  recorder: RecorderJSON;
  /** Losses computed and not yet read back, with their batch's hyperparameters. */
  pending: PendingLoss[];
  /** The lr factor of the divergence guard. */
  lrScale: number;
  /** Whether the next batch zeroes the gradients (false mid gradient accumulation). */
  needZero: boolean;
  /** Dropout's mask stream. */
  dropout: DropoutRngState;
  /** Last validation. */
  valLoss: number | null;
  /** Last metrics. */
  metrics: Record<string, number>;
}

/** FNV-1a over a string, as 8 hex digits. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The plan's fingerprint: its phases (optimizer, batch counts, batches per epoch), its epoch ends and
 * a hash of every batch's hyperparameters.
 */
export function planFingerprint(plan: SchedulePlan): string {
  const parts: string[] = [];
  for (let k = 0; k < plan.totalBatches; k++) {
    const h = hypersAt(plan, k);
    parts.push(
      `${h.phase}:${[...h.lr].join(",")}:${h.momentum}:${h.beta}:${h.wd}:${h.decoupledWd}`,
    );
  }
  const phases = plan.phases.map((p) => `${p.phase.optimizerName}/${p.batchCount}/${p.nbBatches}`)
    .join(";");
  return `${plan.phases.length} phases [${phases}], ${plan.totalBatches} batches, ${plan.groupCount} groups, hypers ${
    fnv(parts.join("|") + plan.epochEnds.map((e) => e.iteration).join(","))
  }`;
}

function epochOf(loader: unknown): number | null {
  const e = (loader as { epoch?: unknown }).epoch;
  return typeof e === "number" ? e : null;
}

/** The loaders' epoch counters. */
export function captureLoaders(dataList: readonly LearnerData[]): LoaderEpochs[] {
  return dataList.map((d) => ({ train: epochOf(d.train), valid: epochOf(d.valid) }));
}

/** Sets the loaders' epoch counters back. */
export function restoreLoaders(dataList: readonly LearnerData[], saved: LoaderEpochs[]): void {
  dataList.forEach((d, i) => {
    const s = saved[i];
    if (!s) return;
    if (s.train !== null) (d.train as { epoch?: number }).epoch = s.train;
    if (s.valid !== null) (d.valid as { epoch?: number }).epoch = s.valid;
  });
}

/** Parses and checks a training state (`where` names the file). */
export function parseTrainingState(text: string | undefined, where: string): TrainingState {
  if (text === undefined) {
    throw new TypeError(
      `${where}: expected a resumable checkpoint (written by SaveCheckpoint, with ${TRAINING_KEY} in its metadata), got a checkpoint without training state`,
    );
  }
  let s: TrainingState;
  try {
    s = JSON.parse(text);
  } catch (e) {
    throw new TypeError(
      `${where}: expected ${TRAINING_KEY} to be JSON, got ${(e as Error).message}`,
    );
  }
  const ok = s !== null && typeof s === "object" && s.version === 1 &&
    typeof s.fingerprint === "string" && Number.isInteger(s.iteration) &&
    Number.isInteger(s.epoch) && Array.isArray(s.loaders) && Array.isArray(s.pending) &&
    s.recorder !== null && typeof s.recorder === "object" && typeof s.lrScale === "number";
  if (!ok) {
    throw new TypeError(
      `${where}: expected ${TRAINING_KEY} version 1 { fingerprint, iteration, epoch, loaders, ... }`,
    );
  }
  return s;
}
