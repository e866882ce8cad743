/**
 * Times tempo's matmul on the shapes that matter (square, MLP training at batch 64, conv-as-GEMM) and,
 * with `--tfjs`, TensorFlow.js's WebGPU backend on the same adapter in the same process. `--plan` forces a
 * launch plan (workgroup wx,wy in 8x8-output invocations and the split-K count) to try variants quickly.
 *
 * Usage:
 * ```sh
 * deno run -A tools/mm_tune.ts                        # default shapes, tempo only
 * deno run -A tools/mm_tune.ts --tfjs                 # side by side with tfjs-webgpu
 * deno run -A tools/mm_tune.ts --shape 1024x1024x1024 --plan 8,8,1 --plan 4,16,1
 * deno run -A tools/mm_tune.ts --shape 64x40x3072:tb --plan 8,8,4 --plan 8,8,16
 * deno run -A tools/mm_tune.ts --tfjs --compare       # also the default plan without the texture path
 * deno run -A tools/mm_tune.ts --plan t16,16,1 --plan t8,8,1  # the GPU-shaped tiled kernel (tx,ty,splits)
 * deno run -A tools/mm_tune.ts --tune                  # what tune() picks per shape, and its timings
 * ```
 * A shape is `MxNxK` (C[M,N] = op(A)[M,K] op(B)[K,N]) with optional `:ta`, `:tb` (operand stored
 * transposed) and `:bN` (batch N). Each timing is the best of `--rounds` rounds of `--reps` queued
 * products ended by one `sync()`; `cpu` is the CPU time the process spent per product in that round (all
 * llvmpipe threads), a steadier yardstick than wall time when other jobs share the cores.
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { autotune, init, randn, tuningKey } from "../src/tensor/mod.ts";
import { type MatmulPlan, matmulPlan, matmulPlanned } from "../src/tensor/ops/matmul.ts";

interface Shape {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  batch: number;
  label: string;
}

const DEFAULT_SHAPES = [
  "256x256x256",
  "512x512x512",
  "1024x1024x1024",
  "64x40x3072:tb", // linear 3072 -> 40, batch 64
  "64x3072x40", // its dX = G W
  "40x3072x64:ta", // its dW = G^T X
  "64x256x784:tb", // 784-256-10 MLP
  "64x10x256:tb",
  "64x784x256",
  "256x784x64:ta",
  "64x256x10",
  "10x256x64:ta",
  "16384x64x27", // conv 3->64 as GEMM over 64 images of 16x16
  "16384x27x64:tb", // its dX (cols) = G W^T
  "27x64x16384:ta", // its dW = cols^T G
  "4096x128x576", // conv 64->128 over 64 images of 8x8
  "4096x576x128:tb",
  "576x128x4096:ta",
];

function parseShape(s: string): Shape {
  const [dims, ...flags] = s.split(":");
  const [m, n, k] = dims!.split("x").map(Number) as [number, number, number];
  const b = flags.find((f) => f.startsWith("b"));
  return {
    m,
    n,
    k,
    ta: flags.includes("ta"),
    tb: flags.includes("tb"),
    batch: b ? Number(b.slice(1)) : 1,
    label: s,
  };
}

/** Stored shapes of A and B. */
function operands(s: Shape): [number[], number[]] {
  const lead = s.batch > 1 ? [s.batch] : [];
  return [
    [...lead, ...(s.ta ? [s.k, s.m] : [s.m, s.k])],
    [...lead, ...(s.tb ? [s.n, s.k] : [s.k, s.n])],
  ];
}

const { values } = parseArgs({
  options: {
    shape: { type: "string", multiple: true },
    plan: { type: "string", multiple: true },
    tfjs: { type: "boolean", default: false },
    compare: { type: "boolean", default: false },
    tune: { type: "boolean", default: false },
    reps: { type: "string", default: "0" },
    rounds: { type: "string", default: "3" },
  },
});

const shapes = (values.shape?.length ? values.shape : DEFAULT_SHAPES).map(parseShape);
const plans: (MatmulPlan | undefined)[] = values.plan?.length
  ? values.plan.map((p) => {
    const tiled = p.startsWith("t");
    const [wx, wy, splits] = p.replace(/^t/, "").split(",").map(Number) as [
      number,
      number,
      number,
    ];
    if (tiled) return { wx: 8, wy: 8, splits, tile: { tx: wx as 8 | 16, ty: wy as 8 | 16 } };
    return { wx, wy, splits };
  })
  : [undefined];
