/**
 * The Jupyter display pieces against a recording stand-in for `Deno.jupyter`, and their script side
 * (no kernel: primitive strings, the terminal bar, text lines). The real kernel is exercised by
 * tests/jupyter_notebook_test.ts.
 */
import assert from "node:assert/strict";
import { inJupyter, jupyterApi, LiveDisplay, plotResult, SvgPlot } from "./_jupyter.ts";
import { fitViews, HtmlStatsTable, NotebookProgress } from "./_fit_views.ts";
import { ProgressBar } from "./_progress.ts";
import { Sched } from "./sched.ts";
import { Recorder } from "./recorder.ts";

type Msg = { type: string; content: Record<string, unknown> };

function fakeKernel(fail = false) {
  const sent: Msg[] = [];
  const api = {
    broadcast: async (type: string, content: Record<string, unknown>) => {
      await Promise.resolve();
      if (fail) throw new Error("socket closed");
      sent.push({ type, content });
    },
  };
  const data = (m: Msg) => m.content.data as Record<string, string>;
  const id = (m: Msg) => (m.content.transient as { display_id: string }).display_id;
  return { api, sent, data, id };
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>';

Deno.test("outside the kernel: no Deno.jupyter, plots stay primitive strings", () => {
  assert.equal(jupyterApi(), undefined);
  assert.equal(inJupyter(), false);
  const s = plotResult(SVG);
  assert.equal(typeof s, "string");
  assert.equal(s, SVG);
});

Deno.test("Sched plot methods return a primitive string in a script", () => {
  const rec = new Recorder();
  rec.recordBatch({ lrs: Float64Array.of(0.1), momentum: 0.9, loss: 2, rawLoss: 2 });
  rec.recordBatch({ lrs: Float64Array.of(0.05), momentum: 0.9, loss: 1.5, rawLoss: 1.5 });
  const sched = new Sched(rec);
  for (const svg of [sched.plotLr(), sched.plotLoss()]) {
    assert.equal(typeof svg, "string");
    assert.match(svg, /^(<\?xml[^>]*>\s*)?<svg /);
  }
});

Deno.test("SvgPlot: the same characters, an image sent at display time, a short inspect", async () => {
  const k = fakeKernel();
  const p = plotResult(SVG, k.api) as unknown as SvgPlot;
  assert.ok(p instanceof SvgPlot);
  assert.equal(typeof p, "object");
  assert.equal(String(p), SVG);
  assert.equal(`${p}`, SVG);
  assert.equal(p.length, SVG.length);
  assert.ok(p.startsWith("<svg"));
  assert.equal(Deno.inspect(p), `SvgPlot(${SVG.length} characters)`);
  assert.equal(k.sent.length, 0, "nothing is shown before the kernel displays it");
  const hook = (x: object) =>
    (x as Record<symbol, () => Record<string, string> | Promise<Record<string, string>>>)[
      Symbol.for("Jupyter.display")
    ]!.call(x);
  // in the kernel: the image goes out as display_data before the hook returns, the result is empty
  assert.deepEqual(await hook(p), {});
  assert.equal(k.sent.length, 1);
  assert.equal(k.sent[0]!.type, "display_data");
  const b = k.data(k.sent[0]!);
  assert.equal(b["image/svg+xml"], SVG);
  assert.ok(!b["text/plain"]!.includes("<svg"), "the text fallback is a summary, not the SVG");
  // without a kernel (Deno.jupyter.format elsewhere): the bundle itself
  assert.equal((await hook(new SvgPlot(SVG)))["image/svg+xml"], SVG);
});

Deno.test("LiveDisplay: display_data once, then updates of the same id, in order", async () => {
  const k = fakeKernel();
  const d = new LiveDisplay(k.api, "x");
  for (let i = 0; i < 5; i++) d.show({ "text/plain": `v${i}` });
  await d.flush();
  assert.deepEqual(k.sent.map((m) => m.type), [
    "display_data",
    ...Array(4).fill("update_display_data"),
  ]);
  assert.deepEqual(k.sent.map((m) => k.data(m)["text/plain"]), ["v0", "v1", "v2", "v3", "v4"]);
  assert.ok(k.sent.every((m) => k.id(m) === d.id));
  assert.notEqual(new LiveDisplay(k.api, "x").id, d.id);
});

Deno.test("LiveDisplay: a failed broadcast is reported by flush(), naming the display", async () => {
  const k = fakeKernel(true);
  const d = new LiveDisplay(k.api, "x");
  d.show({ "text/plain": "a" });
  await assert.rejects(
    () => d.flush(),
    /Cannot update the notebook display tempo-x-.*socket closed/,
  );
  await d.flush(); // reported once
});

Deno.test("NotebookProgress: one output for the whole fit, throttled, ends on the final count", async () => {
  const k = fakeKernel();
  const bar = new NotebookProgress(k.api);
  bar.start(500);
  for (let i = 1; i <= 500; i++) bar.update(i, 2.5);
  bar.end();
  bar.start(300); // a second pass (after a validation) updates the same output
  for (let i = 1; i <= 300; i++) bar.update(i, 1.25);
  bar.end();
  await bar.flush();
  assert.equal(k.sent.filter((m) => m.type === "display_data").length, 1);
  assert.ok(k.sent.every((m) => k.id(m) === bar.displayId));
  assert.ok(k.sent.length < 20, `throttled: ${k.sent.length} messages for 800 batches`);
  const last = k.data(k.sent.at(-1)!);
  assert.match(last["text/html"]!, /<progress value="300" max="300"/);
  assert.match(last["text/html"]!, /300\/300 \[\d\d:\d\d&#60;00:00, [\d.]+it\/s, loss=1\.25\]/);
  assert.match(last["text/plain"]!, /^100%\|█{20}\| 300\/300 /);
});

Deno.test("HtmlStatsTable: one output, a row per epoch, the text table as fallback", async () => {
  const k = fakeKernel();
  const t = new HtmlStatsTable(k.api);
  t.header(["accuracy", "<b>"]);
  assert.equal(k.sent.length, 0, "nothing is shown before the first epoch end");
  t.row(0, [1.5, 1.25, 0.5, 1]);
  t.row(1, [1.0, NaN, 0.75, 2]);
  await t.flush();
  assert.deepEqual(k.sent.map((m) => m.type), ["display_data", "update_display_data"]);
  const html = k.data(k.sent[1]!)["text/html"]!;
  assert.match(html, /^<table/);
  assert.match(
    html,
    /<tr><th>epoch<\/th><th>trn_loss<\/th><th>val_loss<\/th><th>accuracy<\/th><th>&#60;b&#62;<\/th><\/tr>/,
  );
  assert.equal(html.match(/<tr><td>/g)?.length, 2);
  assert.match(html, /<tr><td>1<\/td><td>1<\/td><td>nan<\/td><td>0.75<\/td><td>2<\/td><\/tr>/);
  assert.equal(k.data(k.sent[1]!)["text/plain"]!.split("\n").length, 3);
});

Deno.test("fitViews: the terminal bar and text lines without a kernel", async () => {
  const out: string[] = [];
  const v = fitViews({ log: (l) => out.push(l), htmlTable: true, progress: false });
  assert.ok(v.bar instanceof ProgressBar);
  v.stats.header(["accuracy"]);
  v.stats.row(0, [1, 2, 0.5]);
  await v.flush();
  assert.deepEqual(out.map((l) => l.split(/\s+/).filter(Boolean)), [
    ["epoch", "trn_loss", "val_loss", "accuracy"],
    ["0", "1", "2", "0.5"],
  ]);
  const k = fakeKernel();
  const nb = fitViews({ jupyter: k.api, log: null, htmlTable: true, progress: true });
  assert.ok(nb.bar instanceof NotebookProgress);
  nb.stats.row(0, [1, 2, 0.5]);
  await nb.flush();
  assert.ok(k.sent.some((m) => k.data(m)["text/html"]?.startsWith("<table")));
});
