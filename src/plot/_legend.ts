/**
 * A legend box placed in the corner of the plot area that hides the fewest data points.
 *
 * @module
 */

import type { Area } from "./_axis.ts";
import { el, text, textWidth } from "./_svg.ts";

/** One legend row: a line sample, a marker, or both. */
export interface LegendEntry {
  label: string;
  color: string;
  line: boolean;
  marker: boolean;
  dashed?: boolean;
}

const FONT = 12, ROW = 18, PAD = 6, SAMPLE = 22;

/** The legend markup; `points` are the pixel positions of the data, used to pick a free corner. */
export function renderLegend(
  entries: LegendEntry[],
  area: Area,
  points: [number, number][],
): string {
  if (entries.length === 0) return "";
  const w = PAD * 3 + SAMPLE + Math.max(...entries.map((e) => textWidth(e.label, FONT)));
  const h = PAD * 2 + ROW * entries.length;
  const inset = 8;
  const left = area.x + inset, right = area.x + area.w - inset - w;
  const top = area.y + inset, bottom = area.y + area.h - inset - h;
  // matplotlib's 'best' order: upper right, upper left, lower left, lower right
  const corners: [number, number][] = [[right, top], [left, top], [left, bottom], [right, bottom]];
  let best = corners[0]!, bestCount = Infinity;
  for (const [cx, cy] of corners) {
    let n = 0;
    for (const [px, py] of points) if (px >= cx && px <= cx + w && py >= cy && py <= cy + h) n++;
    if (n < bestCount) [best, bestCount] = [[cx, cy], n];
  }
  const [x0, y0] = best;
  const rows = entries.map((e, i) => {
    const cy = y0 + PAD + ROW * i + ROW / 2;
    const sx = x0 + PAD;
    let sample = "";
    if (e.line) {
      sample += el("line", {
        x1: sx,
        y1: cy,
        x2: sx + SAMPLE,
        y2: cy,
        stroke: e.color,
        "stroke-width": 2,
        "stroke-dasharray": e.dashed ? "6 4" : undefined,
      });
    }
    if (e.marker) {
      sample += el("circle", { cx: sx + SAMPLE / 2, cy, r: 4.5, fill: e.color });
    }
    const label = text(e.label, {
      x: sx + SAMPLE + PAD,
      y: cy + FONT * 0.35,
      "font-size": FONT,
    });
    return el("g", { class: "legend-entry" }, sample + label);
  });
  const box = el("rect", {
    x: x0,
    y: y0,
    width: w,
    height: h,
    rx: 3,
    fill: "white",
    "fill-opacity": 0.85,
    stroke: "#cccccc",
  });
  return el("g", { class: "legend" }, box + rows.join(""));
}
