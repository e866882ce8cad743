/**
 * `Learner`: a model, its data, a loss, metrics and an optimizer, trained by a list of
 * {@linkcode TrainingPhase}s (fastai v0.7's `ConvLearner` + `fit_opt_sched`).
 * @module
 */

import { nllLoss, Tensor } from "../tensor/mod.ts";
import { accuracy } from "../nn/mod.ts";
import { Adam, RMSProp, SGD } from "../optim/mod.ts";
import { deno } from "../_platform.ts";
import { Recorder } from "./recorder.ts";
import { planSchedule } from "./schedule.ts";
import { Sched } from "./sched.ts";
import { TrainingPhase } from "./training_phase.ts";
import type { OptimizerFactory } from "./types.ts";
import { BatchUploader } from "./_batch_gpu.ts";
import { type FitResult, type LoopContext, runPlan } from "./_fit_loop.ts";
import { capture, plain, type Saved, writeInto } from "./_state.ts";
import { checkOptions } from "../_options.ts";
import { FIT_ONE_CYCLE_SPEC, FIT_SPEC, LEARNER_SPEC, SAVE_SPEC, STOP_DIV_SPEC } from "./_specs.ts";
import { guardOf, HELD_BY } from "./fit_guard.ts";
import { readCheckpoint, writeCheckpoint } from "./_checkpoint_file.ts";
import { show } from "./_values.ts";
import { isSafetensorsPath, loadSafetensors, saveSafetensors } from "./checkpoint_safetensors.ts";
import { checkData, namedMetric } from "./_learner_checks.ts";
import { splitOneCycle } from "./_fit_one_cycle.ts";
import { jupyterApi } from "./_jupyter.ts";
import type {
  FitOneCycleOptions,
  FitOptSchedOptions,
  LearnerData,
  LearnerModel,
  LearnerOptions,
  LossFn,
  NamedMetric,
  OptimizerClass,
  TrainableOptimizer,
} from "./learner_types.ts";

export type { FitOneCycleOptions, FitOptSchedOptions, FitResult, LearnerOptions };
export type { Saved, SavedTensor } from "./_state.ts";

/** A saved model (and optimizer) state, as {@linkcode Learner.snapshot} returns it. */
export interface Snapshot {
  /** The model's state dict (or its parameters), read back to the CPU. */
  model: Saved;
  /** The optimizer's class and state, when there was an optimizer with a `stateDict`. */
  opt?: { cls: OptimizerClass; state: Saved };
}

function isOptimizerClass(f: unknown): f is OptimizerClass {
  return typeof f === "function" &&
    typeof (f as unknown as OptimizerFactory).optimizerName === "string";
}

/**
 * A model with its data, loss, metrics and optimizer.
 *
 * Optimizer lifetime: `fitOptSched` creates the optimizer of a phase's class over the model's layer
 * groups, and re-creates it when the class changes between phases (the old state is lost, as
 * fastai's `set_opt_fn`); phases of the same class keep its state (momentum, Adam moments). The
 * optimizer also survives between fits when the first phase has its class (`resetOpt: true` starts
 * fresh, as fastai v0.7 did).
 *
 * One fit at a time: `fitOptSched`, `fitOneCycle` and `lrFind` hold the Learner until they settle; a
 * second call meanwhile (or `load`, `dispose`) is refused with a `LearnerBusyError`.
 *
 * @example
 * ```ts ignore
 * const learn = new Learner(simpleNet([3072, 40, 10]), data, { metrics: [accuracy] });
 * const phases = [
 *   new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 }),
 *   new TrainingPhase({ epochs: 2, optimizer: SGD, lr: 1e-3 }),
 * ];
 * await learn.fitOptSched(phases);
 * learn.sched.plotLr({ file: "lr.svg" });
 * ```
 */
export class Learner {
  /** The model trained. */
  model: LearnerModel;
  /** Train and validation loaders. */
  data: LearnerData;
  /** The loss, `(output, target) => scalar`. */
  lossFn: LossFn;
  /** Metrics computed at each epoch end. */
  metrics: NamedMetric[];
  /** Default optimizer class (fitOneCycle, lrFind). */
  optimizer: OptimizerClass;
  #registry: Map<string, OptimizerClass>;
  #opt: TrainableOptimizer | null = null;
  #optGroups: Tensor[][] | null = null;
  #sched = new Sched(new Recorder());
  #uploader = new BatchUploader();
  #saved = new Map<string, Snapshot>();

