/**
 * Private: the value a monitoring callback watches (`valLoss`, `trnLoss` or a metric's name) and
 * whether lower is better (fastai: a name with "loss" in it is minimised, a metric maximised).
 * @module
 */
import type { FitContext } from "../callback.ts";

/** The monitored value at an epoch end (`NaN` when it is not known, e.g. validation skipped). */
export function monitored(ctx: FitContext, monitor: string): number {
  if (monitor === "valLoss") return ctx.valLoss;
  if (monitor === "trnLoss") return ctx.smoothLoss;
  if (!(monitor in ctx.metrics)) {
    throw new RangeError(
      `Cannot monitor '${monitor}': expected valLoss, trnLoss or one of the metrics [${
        Object.keys(ctx.metrics).join(", ")
      }]`,
    );
  }
  return ctx.metrics[monitor]!;
}

/** `true` when `value` improves on `best` by more than `minDelta`. */
export function improves(
  value: number,
  best: number,
  mode: "min" | "max",
  minDelta: number,
): boolean {
  if (Number.isNaN(value)) return false;
  return mode === "min" ? value < best - minDelta : value > best + minDelta;
}

/** The default mode of a monitored name. */
export function modeOf(monitor: string): "min" | "max" {
  return /loss/i.test(monitor) ? "min" : "max";
}
