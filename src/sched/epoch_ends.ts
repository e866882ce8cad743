/**
 * Where validation runs ("epoch ends") in a batch plan.
 *
 * Choice (documented): the phases are grouped into data segments, maximal runs of consecutive phases
 * that train on the same data (same data key). A new segment restarts its data loader. Validation
 * runs
 * 1. after every complete pass over a segment's data (`complete: true`),
 * 2. when the data changes before a pass is complete (`complete: false`, the pass is cut short and the
 *    learner validates on the data of `phase`, the phase of the last batch trained),
 * 3. after the last batch of training, if that is not already an epoch end (`final: true` is set on
 *    the last epoch end in every case).
 *
 * Unlike fastai v0.7 there is no `ceil(sum(epochs))` loop: the epoch ends are derived from the batch
 * plan, so every phase runs all its batches.
 * @module
 */

import { show } from "./_values.ts";

/** One validation point. */
export interface EpochEnd {
  /** Number of training batches done when validation runs (the fastai 1-based iteration). */
  readonly iteration: number;
  /** Index of the phase of the last batch trained (whose data the learner validates on). */
  readonly phase: number;
  /** `true` when a full pass over the data ended here, `false` when it was cut short. */
  readonly complete: boolean;
  /** `true` for the last epoch end of training. */
  readonly final: boolean;
}

/** What {@linkcode epochEnds} needs to know about each phase of a plan. */
export interface EpochEndInput {
  /** Global index of the phase's first batch. */
  readonly firstBatch: number;
  /** Number of batches the phase runs. */
  readonly batchCount: number;
  /** Batches in one pass over the phase's data. */
  readonly nbBatches: number;
  /** Identity of the phase's data (compared with `Object.is`). */
  readonly dataKey: unknown;
}

/**
 * The epoch ends of a batch plan (see the module docs for the rules).
 *
 * @example
 * ```ts
 * import { epochEnds } from "./epoch_ends.ts";
 * // one phase of 1.5 epochs on 4 batches: validate after batch 4 (full pass) and 6 (end)
 * epochEnds([{ firstBatch: 0, batchCount: 6, nbBatches: 4, dataKey: 0 }]).map((e) => e.iteration); // [4, 6]
 * ```
 */
export function epochEnds(phases: readonly EpochEndInput[]): EpochEnd[] {
  const ends: { iteration: number; phase: number; complete: boolean }[] = [];
  let i = 0;
  while (i < phases.length) {
    let j = i;
    while (j + 1 < phases.length && Object.is(phases[j + 1]!.dataKey, phases[i]!.dataKey)) {
      j++;
      if (phases[j]!.nbBatches !== phases[i]!.nbBatches) {
        throw new RangeError(
          `Cannot plan epochs: phases ${i} and ${j} share data ${
            show(phases[i]!.dataKey)
          } but give ${phases[i]!.nbBatches} and ${phases[j]!.nbBatches} batches per epoch`,
        );
      }
    }
    const start = phases[i]!.firstBatch;
    const stop = phases[j]!.firstBatch + phases[j]!.batchCount;
    const nb = phases[i]!.nbBatches;
    const phaseOf = (b: number) => {
      let p = i;
      while (p < j && b >= phases[p + 1]!.firstBatch) p++;
      return p;
    };
    for (let it = start + nb; it <= stop; it += nb) {
      ends.push({ iteration: it, phase: phaseOf(it - 1), complete: true });
    }
    const last = ends.at(-1);
    if (last === undefined || last.iteration !== stop) {
      ends.push({ iteration: stop, phase: j, complete: false });
    }
    i = j + 1;
  }
  return ends.map((e, k) => ({ ...e, final: k === ends.length - 1 }));
}
