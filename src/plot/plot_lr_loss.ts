/**
 * `plotLrLoss`: loss against learning rate (fastai v0.7 `sched.plot()`, the LR finder plot).
 *
 * @module
 */

import { checkCount, checkNumbers, checkPlotData, checkSameLength } from "./_check.ts";
import { checkOptions } from "../_options.ts";
import { PLOT_LR_LOSS_SPEC } from "./_specs.ts";
import { renderFigure } from "./_figure.ts";
import type { Series } from "./_panel.ts";
import { COLORS, formatValue } from "./_svg.ts";
import type { PlotData } from "./types.ts";

/** A suggested learning rate drawn as a marker, e.g. the LR finder's valley, steep, minimum. */
export interface PlotSuggestion {
  /** Name shown in the legend with the lr, e.g. `"valley"`. */
  name: string;
  /** The suggested learning rate (x). */
  lr: number;
  /** The loss at that learning rate (y). */
  loss: number;
}

/** Options of {@link plotLrLoss}. */
export interface PlotLrLossOptions {
  /** Points skipped at the start. Default 10. */
  nSkip?: number;
  /** Points skipped at the end; 0 plots up to the last point. Default 5. */
  nSkipEnd?: number;
  /** Linear x axis when `true`, log when `false`; by default log unless the last phase was linear. */
  linear?: boolean;
  /** Markers with a legend entry each. */
  suggestions?: PlotSuggestion[];
  /** Optional figure title. */
  title?: string;
}

/**
 * Loss (y) against learning rate (x) as an SVG string.
 *
 * When skipping would leave fewer than 2 points, all points are plotted instead.
 *
 * @example
 * ```ts
 * const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 10 ** (i / 12));
 * const losses = lrs.map((lr) => 2 - Math.log10(lr) / 10 + lr ** 2);
 * const svg = plotLrLoss(
 *   { iterations: [], lrs, momentums: [], losses, valLosses: [], epochIterations: [], phases: [] },
 *   { suggestions: [{ name: "valley", lr: lrs[60]!, loss: losses[60]! }] },
 * );
 * ```
 */
export function plotLrLoss(data: PlotData, opts: PlotLrLossOptions = {}): string {
  checkPlotData(data, "plotLrLoss");
  checkOptions("plotLrLoss", opts, PLOT_LR_LOSS_SPEC);
  const nSkip = checkCount(opts.nSkip ?? 10, "nSkip");
  const nSkipEnd = checkCount(opts.nSkipEnd ?? 5, "nSkipEnd");
  const lrs = checkNumbers(data.lrs, "lrs");
  const losses = checkNumbers(data.losses, "losses");
  checkSameLength(lrs, losses, "lrs", "losses");
  const linear = opts.linear ?? (data.phases?.at(-1)?.linear ?? false);
  let lo = nSkip, hi = lrs.length - nSkipEnd;
  if (hi - lo < 2) [lo, hi] = [0, lrs.length];
  const x = Array.from(lrs).slice(lo, hi), y = Array.from(losses).slice(lo, hi);
  const series: Series[] = [{ kind: "line", x, y, color: COLORS[0] }];
  (opts.suggestions ?? []).forEach((s, i) => {
    series.push({
      kind: "scatter",
      x: [s.lr],
      y: [s.loss],
      color: COLORS[(i + 1) % COLORS.length]!,
      label: `${s.name}: ${formatValue(Number(s.lr.toPrecision(3)))}`,
      radius: 6,
    });
  });
  return renderFigure([{
    xLabel: linear ? "learning rate" : "learning rate (log scale)",
    yLabel: "loss",
    xLog: !linear,
    series,
  }], { title: opts.title });
}
