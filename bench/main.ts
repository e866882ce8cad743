/**
 * `deno task bench`: tempo beside TensorFlow.js (WebGPU, same adapter, same process) and
 * PyTorch (CPU, subprocess).
 *
 * @example
 * ```sh
 * deno task bench --quick --filter matmul
 * deno run -A bench/main.ts --json > bench.jsonl
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import {
  type BenchCase,
  benchConfig,
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
import { runTorchBenches, type TorchRun } from "./torch_peer.ts";
import { tempoBenches } from "./tempo_peer.ts";
import { formatProfile, profileTrain, TRAIN_WORKLOADS, trainSession } from "./tempo_train.ts";

const HELP = `Usage: deno task bench [options]

Runs each bench for tempo, tfjs-webgpu and pytorch-cpu and prints a table
(ratios >1 mean tempo is better). The training benches time tempo and
tfjs-webgpu interleaved, run by run, so that a drifting machine slows both.

Options:
  --json               one JSON object per line: {"bench","impl","value","unit"}
  --filter <substr>    only benches whose name contains <substr>
  --impl <list>        comma-separated subset of: ${IMPLS.join(", ")}
  --quick              fewer warm-ups and repeats
  --help               this text`;

interface Spec {
  name: string;
  unit: Unit;
  tfjs: () => Promise<number>;
  /** Training benches: tempo's and tfjs's sessions, timed interleaved when both are selected. */
  train?: {
    tempo: () => Promise<TrainSession>;
    tfjs: () => Promise<TrainSession>;
    measure: MeasureOptions;
  };
}

const trainPair = (name: string, tfjsSession: () => Promise<TrainSession>) => ({
  tempo: () => trainSession(TRAIN_WORKLOADS[name]!),
  tfjs: tfjsSession,
  measure: TRAIN_WORKLOADS[name]!.spec.measure,
});

/** The benches, in table order. tempo's come from `tempoBenches[name]`. */
const SPECS: Spec[] = [
  { name: "matmul_256", unit: "GFLOP/s", tfjs: () => tfjs.matmulGflops(256, 256, 256) },
  { name: "matmul_512", unit: "GFLOP/s", tfjs: () => tfjs.matmulGflops(512, 512, 512) },
  { name: "matmul_1024", unit: "GFLOP/s", tfjs: () => tfjs.matmulGflops(1024, 1024, 1024) },
  { name: "matmul_mlp_64x3072x40", unit: "GFLOP/s", tfjs: () => tfjs.matmulGflops(64, 3072, 40) },
  { name: "matmul_mlp_64x40x10", unit: "GFLOP/s", tfjs: () => tfjs.matmulGflops(64, 40, 10) },
  { name: "elementwise_add_4M", unit: "GB/s", tfjs: () => tfjs.elementwiseGBps(ELEMENTWISE_N) },
  { name: "dispatch_small", unit: "us", tfjs: tfjs.dispatchUs },
  {
    name: "train_simplenet",
    unit: "samples/s",
    tfjs: tfjs.trainSimpleNet,
    train: trainPair("train_simplenet", tfjs.simpleNetSession),
  },
  {
    name: "train_mlp784",
    unit: "samples/s",
    tfjs: tfjs.trainMlp784,
    train: trainPair("train_mlp784", tfjs.mlp784Session),
  },
  {
    name: "train_shallowconv",
    unit: "samples/s",
    tfjs: tfjs.trainShallowConv,
    train: trainPair("train_shallowconv", tfjs.shallowConvSession),
  },
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
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  benchConfig.quick = values.quick;
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

  // PyTorch first, in one subprocess, while the GPU is idle (the machine has 2 cores).
  let torch: TorchRun = { results: new Map() };
  if (impls.has("pytorch-cpu")) {
    log("pytorch-cpu: running bench/torch_bench.py ...");
    torch = await runTorchBenches({ filter: values.filter, quick: values.quick });
    if (torch.note) console.error(torch.note);
  }

  const cases: BenchCase[] = specs.map((s) => {
    const wrap = (impl: Impl, fn: (() => Promise<number>) | undefined) => () => {
      if (!impls.has(impl) || !fn) return undefined;
      if (impl !== "pytorch-cpu") log(`${impl}: ${s.name} ...`);
      return fn();
    };
    const t = torch.results.get(s.name);
    if (t && t.unit !== s.unit) {
      throw new TypeError(`torch_bench.py reported ${s.name} in ${t.unit}, expected ${s.unit}`);
    }
    const pair = s.train;
    const together = pair && impls.has("tempo") && impls.has("tfjs-webgpu")
      ? async () => {
        log(`tempo + tfjs-webgpu: ${s.name} (interleaved) ...`);
        const sessions: TrainSession[] = [];
        try {
          sessions.push(await pair.tempo(), await pair.tfjs());
          const ms = await measureInterleaved(sessions.map((x) => x.run), pair.measure);
          const sps = (i: number) => (sessions[i]!.steps * TRAIN_BATCH) / (ms[i]! / 1000);
          return { tempo: sps(0), "tfjs-webgpu": sps(1) };
        } finally {
          for (const x of sessions) x.dispose();
        }
      }
      : undefined;
    return {
      name: s.name,
      unit: s.unit,
      higherIsBetter: s.unit !== "us",
      together,
      run: {
        tempo: wrap("tempo", tempoBenches[s.name]),
        "tfjs-webgpu": wrap("tfjs-webgpu", s.tfjs),
        "pytorch-cpu": wrap("pytorch-cpu", t && (() => Promise.resolve(t.value))),
      },
    };
  });

  const results = await runCases(cases, (r) => {
    if (values.json) console.log(jsonLine(r));
  });
  if (values.json) return;
  console.log(formatTable(cases, results));
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
