/**
 * Axes of one panel: the frame, outward ticks, tick labels and axis titles.
 *
 * @module
 */

import { el, px, text, textWidth } from "./_svg.ts";
import type { Scale, Tick } from "./_scale.ts";

/** The plot area in pixels. */
export interface Area {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Font sizes (px) and tick length used by every chart. */
export const TICK_FONT = 12;
export const LABEL_FONT = 14;
export const TICK_LEN = 5;

/** Width in px of the widest labelled tick. */
export function maxLabelWidth(ticks: Tick[]): number {
  return Math.max(0, ...ticks.map((t) => textWidth(t.label, TICK_FONT)));
}

/** Keeps every n-th label so that neighbouring x labels do not overlap. */
export function thinXLabels(ticks: Tick[], scale: Scale): Tick[] {
  const majors = ticks.filter((t) => t.label !== "");
  if (majors.length < 2) return ticks;
  const gap = Math.abs(scale.map(majors[1]!.value) - scale.map(majors[0]!.value));
  const need = maxLabelWidth(majors) + 10;
  const every = Math.max(1, Math.ceil(need / Math.max(gap, 1e-9)));
  if (every === 1) return ticks;
  const keep = new Set(majors.filter((_, i) => i % every === 0));
  return ticks.map((t) => (t.label === "" || keep.has(t)) ? t : { ...t, label: "" });
}

/** The frame, the ticks with their labels, and the axis titles. */
export function renderAxes(
  xs: Scale,
  ys: Scale,
  area: Area,
  xLabel: string,
  yLabel: string,
  yLabelX: number,
): string {
  const parts: string[] = [];
  const bottom = area.y + area.h, right = area.x + area.w;
  const inX = (p: number) => p >= area.x - 0.5 && p <= right + 0.5;
  const inY = (p: number) => p >= area.y - 0.5 && p <= bottom + 0.5;
  for (const t of thinXLabels(xs.ticks(), xs)) {
    const p = xs.map(t.value);
    if (!inX(p)) continue;
    const len = t.major ? TICK_LEN : TICK_LEN * 0.6;
    parts.push(el("line", { x1: p, y1: bottom, x2: p, y2: bottom + len, stroke: "black" }));
    if (t.label !== "") {
      parts.push(text(t.label, {
        class: "tick-label x",
        "data-value": String(t.value),
        x: p,
        y: bottom + TICK_LEN + 3 + TICK_FONT,
        "font-size": TICK_FONT,
        "text-anchor": "middle",
      }));
    }
  }
  for (const t of ys.ticks()) {
    const p = ys.map(t.value);
    if (!inY(p)) continue;
    const len = t.major ? TICK_LEN : TICK_LEN * 0.6;
    parts.push(el("line", { x1: area.x - len, y1: p, x2: area.x, y2: p, stroke: "black" }));
    if (t.label !== "") {
      parts.push(text(t.label, {
        class: "tick-label y",
        "data-value": String(t.value),
        x: area.x - TICK_LEN - 3,
        y: p + TICK_FONT * 0.35,
        "font-size": TICK_FONT,
        "text-anchor": "end",
      }));
    }
  }
  parts.push(el("rect", {
    x: area.x,
    y: area.y,
    width: area.w,
    height: area.h,
    fill: "none",
    stroke: "black",
    "stroke-width": 1,
  }));
  parts.push(text(xLabel, {
    class: "xlabel",
    x: area.x + area.w / 2,
    y: bottom + TICK_LEN + 3 + TICK_FONT + 8 + LABEL_FONT,
    "font-size": LABEL_FONT,
    "text-anchor": "middle",
  }));
  const cy = area.y + area.h / 2;
  parts.push(text(yLabel, {
    class: "ylabel",
    x: yLabelX,
    y: cy,
    "font-size": LABEL_FONT,
    "text-anchor": "middle",
    transform: `rotate(-90 ${px(yLabelX)} ${px(cy)})`,
  }));
  return el("g", { class: "axes" }, parts.join(""));
}
