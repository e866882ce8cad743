/**
 * tempo in a real browser: headless Chromium (Dawn's WebGPU, Tint's WGSL compiler) opens
 * `tests/browser/page.html`, which loads the browser bundles built here, and
 * (a) every WGSL shader is compiled, each entry point's pipeline created, by Chrome's compiler
 *     (Deno's tests cover Naga: a shader must pass both);
 * (b) the op and optimizer test files (matmul paths, conv, conv+bn, pooling, batch norm,
 *     softmax/nll, elementwise, reductions, each optimizer) run in the page against their CPU twins;
 * (c) the matmul autotuner times its candidates on Chrome's adapter and says what it keeps for the
 *     benches' shapes, and every variant of the other tuned families (conv lowering, elementwise,
 *     reduce with the subgroup kernel, optim) runs against its CPU twin;
 * (d) in a Web Worker, `fitOptSched` with two phases and a change of optimizer reaches high accuracy
 *     on a separable toy set, `plotLr()` returns an SVG, a checkpoint round-trips as bytes and a file
 *     reader fails with the browser hint.
 * Fails (never skips) without Chromium.
 */
import assert from "node:assert/strict";
import { buildBundles, launchChromium, serveWith } from "./browser/_harness.ts";
import { bundleTempo } from "../tools/bundle.ts";

/**
 * The large families of generated cases run in part (every n-th case; all of them run in Deno):
 * each new override combination costs Chrome a pipeline compile on SwiftShader (about 1 s).
 * `TEMPO_BROWSER_FILTER` (a RegExp) runs only the matching tests, all of them.
 */
const SAMPLE: [string, number][] = Deno.env.get("TEMPO_BROWSER_FILTER") ? [] : [
  ["texture path", 20],
  ["^matmul \\[", 4],
  ["^conv2dBatchNorm x", 2],
  ["^conv2d x", 2],
];

interface Result {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

Deno.test("tempo in headless Chromium: shaders, op tests, a fit in a worker", async (t) => {
  const t0 = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "tempo_browser_" });
  const srv = serveWith(dir);
  const browser = await launchChromium();
  const errors: string[] = [];
  try {
    await buildBundles(dir, ["tests/browser/entry.ts", "tests/browser/fit_worker.ts"]);
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${srv.url}/tests/browser/page.html`);
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
    const loadError = await page.evaluate(() => (globalThis as { loadError?: string }).loadError);
    assert.equal(loadError, undefined, `the test bundle failed to load: ${loadError}`);
    const gpu = await page.evaluate(async () => {
      // deno-lint-ignore no-explicit-any
      const a = await (navigator as any).gpu.requestAdapter();
      return {
        vendor: a.info.vendor,
        architecture: a.info.architecture,
        features: a.features.size,
      };
    });
    console.log(
      `browser adapter: ${JSON.stringify(gpu)} (${Math.round(performance.now() - t0)} ms)`,
    );

    await t.step("(a) every WGSL shader compiles with Chrome's compiler (Tint)", async () => {
      const t1 = performance.now();
      // deno-lint-ignore no-explicit-any
      const res = await page.evaluate(() => (globalThis as any).checks.checkShaders()) as {
        name: string;
        entryPoints: string[];
        ok: boolean;
        error?: string;
        skipped?: string[];
      }[];
      const failed = res.filter((r) => !r.ok);
      assert.deepEqual(failed, [], failed.map((f) => `${f.name}: ${f.error}`).join("\n"));
      const skipped = res.flatMap((r) => (r.skipped ?? []).map((e) => `${r.name}:${e}`));
      assert.ok(res.length >= 20, `expected every kernel, got ${res.length} shaders`);
      const eps = res.reduce((n, r) => n + r.entryPoints.length, 0);
      console.log(
        `${res.length} shaders, ${eps} entry points (${Math.round(performance.now() - t1)} ms)` +
          (skipped.length ? `; pipelines beyond this device's limits: ${skipped.join(", ")}` : ""),
      );
    });

    await t.step("(b) op and optimizer tests against their CPU twins, in the page", async () => {
      const t1 = performance.now();
      const res = await page.evaluate(
        // deno-lint-ignore no-explicit-any
        (opts) => (globalThis as any).__shim.run(opts),
        { only: Deno.env.get("TEMPO_BROWSER_FILTER"), sample: SAMPLE },
      ) as Result[];
      const report = Deno.env.get("TEMPO_BROWSER_REPORT"); // every test's result and time, as JSON
      if (report) await Deno.writeTextFile(report, JSON.stringify(res, null, 1));
      const failed = res.filter((r) => !r.ok);
      const slow = [...res].sort((a, b) => b.ms - a.ms).slice(0, 5);
      console.log(
        `${res.length} tests, ${failed.length} failed (${Math.round(performance.now() - t1)} ms; ` +
          `slowest ${slow.map((r) => `${r.name} ${Math.round(r.ms)} ms`).join("; ")})`,
      );
      assert.deepEqual(
        failed.map((f) => f.name),
        [],
        failed.map((f) => `${f.name}:\n${f.error}`).join("\n\n"),
      );
      assert.ok(
        res.length >= (Deno.env.get("TEMPO_BROWSER_FILTER") ? 1 : 80),
        `expected the op tests, got ${res.length}`,
      );
      const families = [
        /^matmul .*texture path/,
        /^matmul .*split-K/,
        /^matmul \[/,
        /^linear backpropagates/,
        /^conv2d matches the PyTorch golden/,
        /^conv2dBatchNorm/,
        /^max\/avg pool/,
        /^batchNorm .* matches the CPU reference/,
        /^crossEntropy and nllLoss/,
        /^softmax\/logSoftmax/,
        /^optim kernel vs reference: sgd/,
        /^optim kernel vs reference: adam/,
        /^optim kernel vs reference: rmsprop/,
        /^matmul .*tiled/,
        /^tune keeps the fastest of injected timings/,
        /^tune with the real clock/,
        /^elementwise variant wg64: every kind matches the CPU twin/,
        /^reduce variant subgroup: every case matches the CPU twin/,
        /^conv variant direct: every case matches the CPU twin/,
        /^optim variant scalar: SGD, Adam, RMSProp match the CPU twin/,
        /^tune with injected timings: the next reduction of the class runs the chosen launch/,
      ];
      if (!Deno.env.get("TEMPO_BROWSER_FILTER")) {
        for (const name of families) {
          assert.ok(
            res.some((r) => name.test(r.name)),
            `no test matching ${name} ran`,
          );
        }
      }
    });

    await t.step(
      "(c) the matmul autotuner on this adapter: what it keeps for the benches' shapes",
      async () => {
        const t1 = performance.now();
        // deno-lint-ignore no-explicit-any
        const r = await page.evaluate(() => (globalThis as any).checks.tuneReport()) as {
          key: string;
          rows: [string, { shapeClass: string; variant: string; ms: Record<string, number> }][];
        };
        console.log(`tuning key ${r.key} (${Math.round(performance.now() - t1)} ms):`);
        for (const [label, c] of r.rows) {
          const ms = Object.entries(c.ms).map(([v, t]) => `${v} ${t.toFixed(2)}`).join(", ");
          console.log(`  ${label}: ${c.shapeClass} -> ${c.variant} (${ms} ms)`);
          assert.ok(c.variant in c.ms, `${label}: kept ${c.variant}, not a timed candidate`);
          for (const t of Object.values(c.ms)) {
            assert.ok(t > 0 && Number.isFinite(t), `${label}: ${t}`);
          }
        }
        assert.equal(r.rows.length, 7);
      },
    );

    await t.step("(d) fitOptSched (SGD then Adam) in a Web Worker", async () => {
      // deno-lint-ignore no-explicit-any
      const r = await page.evaluate(() => (globalThis as any).fitInWorker());
      assert.equal(r.ok, true, r.error);
      console.log(`worker fit: ${JSON.stringify(r.result)}, ${Math.round(r.ms)} ms`);
      assert.equal(r.hasDeno, false);
      assert.equal(r.result.stopped, false);
      assert.ok(r.result.metrics.accuracy >= 0.95, `accuracy ${r.result.metrics.accuracy}`);
      assert.equal(r.batches, 4 * 16);
      assert.match(r.lines[0], /^\s*epoch\s+trn_loss\s+val_loss\s+accuracy$/);
      assert.equal(r.lines.length, 5);
      assert.match(r.svgStart, /^(<\?xml[^>]*>\s*)?<svg[\s>]/);
      assert.ok(r.svgHasPhases, "plotLr() names the phases' optimizers SGD and Adam");
      assert.ok(r.checkpointBytes > 4 * (36 * 32 + 32 * 4));
      assert.equal(r.differedBefore, true);
      assert.equal(r.equalAfter, true, "loadBytes restores the trained weights");
      assert.match(r.readerError, /^TypeError: loadFashionMnist .*needs Deno.*fromMnistBytes/);
    });
    assert.deepEqual(errors, [], `page errors:\n${errors.join("\n")}`);
  } finally {
    await browser.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
    console.log(`browser test: ${Math.round(performance.now() - t0)} ms in all`);
  }
});

