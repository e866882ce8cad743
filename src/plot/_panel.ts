/**
 * One subplot: scales, axes, line and scatter series, vertical dashed lines, centred text, legend.
 *
 * @module
 */

import { type Area, LABEL_FONT, maxLabelWidth, renderAxes, TICK_LEN } from "./_axis.ts";
import { decimate, type Pt } from "./_decimate.ts";
import { type LegendEntry, renderLegend } from "./_legend.ts";
import { extent, makeScale, paddedDomain } from "./_scale.ts";
import { el, escapeXml, px, text, textWidth } from "./_svg.ts";

/** A data series; non-finite points (and points <= 0 on a log axis) are skipped and break lines. */
export interface Series {
  kind: "line" | "scatter";
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** Shown in the legend when set. */
  label?: string;
  /** Line series only: also draw a marker at each point. */
  markers?: boolean;
  /** Marker radius in px (scatter, markers). */
  radius?: number;
}

/** A vertical line across the whole plot area at data `x`. */
export interface VLine {
  x: number;
  color: string;
  dashed: boolean;
  className?: string;
}

/** Text centred at data `x` and the middle of the plot area height, one line per entry. */
export interface CenterText {
  x: number;
  /** Half the width in data units available to the text; the font shrinks to fit it. */
  halfSpan?: number;
  lines: string[];
}

/** Everything one subplot shows. */
export interface PanelSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: Series[];
  vLines?: VLine[];
  texts?: CenterText[];
  /** Extra x values the x range must include (e.g. phase boundaries). */
  xInclude?: number[];
}

/** The panel drawn inside `box`; `id` must be unique in the document (used for the clip path). */
export function renderPanel(spec: PanelSpec, box: Area, id: string): string {
  const xLog = spec.xLog ?? false, yLog = spec.yLog ?? false;
  const xVals = spec.series.flatMap((s) => Array.from(s.x)).concat(spec.xInclude ?? []);
  const ok = (s: Series, i: number) =>
    Number.isFinite(s.x[i]) && Number.isFinite(s.y[i]) && !(xLog && s.x[i]! <= 0) &&
    !(yLog && s.y[i]! <= 0);
  const yVals = spec.series.flatMap((s) =>
    Array.from({ length: Math.min(s.x.length, s.y.length) }, (_, i) => ok(s, i) ? s.y[i]! : NaN)
  );
  const xDom = paddedDomain(extent(xVals, xLog), xLog);
  const yDom = paddedDomain(extent(yVals, yLog), yLog);
  const yTicks = makeScale(yDom, [0, 1], yLog).ticks();
  const left = 10 + LABEL_FONT + 10 + maxLabelWidth(yTicks) + TICK_LEN + 3;
  const top = spec.title ? 36 : 16;
  const bottom = TICK_LEN + 3 + 12 + 8 + LABEL_FONT + 14;
  const area: Area = {
    x: box.x + left,
    y: box.y + top,
    w: box.w - left - 20,
    h: box.h - top - bottom,
  };
  const xs = makeScale(xDom, [area.x, area.x + area.w], xLog);
  const ys = makeScale(yDom, [area.y + area.h, area.y], yLog);

  const clipId = `${id}-clip`;
  const parts: string[] = [];
  parts.push(el(
    "clipPath",
    { id: clipId },
    el("rect", { x: area.x, y: area.y, width: area.w, height: area.h }),
  ));
  const data: string[] = [];
  const points: [number, number][] = [];
  const legend: LegendEntry[] = [];
  for (const s of spec.series) {
    const pts: Pt[] = [];
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const p: [number, number] = [xs.map(s.x[i]!), ys.map(s.y[i]!)];
      pts.push(ok(s, i) && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? p : null);
    }
    for (const p of pts) if (p) points.push(p);
    const r = s.radius ?? (s.kind === "scatter" ? 5 : 3);
    if (s.kind === "line") {
      data.push(linePath(pts.length > 2 * area.w ? decimate(pts) : pts, s.color));
    }
    if (s.kind === "scatter" || s.markers) {
      const dots = pts.filter((p) => p !== null)
        .map(([cx, cy]) => el("circle", { cx, cy, r, fill: s.color }));
      data.push(el("g", { class: "markers" }, dots.join("")));
    }
    if (s.label !== undefined) {
      legend.push({
        label: s.label,
        color: s.color,
        line: s.kind === "line",
        marker: s.kind === "scatter" || (s.markers ?? false),
      });
    }
  }
  for (const v of spec.vLines ?? []) {
    const p = xs.map(v.x);
    if (!Number.isFinite(p)) continue;
    data.push(el("line", {
      class: v.className,
      x1: p,
      y1: area.y,
      x2: p,
      y2: area.y + area.h,
      stroke: v.color,
      "stroke-width": 1.5,
      "stroke-dasharray": v.dashed ? "6 4" : undefined,
    }));
  }
  parts.push(el("g", { "clip-path": `url(#${clipId})` }, data.join("")));
  for (const t of spec.texts ?? []) parts.push(centerText(t, xs.map, area));
  parts.push(renderAxes(xs, ys, area, spec.xLabel, spec.yLabel, box.x + 10 + LABEL_FONT * 0.8));
  if (spec.title) {
    parts.push(text(spec.title, {
      class: "panel-title",
      x: area.x + area.w / 2,
      y: box.y + 24,
      "font-size": 15,
      "text-anchor": "middle",
    }));
  }
  parts.push(renderLegend(legend, area, points));
  return el("g", { class: "panel" }, parts.join(""));
}

