/**
 * `plotLoss`: the smoothed training loss per batch with the validation loss at each epoch end.
 *
 * @module
 */

import { checkCount, checkNumbers, checkPlotData, checkSameLength } from "./_check.ts";
import { checkOptions } from "../_options.ts";
import { PLOT_LOSS_SPEC } from "./_specs.ts";
import { renderFigure } from "./_figure.ts";
import type { Series } from "./_panel.ts";
import { COLORS } from "./_svg.ts";
import type { PlotData } from "./types.ts";

/** Options of {@link plotLoss}. */
export interface PlotLossOptions {
  /** Batches skipped at the start (validation points before the first kept batch are dropped too). Default 0. */
  nSkip?: number;
  /** Optional figure title. */
  title?: string;
}

/**
 * Training loss ('train', a line) and validation loss ('valid', a line with markers at the epoch-end
 * iterations) against iterations, as an SVG string.
 *
 * @example
 * ```ts
 * const svg = plotLoss({
 *   iterations: [1, 2, 3, 4], losses: [2.3, 1.9, 1.5, 1.2], lrs: [], momentums: [],
 *   valLosses: [1.8, 1.3], epochIterations: [2, 4], phases: [],
 * });
 * ```
 */
export function plotLoss(data: PlotData, opts: PlotLossOptions = {}): string {
  checkPlotData(data, "plotLoss");
  checkOptions("plotLoss", opts, PLOT_LOSS_SPEC);
  const nSkip = checkCount(opts.nSkip ?? 0, "nSkip");
  const its = checkNumbers(data.iterations, "iterations");
  const losses = checkNumbers(data.losses, "losses");
  checkSameLength(its, losses, "iterations", "losses");
  const epIts = checkNumbers(data.epochIterations ?? [], "epochIterations");
  const vals = checkNumbers(data.valLosses ?? [], "valLosses");
  checkSameLength(epIts, vals, "epochIterations", "valLosses");
  const skip = nSkip < its.length ? nSkip : 0;
  const x = Array.from(its).slice(skip), y = Array.from(losses).slice(skip);
  const from = x[0] ?? -Infinity;
  const keep = Array.from(epIts, (_, i) => i).filter((i) => !(epIts[i]! < from));
  const series: Series[] = [{ kind: "line", x, y, color: COLORS[0], label: "train" }];
  if (keep.length > 0) {
    series.push({
      kind: "line",
      x: keep.map((i) => epIts[i]!),
      y: keep.map((i) => vals[i]!),
      color: COLORS[1],
      label: "valid",
      markers: true,
      radius: 3.5,
    });
  }
  return renderFigure([{ xLabel: "iterations", yLabel: "loss", series }], { title: opts.title });
}