const rounds = Number(values.rounds);
const flops = (s: Shape) => 2 * s.m * s.n * s.k * s.batch;
const repsFor = (s: Shape) =>
  Number(values.reps) || Math.max(2, Math.min(50, Math.round(2e9 / flops(s))));

const d = await init();

/** CPU time (user + system, all threads of this process, in ms) of the last best round. */
let lastCpu = 0;

async function timeTempo(s: Shape, plan?: MatmulPlan): Promise<number> {
  const [sa, sb] = operands(s);
  const a = randn(sa, { seed: 1 }), b = randn(sb, { seed: 2 });
  const run = () => matmulPlanned(a, b, { transA: s.ta, transB: s.tb }, plan);
  run().dispose();
  await d.sync();
  const reps = repsFor(s);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run().dispose();
    await d.sync();
    const ms = (performance.now() - t0) / reps;
    const c = cpuUsage(c0);
    if (ms < best) [best, lastCpu] = [ms, (c.user + c.system) / 1e3 / reps];
  }
  a.dispose();
  b.dispose();
  return best;
}

// deno-lint-ignore no-explicit-any
let tf: any = null;
if (values.tfjs) {
  // deno-lint-ignore no-import-prefix
  tf = await import("npm:@tensorflow/tfjs@4.22.0");
  // deno-lint-ignore no-import-prefix
  await import("npm:@tensorflow/tfjs-backend-webgpu@4.22.0");
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs: the webgpu backend failed");
  await tf.ready();
}

async function timeTfjs(s: Shape): Promise<number> {
  const [sa, sb] = operands(s);
  const a = tf.randomNormal(sa), b = tf.randomNormal(sb);
  const run = () => tf.matMul(a, b, s.ta, s.tb);
  let y = run();
  await y.data();
  y.dispose();
  const reps = repsFor(s);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    y = run();
    for (let i = 1; i < reps; i++) {
      y.dispose();
      y = run();
    }
    await y.data(); // one readback waits for the whole queue (~11 ms in Deno, not subtracted)
    y.dispose();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  a.dispose();
  b.dispose();
  return best;
}

if (values.tune) {
  // What the autotuner keeps for each shape's class on this adapter, with every candidate's time.
  console.log(`adapter: ${d.description} (tuning key ${tuningKey()})`);
  for (const s of shapes) {
    const [sa, sb] = operands(s);
    const a = randn(sa, { seed: 1 }), b = randn(sb, { seed: 2 });
    const choices = await autotune(
      () => matmulPlanned(a, b, { transA: s.ta, transB: s.tb }).dispose(),
      { rounds, reps: Number(values.reps), families: ["matmul"] },
    );
    for (const c of choices) {
      const ms = Object.entries(c.ms).map(([v, t]) => `${v} ${t!.toFixed(2)}`).join(", ");
      console.log(
        `${s.label.padEnd(18)} ${c.shapeClass.padEnd(22)} -> ${c.variant.padEnd(8)} (${ms} ms)`,
      );
    }
    a.dispose();
    b.dispose();
  }
  Deno.exit(0);
}

const gf = (s: Shape, ms: number) => (flops(s) / ms / 1e6).toFixed(2).padStart(7);
console.log(`adapter: ${d.description}`);
for (const s of shapes) {
  const cols: string[] = [];
  const runs = values.compare && !values.plan?.length
    ? [undefined, { ...matmulPlan(s.m, s.n, s.k, s.batch), tex: false }]
    : plans;
  for (const plan of runs) {
    const p = plan ?? matmulPlan(s.m, s.n, s.k, s.batch);
    const ms = await timeTempo(s, plan);
    cols.push(
      `[${p.tile ? `t${p.tile.tx},${p.tile.ty}` : `${p.wx},${p.wy}`},${p.splits}${
        p.tex ? ",tex" : ""
      }] ${ms.toFixed(2).padStart(8)} ms ${gf(s, ms)} GFLOP/s` +
        ` (cpu ${lastCpu.toFixed(1)} ms)`,
    );
  }
  let line = `${s.label.padEnd(18)} ${cols.join(" | ")}`;
  if (tf) {
    const ms = await timeTfjs(s);
    line += ` | tfjs ${ms.toFixed(2).padStart(8)} ms ${gf(s, ms)} GFLOP/s`;
  }
  console.log(line);
}
