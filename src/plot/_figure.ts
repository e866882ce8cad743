/**
 * A figure: several panels side by side under an optional title, as one SVG document.
 *
 * @module
 */

import { type PanelSpec, renderPanel } from "./_panel.ts";
import { svgDocument, text } from "./_svg.ts";

/** Size of one panel in px (matplotlib's 6 x 4 inches at 100 dpi). */
export interface FigureOptions {
  title?: string;
  panelWidth?: number;
  panelHeight?: number;
}

/** Renders `panels` left to right into a standalone SVG string. */
export function renderFigure(panels: PanelSpec[], opts: FigureOptions = {}): string {
  const pw = opts.panelWidth ?? 600, ph = opts.panelHeight ?? 400;
  const head = opts.title ? 34 : 0;
  const width = pw * Math.max(1, panels.length), height = ph + head;
  const body = panels.map((p, i) =>
    renderPanel(p, { x: i * pw, y: head, w: pw, h: ph }, `panel${i}`)
  );
  if (opts.title) {
    body.unshift(text(opts.title, {
      class: "title",
      x: width / 2,
      y: 24,
      "font-size": 17,
      "text-anchor": "middle",
    }));
  }
  return svgDocument(width, height, body.join("\n"), opts.title);
}
