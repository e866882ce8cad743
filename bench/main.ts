/**
 * `deno task bench`: tempo beside TensorFlow.js (WebGPU), jax-js (WebGPU and Wasm; same adapter,
 * same process) and PyTorch (CPU, subprocess); `--browser` runs the JS side in headless Chromium.
 *
 * @example
 * ```sh
 * deno task bench --quick --filter matmul
 * deno run -A bench/main.ts --json > bench.jsonl
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { setAutotune } from "../mod.ts";
import {
  type BenchCase,
  benchConfig,
  type BenchNote,
  errorLine,
  formatTable,
  type Impl,
  IMPLS,
  jsonLine,
  measureInterleaved,
  type MeasureOptions,
  runCases,
  type TrainSession,
  type Unit,
} from "./_harness.ts";
import { ELEMENTWISE_N, TRAIN_BATCH } from "./_workloads.ts";
import * as tfjs from "./tfjs_peer.ts";
import { jaxBenches } from "./jax_peer.ts";
import { jaxTrainSession } from "./jax_train.ts";
import { FIRST_STEP_IMPLS, firstStepSeconds } from "./first_step.ts";
import { runTorchBenches, type TorchRun } from "./torch_peer.ts";
import { tempoBenches } from "./tempo_peer.ts";
import { formatProfile, profileTrain, TRAIN_WORKLOADS, trainSession } from "./tempo_train.ts";

const HELP = `Usage: deno task bench [options]

Runs each bench for tempo, tfjs-webgpu, jax-js-webgpu, jax-js-wasm and pytorch-cpu and prints a
table (ratios >1 mean tempo is better). The training benches time tempo and its JS peers
interleaved, run by run, so that a drifting machine slows them all. The first_step_* rows are the
seconds from init() to the end of the first training step in a fresh process with Mesa's shader
cache off (cold pipeline compiles).

Options:
  --json               one JSON object per line: {"bench","impl","value","unit"}
  --filter <substr>    only benches whose name contains <substr>
  --impl <list>        comma-separated subset of: ${IMPLS.join(", ")}
  --quick              fewer warm-ups and repeats
  --browser            the same benches (but PyTorch's and jax-js-wasm's) in headless Chromium
  --autotune           tempo tunes its kernels per shape class after the warm-up (setAutotune;
                       in the page too with --browser)
  --help               this text`;

type Measure = () => Promise<number>;
type Sessions = Partial<Record<Impl, () => Promise<TrainSession>>>;

interface Spec {
  name: string;
  unit: Unit;
  /** Each JS impl's measurement (tempo's come from `tempoBenches[name]`). */
  run: Partial<Record<Impl, Measure>>;
  /** Training benches: each impl's session, timed interleaved with the others selected. */
  train?: { sessions: Sessions; measure: MeasureOptions };
}

const jaxGpu = jaxBenches("webgpu"), jaxWasm = jaxBenches("wasm");

const opSpec = (name: string, unit: Unit, tfjsRun: Measure): Spec => ({
  name,
  unit,
  run: {
    tempo: tempoBenches[name],
    "tfjs-webgpu": tfjsRun,
    "jax-js-webgpu": jaxGpu[name],
    "jax-js-wasm": jaxWasm[name],
  },
});

const trainSpec = (name: string, tfjsSession: () => Promise<TrainSession>): Spec => {
  const sessions: Sessions = {
    tempo: () => trainSession(TRAIN_WORKLOADS[name]!),
    "tfjs-webgpu": tfjsSession,
    "jax-js-webgpu": () => jaxTrainSession("webgpu", name),
    "jax-js-wasm": () => jaxTrainSession("wasm", name),
  };
  const measure = TRAIN_WORKLOADS[name]!.spec.measure;
  const alone = (impl: Impl): Measure => () => sessionSamplesPerSec(sessions[impl]!, measure);
  return {
    name,
    unit: "samples/s",
    run: {
      tempo: alone("tempo"),
      "tfjs-webgpu": alone("tfjs-webgpu"),
      "jax-js-webgpu": alone("jax-js-webgpu"),
      "jax-js-wasm": alone("jax-js-wasm"),
    },
    train: { sessions, measure },
  };
};

const firstStepSpec = (workload: string): Spec => ({
  name: `first_step_${workload.replace(/^train_/, "")}`,
  unit: "s",
  run: Object.fromEntries(
    FIRST_STEP_IMPLS.map((impl) => [impl, () => firstStepSeconds(impl, workload)]),
  ),
});

/** The benches, in table order. */
const SPECS: Spec[] = [
  opSpec("matmul_256", "GFLOP/s", () => tfjs.matmulGflops(256, 256, 256)),
  opSpec("matmul_512", "GFLOP/s", () => tfjs.matmulGflops(512, 512, 512)),
  opSpec("matmul_1024", "GFLOP/s", () => tfjs.matmulGflops(1024, 1024, 1024)),
  opSpec("matmul_mlp_64x3072x40", "GFLOP/s", () => tfjs.matmulGflops(64, 3072, 40)),
  opSpec("matmul_mlp_64x40x10", "GFLOP/s", () => tfjs.matmulGflops(64, 40, 10)),
  opSpec("elementwise_add_4M", "GB/s", () => tfjs.elementwiseGBps(ELEMENTWISE_N)),
  opSpec("dispatch_small", "us", tfjs.dispatchUs),
  trainSpec("train_simplenet", tfjs.simpleNetSession),
  trainSpec("train_mlp784", tfjs.mlp784Session),
  trainSpec("train_shallowconv", tfjs.shallowConvSession),
  firstStepSpec("train_simplenet"),
  firstStepSpec("train_shallowconv"),
];

