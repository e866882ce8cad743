/**
 * Standalone SVG plots of a training run (no dependencies): the schedule (`plotLr`), loss against
 * learning rate (`plotLrLoss`), the losses (`plotLoss`) and an HTML page to view them (`indexPage`).
 *
 * @example
 * ```ts
 * import { plotLr } from "./mod.ts";
 * const svg = plotLr({
 *   iterations: [1, 2], lrs: [0.1, 0.01], momentums: [0.9, 0.9], losses: [], valLosses: [],
 *   epochIterations: [], phases: [{ start: 0, end: 2, optimizerName: "SGD" }],
 * });
 * ```
 * @module
 */

export type { PlotData, PlotPhase } from "./types.ts";
export { phaseText, plotLr, type PlotLrOptions } from "./plot_lr.ts";
export { plotLrLoss, type PlotLrLossOptions, type PlotSuggestion } from "./plot_lr_loss.ts";
export { plotLoss, type PlotLossOptions } from "./plot_loss.ts";
export { type IndexEntry, indexPage } from "./index_page.ts";
