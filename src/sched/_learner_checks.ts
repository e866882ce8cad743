/**
 * Private: the Learner's checks of its data objects, metrics and fit arguments.
 * @module
 */

import type {
  FitOptSchedOptions,
  LearnerData,
  LearnerModel,
  MetricFn,
  NamedMetric,
  OptimizerClass,
} from "./learner_types.ts";
import { show } from "./_values.ts";
import { checkOptions } from "../_options.ts";
import { FIT_SPEC, STOP_DIV_SPEC } from "./_specs.ts";
import { TrainingPhase } from "./training_phase.ts";
import { Tensor } from "../tensor/mod.ts";
import type { OptimizerFactory } from "./types.ts";

/** A metric function named by its `name` (or `metric<i>`), or a checked `{ name, fn }`. */
export function namedMetric(m: MetricFn | NamedMetric, i: number): NamedMetric {
  if (typeof m === "function") return { name: m.name || `metric${i}`, fn: m };
  if (m && typeof m.fn === "function" && typeof m.name === "string") return m;
  throw new TypeError(
    `Cannot use metric ${i}: expected a function or { name, fn }, got ${show(m)}`,
  );
}

/** Throws unless `d` has `train` and `valid` batch loaders and training batches. */
export function checkData(d: LearnerData, what: string): void {
  const ok = (l: unknown) =>
    l !== null && typeof l === "object" && typeof (l as { length?: unknown }).length === "number" &&
    typeof (l as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
  if (!d || !ok(d.train) || !ok(d.valid)) {
    throw new TypeError(
      `Cannot use ${what}: expected { train, valid } batch loaders (e.g. ImageClassifierData), got ${
        show(d)
      }`,
    );
  }
  if (d.train.length < 1) {
    throw new RangeError(`Cannot use ${what}: expected a training loader with batches, got none`);
  }
}

/** The checks of `fitOptSched(phases, options)` before anything runs. */
export function checkFitArgs(phases: readonly TrainingPhase[], options: FitOptSchedOptions): void {
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
}

/** Whether `f` is a constructible optimizer class (has a static `optimizerName`). */
export function isOptimizerClass(f: unknown): f is OptimizerClass {
  return typeof f === "function" &&
    typeof (f as unknown as OptimizerFactory).optimizerName === "string";
}

/**
 * The parameters of each of the model's layer groups: `model.layerGroupParameters()`, else
 * `model.layerGroups()` when it lists tensors, else one group of every parameter.
 */
export function layerGroupsOf(m: LearnerModel): Tensor[][] {
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
