/**
 * Private: the Learner's checks of its data objects and metrics.
 * @module
 */

import type { LearnerData, MetricFn, NamedMetric } from "./learner_types.ts";
import { show } from "./_values.ts";

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
