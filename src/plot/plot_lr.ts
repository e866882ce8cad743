/**
 * `plotLr`: the learning rate (and momentum) schedule with its phases, as fastai v0.7's
 * `sched.plot_lr()` shows it.
 *
 * @module
 */

import { checkNumbers, checkPlotData, checkSameLength } from "./_check.ts";
import { checkOptions } from "../_options.ts";
import { PLOT_LR_SPEC } from "./_specs.ts";
import { renderFigure } from "./_figure.ts";
import type { CenterText, PanelSpec, VLine } from "./_panel.ts";
import { COLORS, formatValue } from "./_svg.ts";
import type { PlotData, PlotPhase } from "./types.ts";

/** Options of {@link plotLr}. */
export interface PlotLrOptions {
  /** Print each phase's optimizer name (and `wds=`, `beta=` when set) centred in its span. Default `true`. */
  showText?: boolean;
  /** Add a second subplot with the momentum. Default `true`. */
  showMoms?: boolean;
  /** Optional figure title. */
  title?: string;
}

/**
 * The learning rate (left) and momentum (right) against iterations, as an SVG string.
 *
 * A red dashed vertical line marks every interior phase boundary on every subplot, with or without
 * `showText` (fastai v0.7 dropped the lines together with the text).
 *
 * @example
 * ```ts
 * const svg = plotLr({
 *   iterations: [1, 2, 3, 4], lrs: [0.1, 0.1, 0.01, 0.01], momentums: [0.9, 0.9, 0.9, 0.9],
 *   losses: [], valLosses: [], epochIterations: [],
 *   phases: [{ start: 0, end: 2, optimizerName: "SGD" }, { start: 2, end: 4, optimizerName: "Adam", beta: 0.99 }],
 * }, { showMoms: false });
 * svg.startsWith("<svg"); // true: save it with Deno.writeTextFile("lr.svg", svg)
 * ```
 */
export function plotLr(data: PlotData, opts: PlotLrOptions = {}): string {
  checkPlotData(data, "plotLr");
  checkOptions("plotLr", opts, PLOT_LR_SPEC);
  const { showText = true, showMoms = true } = opts;
  const its = checkNumbers(data.iterations, "iterations");
  const lrs = checkNumbers(data.lrs, "lrs");
  checkSameLength(its, lrs, "iterations", "lrs");
  const moms = showMoms ? checkNumbers(data.momentums, "momentums") : [];
  if (showMoms) checkSameLength(its, moms, "iterations", "momentums");
  const phases = data.phases ?? [];
  const bounds = phases.slice(0, -1).map((p) => p.end);
  const vLines: VLine[] = bounds.filter(Number.isFinite).map((x) => ({
    x,
    color: "red",
    dashed: true,
    className: "phase-boundary",
  }));
  const texts: CenterText[] = showText
    ? phases.filter((p) => Number.isFinite(p.start) && Number.isFinite(p.end)).map((p) => ({
      x: (p.start + p.end) / 2,
      halfSpan: Math.abs(p.end - p.start) / 2,
      lines: phaseText(p),
    }))
    : [];
  const panel = (y: ArrayLike<number>, yLabel: string): PanelSpec => ({
    xLabel: "iterations",
    yLabel,
    series: [{ kind: "line", x: its, y, color: COLORS[0] }],
    vLines,
    texts,
    xInclude: bounds,
  });
  const panels = [panel(lrs, "learning rate")];
  if (showMoms) panels.push(panel(moms, "momentum"));
  return renderFigure(panels, { title: opts.title });
}

/** The text lines fastai prints on a phase: optimizer name, then `wds=...`, then `beta=...`. */
export function phaseText(p: PlotPhase): string[] {
  const lines = [p.optimizerName];
  if (p.wds !== undefined && p.wds !== null) {
    const w = Array.isArray(p.wds) ? `[${p.wds.map(formatValue).join(", ")}]` : formatValue(p.wds);
    lines.push(`wds=${w}`);
  }
  if (p.beta !== undefined && p.beta !== null) lines.push(`beta=${formatValue(p.beta)}`);
  return lines;
}
