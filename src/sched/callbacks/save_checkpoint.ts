/**
 * `SaveCheckpoint`: writes a resumable checkpoint every `everyBatches` batches and/or every
 * `everyEpochs` epochs: one safetensors file with the weights and the optimizer state (momentum
 * buffers, Adam moments and step counts) under their keys (`checkpoint_safetensors.ts`), and in
 * `__metadata__["tempo.training"]` the training state: the plan's fingerprint, the iteration, the
 * epoch, the data loaders' epochs and position, the loss smoother, the recorder, the losses still on
 * the GPU and dropout's RNG stream (the loaders' shuffling and augmentation derive from `(seed,
 * epoch, batch)`). `learn.fitOptSched(phases, { resume: path })` continues from it, in this process
 * or another. Each save reads the weights back: a checkpoint's cost, on the batches it is due.
 *
 * Not saved: gradients. With `GradientAccumulation`, save at step boundaries (`everyBatches` a
 * multiple of its `steps`); a checkpoint between two steps resumes without the partial gradients.
 * Resuming mid-epoch re-reads the epoch's first batches to reach the saved position (the loader
 * is iterated, the batches skipped, not trained).
 * @module
 */
import { writeBytesAtomic } from "../../io/_files.ts";
import { checkOptions } from "../../_options.ts";
import type { Callback, FitContext } from "../callback.ts";
import { snapshotToSafetensors } from "../checkpoint_safetensors.ts";
import { TRAINING_KEY } from "../train_state.ts";
import { SAVE_CHECKPOINT_SPEC } from "./_specs.ts";

/** Options of {@linkcode SaveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** The checkpoint file (`.safetensors`), rewritten atomically each time. */
  path: string | URL;
  /** Save after every this many batches (integer >= 1). */
  everyBatches?: number;
  /** Save after every this many epochs (integer >= 1). Default 1 when `everyBatches` is not given. */
  everyEpochs?: number;
}

/**
 * Writes resumable checkpoints.
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, { callbacks: [new SaveCheckpoint({ path: "run.safetensors", everyBatches: 500 })] });
 * // after a crash, in a new process:
 * await learn.fitOptSched(phases, { resume: "run.safetensors" });
 * ```
 */
export class SaveCheckpoint implements Callback {
  /** After everything else of a batch or an epoch. */
  readonly order: number = 95;
  /** The file. */
  readonly path: string | URL;
  /** Batches between saves, or undefined. */
  readonly everyBatches?: number;
  /** Epochs between saves, or undefined. */
  readonly everyEpochs?: number;
  /** Iterations at which a checkpoint was written in the last fit. */
  readonly saved: number[] = [];

  /**
   * Checks the options.
   *
   * @throws {TypeError} On an unknown option, a wrong kind or no `path`.
   * @throws {RangeError} On an interval < 1.
   */
  constructor(options: SaveCheckpointOptions) {
    checkOptions("SaveCheckpoint", options ?? null, SAVE_CHECKPOINT_SPEC);
    if (options.path === undefined) {
      throw new TypeError("Cannot use SaveCheckpoint: expected a path (string or URL), got none");
    }
    this.path = options.path;
    this.everyBatches = options.everyBatches;
    this.everyEpochs = options.everyEpochs ?? (options.everyBatches === undefined ? 1 : undefined);
    for (const [k, v] of [["everyBatches", this.everyBatches], ["everyEpochs", this.everyEpochs]]) {
      if (v !== undefined && (v as number) < 1) {
        throw new RangeError(`Cannot use SaveCheckpoint: expected ${k} >= 1, got ${v}`);
      }
    }
  }

  /** Forgets the list of saves. */
  beforeFit(): void {
    this.saved.length = 0;
  }

  /** Saves when a batch interval is due. */
  async afterBatch(ctx: FitContext): Promise<void> {
    if (this.everyBatches !== undefined && ctx.iteration % this.everyBatches === 0) {
      await this.write(ctx);
    }
  }

  /** Saves when an epoch interval is due. */
  async afterEpoch(ctx: FitContext): Promise<void> {
    if (this.everyEpochs !== undefined && (ctx.epoch + 1) % this.everyEpochs === 0) {
      await this.write(ctx);
    }
  }

  /** Writes the checkpoint now (weights, optimizer, training state). */
  async write(ctx: FitContext): Promise<void> {
    const state = await ctx.trainingState();
    const snap = await ctx.learner.snapshot();
    const bytes = snapshotToSafetensors(snap, ctx.learner, {
      [TRAINING_KEY]: JSON.stringify(state),
    });
    await writeBytesAtomic(this.path, bytes);
    this.saved.push(ctx.iteration);
  }
}