/** The page's document, in the functions that `page.evaluate` runs there. */
// deno-lint-ignore no-explicit-any
declare const document: any;

Deno.test("the demo page (examples/browser/) trains in its worker and shows predictions", async () => {
  const t0 = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "tempo_demo_" });
  const srv = serveWith(dir, { dist: dir }); // the demo's /dist/tempo.js, built here
  const browser = await launchChromium();
  try {
    await bundleTempo(dir);
    const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${srv.url}/examples/browser/?n=1024&epochs=2&bs=64&auto`);
    await page.waitForFunction(() => document.body.dataset.done !== undefined, null, {
      timeout: 240_000,
    });
    const shot = Deno.env.get("TEMPO_SCREENSHOT"); // a PNG of the page after training
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    const state = await page.evaluate(() => ({
      done: document.body.dataset.done,
      error: document.getElementById("error")!.textContent,
      accuracy: Number(document.body.dataset.accuracy),
      rows: document.getElementById("table")!.textContent!.trim().split("\n"),
      preds: document.querySelectorAll("#preds figure").length,
      svgs: document.querySelectorAll(".plots svg").length,
      frames: Number(document.getElementById("tick")!.textContent),
    }));
    assert.equal(state.done, "1", state.error ?? "");
    assert.equal(state.rows.length, 3, state.rows.join("\n")); // header + 2 epochs
    assert.match(state.rows[0], /epoch\s+trn_loss\s+val_loss\s+accuracy/);
    assert.ok(state.accuracy > 0.5, `accuracy ${state.accuracy}`);
    assert.equal(state.preds, 12);
    assert.equal(state.svgs, 2);
    assert.ok(state.frames > 10, `the page drew ${state.frames} frames while training`);
    assert.deepEqual(errors, []);
    console.log(`demo: accuracy ${state.accuracy}, ${Math.round(performance.now() - t0)} ms`);
  } finally {
    await browser.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