  /**
   * Wraps a model and its data; the optimizer is created by the first fit.
   *
   * @param model The model to train (`src/nn`'s `Module` fits).
   * @param data Train and validation loaders (`src/data`'s `ImageClassifierData` fits).
   * @param options Loss, metrics and optimizer classes.
   * @throws {TypeError} When the model lacks `forward()`/`parameters()` or the data lacks loaders,
   *   or on an unknown option or one of the wrong type.
   * @throws {RangeError} When the training loader has no batches.
   */
  constructor(model: LearnerModel, data: LearnerData, options: LearnerOptions = {}) {
    if (!model || typeof model.forward !== "function" || typeof model.parameters !== "function") {
      throw new TypeError(
        `Cannot build a Learner: expected a model with forward() and parameters(), got ${
          show(model)
        }`,
      );
    }
    checkData(data, "Learner data");
    checkOptions("Learner", options, LEARNER_SPEC);
    this.model = model;
    this.data = data;
    this.lossFn = options.lossFn ?? nllLoss;
    this.metrics = (options.metrics ?? [accuracy]).map(namedMetric);
    this.optimizer = options.optimizer ?? SGD;
    this.#registry = new Map(
      (options.optimizers ?? [SGD, Adam, RMSProp] as OptimizerClass[]).map((c) => [
        c.optimizerName,
        c,
      ]),
    );
  }

  /** fastai `ConvLearner.from_model_data(model, data)`. */
  static fromModelData(
    model: LearnerModel,
    data: LearnerData,
    options: LearnerOptions = {},
  ): Learner {
    return new Learner(model, data, options);
  }

  /** The recorder of the last fit with its plots (`learn.sched.plotLr()`, `.plot()`, `.plotLoss()`). */
  get sched(): Sched {
    return this.#sched;
  }

  /** The current optimizer (`null` before the first fit). */
  get opt(): TrainableOptimizer | null {
    return this.#opt;
  }

  /**
   * The parameters of each of the model's layer groups: `model.layerGroupParameters()`, else
   * `model.layerGroups()` when it lists tensors, else one group of every parameter.
   */
  layerGroups(): Tensor[][] {
    const m = this.model;
    let groups: unknown = m.layerGroupParameters?.();
    if (groups === undefined) {
      const lg = m.layerGroups?.();
      groups = lg && lg.every((g) => g.every((t) => t instanceof Tensor))
        ? lg.map((g) => [...g])
        : [m.parameters()];
    }
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new TypeError(`Cannot train: expected non-empty layer groups, got ${show(groups)}`);
    }
    return groups as Tensor[][];
  }

  /** Unfreezes every layer group (`model.unfreeze()`). */
  unfreeze(): void {
    (this.model.unfreeze as (() => unknown) | undefined)?.call(this.model);
  }

  /** Freezes the model up to its last layer group (`model.freeze()`). */
  freeze(): void {
    (this.model.freeze as (() => unknown) | undefined)?.call(this.model);
  }

  /** The optimizer class of `factory`: itself when constructible, else looked up by name. */
  resolveOptimizer(factory: OptimizerFactory): OptimizerClass {
    if (isOptimizerClass(factory)) return factory;
    const c = this.#registry.get(factory?.optimizerName);
    if (!c) {
      throw new TypeError(
        `Cannot use optimizer ${show(factory?.optimizerName)}: expected a class or one of ${
          [...this.#registry.keys()].join(", ")
        }`,
      );
    }
    return c;
  }

  #optimizerFor(cls: OptimizerClass, groups: Tensor[][], lr: number): TrainableOptimizer {
    const cur = this.#opt;
    const same = cur !== null && cur.constructor === cls && this.#optGroups !== null &&
      this.#optGroups.length === groups.length &&
      this.#optGroups.every((g, i) =>
        g.length === groups[i]!.length && g.every((t, j) => t === groups[i]![j])
      );
    if (same) return cur!;
    cur?.dispose?.();
    this.#opt = new cls(groups, { lr });
    this.#optGroups = groups.map((g) => [...g]);
    return this.#opt;
  }

  /**
   * Trains through `phases` (fastai `fit_opt_sched`). Prints the epoch table; returns the last
   * validation `{ stopped: false, valLoss, metrics, trnLoss }`, or `{ stopped: true, reason,
   * batches, trained }` when `stopDiv` fired.
   *
   * @example
   * ```ts ignore
   * await learn.fitOptSched(phases, { stopDiv: true });
   * await learn.fitOptSched(phases, { dataList: [data1, data2] });
   * ```
   * @throws {LearnerBusyError} (rejects) While another fit or `lrFind` of this Learner runs.
   * @throws {TypeError} On an unknown option (`stop_div`: did you mean `stopDiv`?) or a wrong type.
   */
  fitOptSched(
    phases: readonly TrainingPhase[],
    options: FitOptSchedOptions = {},
  ): Promise<FitResult> {
    const held = (options as { [HELD_BY]?: unknown } | undefined)?.[HELD_BY];
    return guardOf(this).run("fitOptSched", held, () => this.#fit(phases, options));
  }

  async #fit(phases: readonly TrainingPhase[], options: FitOptSchedOptions): Promise<FitResult> {
    checkOptions("fitOptSched", options, FIT_SPEC);
    checkOptions("fitOptSched stopDivOptions", options.stopDivOptions, STOP_DIV_SPEC);
    if (!Array.isArray(phases) || phases.length === 0) {
      throw new TypeError(
        `Cannot fitOptSched: expected a non-empty array of TrainingPhase, got ${show(phases)}`,
      );
    }
    phases.forEach((p, i) => {
      if (!(p instanceof TrainingPhase)) {
        throw new TypeError(
          `Cannot fitOptSched: expected a TrainingPhase at index ${i}, got ${show(p)}`,
        );
      }
    });
    const { dataList } = options;
    if (dataList !== undefined) {
      if (!Array.isArray(dataList) || dataList.length !== phases.length) {
        throw new RangeError(
          `Cannot fitOptSched: dataList must have one data object per phase (${phases.length}), got ${
            Array.isArray(dataList) ? dataList.length : show(dataList)
          } (repeat a data object to reuse it)`,
        );
      }
      dataList.forEach((d, i) => checkData(d, `dataList[${i}]`));
    }
    const readEvery = options.readEvery ?? 8;
    const datas = dataList ?? phases.map(() => this.data);
    const groups = this.layerGroups();
    const plan = planSchedule(phases, {
      nbBatches: datas.map((d) => d.train.length),
      groupCount: groups.length,
      dataKeys: datas,
    });
    const classes = phases.map((p) => this.resolveOptimizer(p.optimizer));
    if (options.resetOpt) {
      this.#opt?.dispose?.();
      this.#opt = null;
    }
    const recorder = new Recorder();
    recorder.setPhases(plan);
    this.#sched = new Sched(recorder);
    const jupyter = jupyterApi();
    const htmlTable = jupyter !== undefined && options.log === undefined;
    const log = options.log === false ? null : options.log ?? ((l: string) => console.log(l));
    const ctx: LoopContext = {
      model: this.model,
      lossFn: this.lossFn,
      metrics: this.metrics,
      uploader: this.#uploader,
      groups,
      optimizerFor: (cls, lr) => this.#optimizerFor(cls, groups, lr),
    };
    return await runPlan(ctx, {
      plan,
      classes,
      dataList: datas,
      recorder,
      stopDiv: options.stopDiv ?? false,
      stopDivOptions: options.stopDivOptions,
      log,
      jupyter,
      htmlTable,
      progress: options.progress ??
        (log !== null && (jupyter !== undefined || (deno()?.stdout.isTerminal() ?? false))),
      readEvery,
      onBatchEnd: options.onBatchEnd,
    });
  }

  /**
   * fastai v2 `fit_one_cycle`: cosine warm-up from `lrMax/div` to `lrMax` over `pctStart` of the
   * epochs, then cosine annealing to `lrMax/divFinal`, momentum 0.95 → 0.85 → 0.95.
   *
   * @example
   * ```ts ignore
   * await learn.fitOneCycle(3, { lrMax: 1e-2, wd: 1e-4 });
   * ```
   * @throws {LearnerBusyError} (rejects) While another fit or `lrFind` of this Learner runs.
   * @throws {TypeError} On an unknown option (`weight_decay`: did you mean `wd`?) or a wrong type.
   */
  fitOneCycle(epochs: number, options: FitOneCycleOptions = {}): Promise<FitResult> {
    const held = (options as { [HELD_BY]?: unknown } | undefined)?.[HELD_BY];
    return guardOf(this).run("fitOneCycle", held, async (token) => {
      checkOptions("fitOneCycle", options, FIT_ONE_CYCLE_SPEC);
      const { phases, fit } = splitOneCycle(epochs, options, this.optimizer);
      return await this.fitOptSched(phases, { ...fit, [HELD_BY]: token } as FitOptSchedOptions);
    });
  }

  /** Snapshots the model (and optimizer) state on the CPU. */
  async snapshot(): Promise<Snapshot> {
    const model = await capture(
      this.model.stateDict ? this.model.stateDict() : this.model.parameters(),
    );
    const opt = this.#opt;
    if (!opt?.stateDict) return { model };
    return {
      model,
      opt: { cls: opt.constructor as OptimizerClass, state: await capture(opt.stateDict()) },
    };
  }

  /** Restores a {@linkcode Learner.snapshot} exactly (re-creating the optimizer of its class). */
  async restore(snap: Snapshot): Promise<void> {
    if (this.model.stateDict && this.model.loadStateDict) {
      await (this.model.loadStateDict as (s: unknown) => unknown).call(
        this.model,
        plain(snap.model),
      );
    } else if (writeInto(this.model.parameters(), snap.model, "model") === 0) {
      throw new TypeError("Cannot restore the model: it has no loadStateDict and no parameters");
    }
    if (!snap.opt) {
      // there was no optimizer when the snapshot was taken: the next fit starts a fresh one
      this.#opt?.dispose?.();
      this.#opt = null;
      this.#optGroups = null;
    } else {
      const opt = this.#optimizerFor(snap.opt.cls, this.layerGroups(), 1e-3);
      (opt.loadStateDict as ((s: unknown) => unknown) | undefined)?.call(
        opt,
        plain(snap.opt.state),
      );
    }
  }

  /**
   * Saves the model and optimizer state under `name` in memory (fastai `learn.save('tmp')`); with
   * `path`, also to that file, atomically: a temporary file beside it is written, flushed and renamed
   * over it, so a crash or a full disk mid-save leaves the previous file complete. A `.safetensors`
   * path writes PyTorch's format (see `checkpoint_safetensors.ts`).
   *
   * @throws {TypeError} On an unknown option or a `path` that is not a string or URL.
   */
  async save(name: string, options: { path?: string | URL } = {}): Promise<void> {
    checkOptions("Learner.save", options, SAVE_SPEC);
    const snap = await this.snapshot();
    this.#saved.set(name, snap);
    if (options.path !== undefined && isSafetensorsPath(options.path)) {
      await saveSafetensors(this, snap, options.path);
    } else if (options.path !== undefined) {
      await writeCheckpoint(options.path, { model: snap.model, opt: snap.opt?.state });
    }
  }

  /**
   * Restores what `save(name)` kept (fastai `learn.load('tmp')`); with `path`, reads that file
   * instead (the optimizer state is loaded into the current optimizer, if any; a `.safetensors`
   * file re-creates the optimizer of its class, or loads the model only when it has none).
   *
   * @throws {CheckpointError} When the file is truncated, corrupt or not a tempo checkpoint (nothing
   *   is restored then).
   * @throws {LearnerBusyError} While a fit of this Learner runs.
   */
  async load(name: string, options: { path?: string | URL } = {}): Promise<void> {
    checkOptions("Learner.load", options, SAVE_SPEC);
    guardOf(this).assertIdle("load");
    if (options.path !== undefined && isSafetensorsPath(options.path)) {
      return await this.restore(await loadSafetensors(this, options.path));
    }
    if (options.path !== undefined) {
      const saved = await readCheckpoint(options.path);
      const cls = this.#opt?.constructor as OptimizerClass | undefined;
      const snap: Snapshot = { model: saved.model };
      if (cls && saved.opt) snap.opt = { cls, state: saved.opt };
      await this.restore(snap);
      return;
    }
    const snap = this.#saved.get(name);
    if (!snap) {
      throw new RangeError(
        `Cannot load ${show(name)}: expected one of the saved names [${
          [...this.#saved.keys()].map(show).join(", ")
        }]`,
      );
    }
    await this.restore(snap);
  }

  /**
   * Frees the optimizer and the learner's GPU batch tensors (the model stays).
   * @throws {LearnerBusyError} While a fit of this Learner runs (await it first).
   */
  dispose(): void {
    guardOf(this).assertIdle("dispose");
    this.#opt?.dispose?.();
    this.#opt = null;
    this.#uploader.dispose();
  }

  /** Calls {@linkcode Learner.dispose} (for `using learn = new Learner(...)`). */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
