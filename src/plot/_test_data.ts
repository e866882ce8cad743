/**
 * Test fixtures and SVG query helpers shared by the plot tests.
 *
 * @module
 */

import { allText, byClass, findAll, parseXml, type XmlElement } from "./_xml_parse.ts";
import type { PlotData, PlotPhase } from "./types.ts";

/** A 3-phase schedule of `n` batches per phase with losses, validation and momentum. */
export function sampleData(n = 20, phases?: PlotPhase[]): PlotData {
  const total = 3 * n;
  const iterations = Array.from({ length: total }, (_, i) => i + 1);
  return {
    iterations,
    lrs: iterations.map((i) => 1e-3 * (1 + 9 * Math.sin(Math.PI * i / total))),
    momentums: iterations.map((i) => 0.95 - 0.1 * Math.sin(Math.PI * i / total)),
    losses: iterations.map((i) => 2 * Math.exp(-i / n) + 0.2),
    valLosses: [1.0, 0.5, 0.3],
    epochIterations: [n, 2 * n, 3 * n],
    phases: phases ?? [
      { start: 0, end: n, optimizerName: "SGD" },
      { start: n, end: 2 * n, optimizerName: "SGD", wds: 1e-4 },
      { start: 2 * n, end: 3 * n, optimizerName: "Adam", wds: [1e-5, 1e-4], beta: 0.99 },
    ],
  };
}

/** Parses `svg` (throws unless well-formed) and returns the root. */
export function parse(svg: string): XmlElement {
  return parseXml(svg);
}

/** The red dashed phase-boundary lines. */
export function phaseLines(root: XmlElement): XmlElement[] {
  return findAll(
    root,
    (e) =>
      e.name === "line" && e.attrs.stroke === "red" && e.attrs["stroke-dasharray"] !== undefined,
  );
}

/** The text lines of each phase label, in document order. */
export function phaseTexts(root: XmlElement): string[][] {
  return byClass(root, "phase-text").map((t) => t.children.map(allText));
}

/** Number of pieces (M commands) and points (M and L commands) of each data line path. */
export function linePoints(root: XmlElement): { moves: number; points: number }[] {
  return byClass(root, "line").map((g) => {
    const d = g.children.find((c) => c.name === "path")?.attrs.d ?? "";
    return { moves: (d.match(/M/g) ?? []).length, points: (d.match(/[ML]/g) ?? []).length };
  });
}

/** The texts of the elements with class `cls`. */
export function texts(root: XmlElement, cls: string): string[] {
  return byClass(root, cls).map(allText);
}
