import assert from "node:assert/strict";
import { plotLr } from "./plot_lr.ts";
import { byClass } from "./_xml_parse.ts";
import { linePoints, parse, phaseLines, phaseTexts, sampleData, texts } from "./_test_data.ts";

Deno.test("plotLr: red dashed line at every interior boundary on every subplot, with and without text", () => {
  for (const showText of [true, false]) {
    for (const showMoms of [true, false]) {
      const root = parse(plotLr(sampleData(), { showText, showMoms }));
      const panels = byClass(root, "panel");
      assert.equal(panels.length, showMoms ? 2 : 1);
      for (const p of panels) {
        assert.equal(phaseLines(p).length, 2, `text=${showText} moms=${showMoms}`);
      }
    }
  }
});

Deno.test("plotLr: phase lines sit at the boundaries, in order", () => {
  const root = parse(plotLr(sampleData(), { showMoms: false }));
  const xs = phaseLines(root).map((l) => Number(l.attrs.x1));
  assert.equal(xs.length, 2);
  assert.ok(xs[0]! < xs[1]!);
  for (const l of phaseLines(root)) assert.equal(l.attrs.x1, l.attrs.x2);
});

Deno.test("plotLr: phase texts are name, wds, beta lines; absent with showText false", () => {
  const root = parse(plotLr(sampleData(), { showMoms: false }));
  assert.deepEqual(phaseTexts(root), [
    ["SGD"],
    ["SGD", "wds=1e-4"],
    ["Adam", "wds=[1e-5, 1e-4]", "beta=0.99"],
  ]);
  const both = parse(plotLr(sampleData()));
  assert.equal(phaseTexts(both).length, 6);
  const none = parse(plotLr(sampleData(), { showText: false }));
  assert.equal(phaseTexts(none).length, 0);
});

Deno.test("plotLr: labels of fastai's figure", () => {
  const root = parse(plotLr(sampleData()));
  assert.deepEqual(texts(root, "ylabel"), ["learning rate", "momentum"]);
  assert.deepEqual(texts(root, "xlabel"), ["iterations", "iterations"]);
  const svg = plotLr(sampleData(), { showMoms: false });
  assert.equal(parse(svg).attrs.width, "600");
  assert.equal(parse(plotLr(sampleData())).attrs.width, "1200");
});

Deno.test("plotLr: one phase draws no boundary; no phases draws neither lines nor text", () => {
  const d = sampleData();
  const one = parse(plotLr({ ...d, phases: [{ start: 0, end: 60, optimizerName: "SGD" }] }));
  assert.equal(phaseLines(one).length, 0);
  assert.equal(phaseTexts(one).length, 2);
  const none = parse(plotLr({ ...d, phases: [] }));
  assert.equal(phaseLines(none).length, 0);
  assert.equal(phaseTexts(none).length, 0);
});

Deno.test("plotLr: escapes optimizer names", () => {
  const d = sampleData(5, [
    { start: 0, end: 5, optimizerName: "<lambda> & co" },
    { start: 5, end: 15, optimizerName: 'a"b' },
  ]);
  const svg = plotLr(d);
  assert.ok(svg.includes("&lt;lambda&gt; &amp; co"));
  assert.deepEqual(phaseTexts(parse(svg)).slice(0, 2), [["<lambda> & co"], ['a"b']]);
});

Deno.test("plotLr: NaN and infinite points are skipped and break the line", () => {
  const d = sampleData();
  d.lrs[10] = NaN;
  d.lrs[30] = Infinity;
  d.momentums[5] = -Infinity;
  const [lr, mom] = linePoints(parse(plotLr(d)));
  assert.deepEqual(lr, { moves: 3, points: 58 });
  assert.deepEqual(mom, { moves: 2, points: 59 });
});

Deno.test("plotLr: constant values still get ticks around the value", () => {
  const d = sampleData();
  d.lrs = d.lrs.map(() => 0.01);
  const root = parse(plotLr(d, { showMoms: false }));
  const ys = byClass(root, "tick-label y").map((t) => Number(t.attrs["data-value"]));
  assert.ok(ys.length >= 3);
  assert.ok(Math.min(...ys) < 0.01 && Math.max(...ys) > 0.01);
});

Deno.test("plotLr: mismatched lengths and bad types throw", () => {
  const d = sampleData();
  assert.throws(() => plotLr({ ...d, lrs: d.lrs.slice(1) }), RangeError);
  assert.throws(() => plotLr({ ...d, momentums: [] }), RangeError);
  plotLr({ ...d, momentums: [] }, { showMoms: false });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => plotLr({ ...d, lrs: "x" as any }), TypeError);
});