function parseImpls(list: string | undefined): Set<Impl> {
  if (list === undefined) return new Set(IMPLS);
  const wanted = list.split(",").map((s) => s.trim()).filter((s) => s);
  for (const w of wanted) {
    if (!(IMPLS as readonly string[]).includes(w)) {
      throw new RangeError(
        `--impl expects a comma-separated subset of ${IMPLS.join(", ")}, got "${w}"`,
      );
    }
  }
  return new Set(wanted as Impl[]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      json: { type: "boolean", default: false },
      filter: { type: "string", default: "" },
      impl: { type: "string" },
      quick: { type: "boolean", default: false },
      browser: { type: "boolean", default: false },
      autotune: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  benchConfig.quick = values.quick;
  if (values.autotune) setAutotune(true);
  const impls = parseImpls(values.impl);
  const specs = SPECS.filter((s) => s.name.includes(values.filter));
  if (specs.length === 0) {
    console.error(
      `No bench name contains "${values.filter}". Names: ${SPECS.map((s) => s.name).join(", ")}`,
    );
    Deno.exit(2);
  }
  const log = (msg: string) => {
    if (!values.json) console.error(msg);
  };
  if (values.browser) {
    const { runBrowserBench } = await import("./browser/run.ts");
    await runBrowserBench({
      benches: specs.filter((s) => !s.name.startsWith("first_step")).map((s) => s.name),
      impls: [...impls].filter((i) => i !== "pytorch-cpu"),
      quick: values.quick,
      autotune: values.autotune,
      json: values.json,
      log,
    });
    return;
  }

  // PyTorch first, in one subprocess, while the GPU is idle (the machine has 2 cores).
  let torch: TorchRun = { results: new Map() };
  if (impls.has("pytorch-cpu")) {
    log("pytorch-cpu: running bench/torch_bench.py ...");
    torch = await runTorchBenches({ filter: values.filter, quick: values.quick });
    if (torch.note) console.error(torch.note);
  }

  const cases: BenchCase[] = specs.map((s) => {
    const t = torch.results.get(s.name);
    if (t && t.unit !== s.unit) {
      throw new TypeError(`torch_bench.py reported ${s.name} in ${t.unit}, expected ${s.unit}`);
    }
    const run: BenchCase["run"] = {};
    for (const impl of IMPLS) {
      const fn = impl === "pytorch-cpu" ? t && (() => Promise.resolve(t.value)) : s.run[impl];
      if (!impls.has(impl) || !fn) continue;
      run[impl] = () => {
        if (impl !== "pytorch-cpu") log(`${impl}: ${s.name} ...`);
        return fn();
      };
    }
    const train = s.train;
    const together = train
      ? () => interleavedTrain(s.name, train.sessions, impls, train.measure, log)
      : undefined;
    return {
      name: s.name,
      unit: s.unit,
      higherIsBetter: s.unit !== "us" && s.unit !== "s",
      together,
      run,
    };
  });

  const notes: BenchNote[] = [];
  const results = await runCases(cases, (r) => {
    if (values.json) console.log(jsonLine(r));
  }, notes);
  if (values.json) return;
  console.log(formatTable(cases, results, { impls: IMPLS.filter((i) => impls.has(i)), notes }));
  // Step breakdown of tempo's training benches: a separate, synced profiling pass.
  if (impls.has("tempo")) {
    for (const s of specs) {
      const w = TRAIN_WORKLOADS[s.name];
      if (!w) continue;
      log(`tempo: profiling one step of ${s.name} ...`);
      const sps = results.find((r) => r.bench === s.name && r.impl === "tempo")?.value;
      const p = await profileTrain(w, values.quick ? 10 : 40);
      console.log("\n" + formatProfile(p, sps));
    }
  }
}

/**
 * Times the selected JS impls' sessions of one training bench interleaved. An impl whose session
 * cannot be built is left out (and runs alone afterwards, where its error becomes a note).
 */
async function interleavedTrain(
  name: string,
  all: Sessions,
  impls: Set<Impl>,
  measure: MeasureOptions,
  log: (msg: string) => void,
): Promise<Partial<Record<Impl, number>>> {
  const chosen = IMPLS.filter((i) => impls.has(i) && all[i]);
  if (chosen.length < 2) return {};
  const sessions: [Impl, TrainSession][] = [];
  try {
    for (const impl of chosen) {
      try {
        sessions.push([impl, await all[impl]!()]);
      } catch (e) {
        log(`${impl}: ${name} session failed (${errorLine(e)}); it runs alone`);
      }
    }
    log(`${sessions.map(([i]) => i).join(" + ")}: ${name} (interleaved) ...`);
    const ms = await measureInterleaved(sessions.map(([, x]) => x.run), measure);
    return Object.fromEntries(
      sessions.map(([impl, x], i) => [impl, (x.steps * TRAIN_BATCH) / (ms[i]! / 1000)]),
    );
  } finally {
    for (const [, x] of sessions) x.dispose();
  }
}

/** Samples/s of one session timed alone. */
async function sessionSamplesPerSec(
  make: () => Promise<TrainSession>,
  measure: MeasureOptions,
): Promise<number> {
  const s = await make();
  try {
    const ms = await measureInterleaved([s.run], measure);
    return (s.steps * TRAIN_BATCH) / (ms[0]! / 1000);
  } finally {
    s.dispose();
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    // Bad command line: say what was wrong, without a stack trace.
    const code = (e as { code?: unknown }).code;
    if (
      e instanceof RangeError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`${(e as Error).message}\nRun with --help for the options.`);
      Deno.exit(2);
    }
    throw e;
  }
}
