import assert from "node:assert/strict";
import { plotLrLoss } from "./plot_lr_loss.ts";
import { byClass } from "./_xml_parse.ts";
import { linePoints, parse, sampleData, texts } from "./_test_data.ts";
import type { PlotData } from "./types.ts";

function finder(n = 100): PlotData {
  const lrs = Array.from({ length: n }, (_, i) => 1e-7 * 10 ** (8 * i / (n - 1)));
  return {
    ...sampleData(),
    iterations: lrs.map((_, i) => i + 1),
    lrs,
    momentums: lrs.map(() => 0.9),
    losses: lrs.map((lr) => 2 - Math.log10(lr) / 20 + lr),
    phases: [{ start: 0, end: n, optimizerName: "SGD" }],
  };
}

const xTicks = (svg: string) =>
  byClass(parse(svg), "tick-label x").map((t) => Number(t.attrs["data-value"]));

Deno.test("plotLrLoss: log x axis with decade ticks by default", () => {
  const svg = plotLrLoss(finder());
  const root = parse(svg);
  assert.deepEqual(texts(root, "xlabel"), ["learning rate (log scale)"]);
  assert.deepEqual(texts(root, "ylabel"), ["loss"]);
  const ticks = xTicks(svg);
  assert.ok(ticks.length >= 5);
  for (const t of ticks) {
    assert.ok(Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9, `${t}`);
  }
  assert.ok(texts(root, "tick-label x").includes("1e-5"));
});

Deno.test("plotLrLoss: linear axis when the last phase is linear, or when forced", () => {
  const d = finder();
  const lin = { ...d, phases: [{ start: 0, end: 100, optimizerName: "SGD", linear: true }] };
  assert.deepEqual(texts(parse(plotLrLoss(lin)), "xlabel"), ["learning rate"]);
  assert.deepEqual(texts(parse(plotLrLoss(lin, { linear: false })), "xlabel"), [
    "learning rate (log scale)",
  ]);
  assert.deepEqual(texts(parse(plotLrLoss(d, { linear: true })), "xlabel"), ["learning rate"]);
  const ticks = xTicks(plotLrLoss(d, { linear: true }));
  const steps = ticks.slice(1).map((t, i) => t - ticks[i]!);
  for (const s of steps) assert.ok(Math.abs(s - steps[0]!) < 1e-9 * Math.abs(steps[0]!));
});

Deno.test("plotLrLoss: skips nSkip and nSkipEnd points; nSkipEnd 0 keeps the last point", () => {
  assert.equal(linePoints(parse(plotLrLoss(finder())))[0]!.points, 85);
  assert.equal(linePoints(parse(plotLrLoss(finder(), { nSkipEnd: 0 })))[0]!.points, 90);
  assert.equal(linePoints(parse(plotLrLoss(finder(), { nSkip: 0, nSkipEnd: 0 })))[0]!.points, 100);
});

Deno.test("plotLrLoss: too short to skip plots everything rather than nothing", () => {
  const short = finder(12);
  assert.equal(linePoints(parse(plotLrLoss(short)))[0]!.points, 12);
  const one = finder(1);
  one.lrs = [1e-3];
  one.losses = [2];
  assert.equal(linePoints(parse(plotLrLoss(one)))[0]!.points, 1);
});

Deno.test("plotLrLoss: NaN losses and non-positive lrs on a log axis are skipped", () => {
  const d = finder();
  d.losses[50] = NaN;
  d.lrs[60] = 0;
  const [l] = linePoints(parse(plotLrLoss(d, { nSkip: 0, nSkipEnd: 0 })));
  assert.deepEqual(l, { moves: 3, points: 98 });
  const lin = linePoints(parse(plotLrLoss(d, { nSkip: 0, nSkipEnd: 0, linear: true })))[0];
  assert.deepEqual(lin, { moves: 2, points: 99 });
});

Deno.test("plotLrLoss: suggestions are markers with a legend", () => {
  const d = finder();
  const svg = plotLrLoss(d, {
    suggestions: [
      { name: "valley", lr: d.lrs[40]!, loss: d.losses[40]! },
      { name: "steep", lr: d.lrs[30]!, loss: d.losses[30]! },
      { name: "minimum", lr: d.lrs[80]!, loss: d.losses[80]! },
    ],
  });
  const root = parse(svg);
  const legend = texts(root, "legend-entry");
  assert.equal(legend.length, 3);
  assert.ok(legend[0]!.startsWith("valley: "));
  assert.ok(legend[2]!.startsWith("minimum: "));
  assert.equal(byClass(root, "markers").length, 3);
  assert.equal(byClass(parse(plotLrLoss(d)), "legend").length, 0);
});

Deno.test("plotLrLoss: bad options throw RangeError", () => {
  assert.throws(() => plotLrLoss(finder(), { nSkip: -1 }), RangeError);
  assert.throws(() => plotLrLoss(finder(), { nSkipEnd: 1.5 }), RangeError);
  const d = finder();
  assert.throws(() => plotLrLoss({ ...d, losses: d.losses.slice(2) }), RangeError);
});
