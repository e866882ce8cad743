import assert from "node:assert/strict";
import { plotLoss } from "./plot_loss.ts";
import { byClass } from "./_xml_parse.ts";
import { linePoints, parse, sampleData, texts } from "./_test_data.ts";

Deno.test("plotLoss: train line and valid points at epoch ends with a legend", () => {
  const root = parse(plotLoss(sampleData()));
  assert.deepEqual(texts(root, "legend-entry"), ["train", "valid"]);
  assert.deepEqual(texts(root, "xlabel"), ["iterations"]);
  assert.deepEqual(texts(root, "ylabel"), ["loss"]);
  assert.deepEqual(linePoints(root).map((l) => l.points), [60, 3]);
  const valid = byClass(root, "markers")[0]!;
  assert.equal(valid.children.length, 3);
});

Deno.test("plotLoss: nSkip drops early batches and the epochs before them", () => {
  const root = parse(plotLoss(sampleData(), { nSkip: 25 }));
  assert.deepEqual(linePoints(root).map((l) => l.points), [35, 2]);
});

Deno.test("plotLoss: no validation losses gives a train-only legend", () => {
  const d = { ...sampleData(), valLosses: [], epochIterations: [] };
  assert.deepEqual(texts(parse(plotLoss(d)), "legend-entry"), ["train"]);
});

Deno.test("plotLoss: NaN losses break the line; mismatched lengths throw", () => {
  const d = sampleData();
  d.losses[7] = NaN;
  assert.deepEqual(linePoints(parse(plotLoss(d)))[0], { moves: 2, points: 59 });
  assert.throws(() => plotLoss({ ...d, valLosses: [1] }), RangeError);
  assert.throws(() => plotLoss(d, { nSkip: -3 }), RangeError);
});
