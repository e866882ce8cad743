/**
 * `deno task bench --browser`: builds `bench/browser/entry.ts` (tempo, tfjs and jax-js bundled for
 * browsers), serves it and opens it in headless Chromium (WebGPU on; the browser tests' harness,
 * `tests/browser/_harness.ts`), runs each bench there and prints the same table as the Deno bench.
 * Always `--quick` repeat counts, to keep the run to a few minutes. No PyTorch and no cold-start
 * rows here. After the table, each training bench's step kernel by kernel (`kernel_times.ts`), the
 * profile of where tempo's time goes in this adapter.
 * @module
 */
import { join } from "node:path";
import {
  type BenchCase,
  type BenchNote,
  type BenchResult,
  formatTable,
  type Impl,
  IMPLS,
  jsonLine,
  type Unit,
} from "../_harness.ts";
import { bundleFile } from "../../tools/bundle.ts";
import { launchChromium, serveWith } from "../../tests/browser/_harness.ts";

const UNITS: Record<string, Unit> = {
  elementwise_add_4M: "GB/s",
  dispatch_small: "us",
};
const unitOf = (name: string): Unit =>
  UNITS[name] ?? (name.startsWith("train_") ? "samples/s" : "GFLOP/s");

/** What to run and how to report it. */
export interface BrowserBenchOptions {
  benches: string[];
  impls: Impl[];
  quick: boolean;
  /** tempo tunes its kernels per shape class after the warm-up (`setAutotune` in the page). */
  autotune: boolean;
  json: boolean;
  log: (msg: string) => void;
}

/** Runs `benches` for `impls` in headless Chromium and prints the table (or JSON lines). */
export async function runBrowserBench(o: BrowserBenchOptions): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tempo_bench_browser_" });
  o.log("browser: bundling bench/browser/entry.ts ...");
  await bundleFile("bench/browser/entry.ts", join(dir, "entry.js"));
  const srv = serveWith(dir);
  const browser = await launchChromium();
  const results: BenchResult[] = [];
  const notes: BenchNote[] = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => o.log(`browser page error: ${e}`));
    await page.goto(`${srv.url}/bench/browser/page.html`);
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
    const loadError = await page.evaluate(() => (globalThis as { loadError?: string }).loadError);
    if (loadError) throw new Error(`the bench bundle failed to load in Chromium: ${loadError}`);
    // deno-lint-ignore no-explicit-any
    const adapter = await page.evaluate(() => (globalThis as any).bench.adapterInfo());
    o.log(`browser adapter: ${adapter}`);
    for (const name of o.benches) {
      o.log(`browser: ${name} (${o.impls.join(", ")}) ...`);
      const r = await page.evaluate(
        // deno-lint-ignore no-explicit-any
        ([n, i, t]) => (globalThis as any).bench.run(n, i, true, t),
        [name, o.impls, o.autotune] as const,
      ) as { values: Partial<Record<Impl, number>>; notes: { impl: string; message: string }[] };
      for (const impl of IMPLS) {
        const value = r.values[impl];
        if (value === undefined || !Number.isFinite(value)) continue;
        const res = { bench: name, impl, value, unit: unitOf(name) };
        results.push(res);
        if (o.json) console.log(jsonLine(res));
      }
      for (const n of r.notes) notes.push({ bench: name, ...n });
    }
    if (o.json) return;
    const cases: BenchCase[] = o.benches.map((name) => ({
      name,
      unit: unitOf(name),
      higherIsBetter: unitOf(name) !== "us",
      run: {},
    }));
    console.log(`headless Chromium, WebGPU adapter: ${adapter}; --quick repeats\n`);
    console.log(formatTable(cases, results, { impls: o.impls, notes }));
    // Where tempo's step time goes in this adapter: each dispatch of one step timed alone.
    if (!o.impls.includes("tempo")) return;
    for (const name of o.benches.filter((b) => b.startsWith("train_"))) {
      o.log(`browser: profiling one step of ${name} ...`);
      const text = await page.evaluate(
        // deno-lint-ignore no-explicit-any
        (n) => (globalThis as any).bench.kernelProfile(n),
        name,
      ) as string;
      console.log(`\ntempo, one step of ${name} in Chromium, kernel by kernel:\n${text}`);
    }
  } finally {
    await browser.close();
    await srv.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