/** Path of a polyline broken at `null` points; isolated points become small dots. */
function linePath(pts: Pt[], color: string): string {
  let d = "";
  const dots: string[] = [];
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i];
    if (!p) continue;
    const prev = i > 0 ? pts[i - 1] : null, next = i + 1 < pts.length ? pts[i + 1] : null;
    if (!prev && !next) dots.push(el("circle", { cx: p[0], cy: p[1], r: 2, fill: color }));
    d += `${prev ? "L" : "M"}${px(p[0])} ${px(p[1])}`;
  }
  const path = d === "" ? "" : el("path", {
    d,
    fill: "none",
    stroke: color,
    "stroke-width": 1.5,
    "stroke-linejoin": "round",
    "stroke-linecap": "round",
  });
  return el("g", { class: "line" }, path + dots.join(""));
}

function centerText(t: CenterText, mapX: (v: number) => number, area: Area): string {
  const cx = mapX(t.x);
  if (!Number.isFinite(cx) || t.lines.length === 0) return "";
  let size = 14;
  if (t.halfSpan !== undefined) {
    const spanPx = Math.abs(mapX(t.x + t.halfSpan) - mapX(t.x - t.halfSpan));
    const widest = Math.max(...t.lines.map((l) => textWidth(l, 1)));
    if (Number.isFinite(spanPx) && widest > 0) {
      size = Math.max(10, Math.min(14, spanPx * 0.95 / widest));
    }
  }
  const half = Math.max(...t.lines.map((l) => textWidth(l, size))) / 2;
  const x = Math.min(Math.max(cx, area.x + half + 2), area.x + area.w - half - 2);
  const lineH = size * 1.2;
  const y0 = area.y + area.h / 2 - (lineH * (t.lines.length - 1)) / 2 + size * 0.35;
  const spans = t.lines.map((l, i) => el("tspan", { x, y: y0 + i * lineH }, escapeXml(l))).join(
    "",
  );
  return el("text", {
    class: "phase-text",
    "font-size": size,
    "text-anchor": "middle",
    "fill-opacity": 0.5,
    stroke: "white",
    "stroke-width": 3,
    "stroke-opacity": 0.6,
    "paint-order": "stroke",
  }, spans);
}
