/**
 * tempo's training benches (`train_*` in `deno task bench`), the twins of `tfjs_peer.ts`
 * `trainSamplesPerSec`: the real `src/nn` layers, `SGD` (momentum 0.9, lr 0.01) with a scheduler
 * write (`setHypers` on every group) each step, softmax cross-entropy on one fixed random batch that
 * lives on the GPU. A timed run queues `spec.steps` steps and ends with ONE loss readback.
 *
 * {@linkcode profileTrain} is a separate pass (never the timed one): it syncs with the GPU around
 * each part of a step (scheduler writes, zeroGrad, forward, backward, optimizer step) over many
 * steps and reports, per part, the CPU time spent recording it, the time of the submit and wait
 * that follows, and the dispatches it recorded.
 *
 * @example
 * ```ts
 * import { profileTrain, TRAIN_WORKLOADS } from "./tempo_train.ts";
 * const p = await profileTrain(TRAIN_WORKLOADS.train_simplenet, 50);
 * console.log(p.parts.map((x) => `${x.name} ${x.totalMs.toFixed(2)} ms`).join(", "));
 * ```
 * @module
 */
import {
  AdaptiveAvgPool2d,
  backward,
  BatchNorm2d,
  Conv2d,
  crossEntropy,
  device,
  Flatten,
  getAutotune,
  init,
  Linear,
  type Module,
  randn,
  ReLU,
  Sequential,
  SGD,
  type Tensor,
  tensor,
  tidy,
  tune,
  tunePending,
} from "../mod.ts";
import { measure, median, type TrainSession } from "./_harness.ts";
import {
  MLP784,
  NUM_CLASSES,
  SHALLOWCONV,
  SIMPLENET,
  TRAIN_BATCH,
  TRAIN_LR,
  TRAIN_MOMENTUM,
  type TrainSpec,
} from "./_workloads.ts";

/** One training workload: how to build the model, its input shape (NCHW / flat), steps per run. */
export interface TrainWorkload {
  name: string;
  build: () => Module;
  inputShape: readonly number[];
  spec: TrainSpec;
}

/** The three workloads of the issue, keyed by bench name. */
export const TRAIN_WORKLOADS: Record<string, TrainWorkload> = {
  train_simplenet: {
    name: "train_simplenet",
    // Flatten 3x32x32 -> Linear 40 + ReLU (fused) -> Linear 10.
    build: () =>
      new Sequential(
        new Flatten(),
        new Linear(3072, 40, { seed: 1 }),
        new ReLU(),
        new Linear(40, NUM_CLASSES, { seed: 2 }),
      ),
    inputShape: [3, 32, 32],
    spec: SIMPLENET,
  },
  train_mlp784: {
    name: "train_mlp784",
    build: () =>
      new Sequential(
        new Linear(784, 256, { seed: 1 }),
        new ReLU(),
        new Linear(256, NUM_CLASSES, { seed: 2 }),
      ),
    inputShape: [784],
    spec: MLP784,
  },
  train_shallowconv: {
    name: "train_shallowconv",
    // conv3x3/2 3->64 + BN + ReLU, conv3x3/2 64->128 + BN + ReLU, global average pool, Linear 10.
    build: () =>
      new Sequential(
        new Conv2d(3, 64, 3, { stride: 2, padding: 1, bias: false, seed: 1 }),
        new BatchNorm2d(64),
        new ReLU(),
        new Conv2d(64, 128, 3, { stride: 2, padding: 1, bias: false, seed: 2 }),
        new BatchNorm2d(128),
        new ReLU(),
        new AdaptiveAvgPool2d(1),
        new Flatten(),
        new Linear(128, NUM_CLASSES, { seed: 3 }),
      ),
    inputShape: [3, 32, 32],
    spec: SHALLOWCONV,
  },
};

/** A model, its optimizer and fixed data, plus the parts of one step. */
export interface Trainer {
  setHypers(): void;
  zeroGrad(): void;
  forward(): Tensor;
  backward(loss: Tensor): void;
  step(): void;
  /** One whole step; returns the loss (the caller disposes it). */
  train(): Tensor;
  dispose(): void;
}

/** @internal A model, optimizer and data for `w` (for the profiling tools). */
export async function trainer(w: TrainWorkload): Promise<Trainer> {
  await init();
  const net = w.build();
  const groups = net.layerGroupParameters().filter((g) => g.length > 0);
  const opt = new SGD(groups, { lr: TRAIN_LR, momentum: TRAIN_MOMENTUM });
  const x = randn([TRAIN_BATCH, ...w.inputShape], { seed: 7 });
  const labels = Array.from({ length: TRAIN_BATCH }, (_, i) => (i * 7 + 3) % NUM_CLASSES);
  const y = tensor(labels, { dtype: "i32" });
  const t: Trainer = {
    // What a scheduler does every batch (lr/momentum of every group; here constant values).
    setHypers: () => {
      for (let g = 0; g < opt.groupCount; g++) {
        opt.setHypers(g, { lr: TRAIN_LR, momentum: TRAIN_MOMENTUM });
      }
    },
    zeroGrad: () => opt.zeroGrad(),
    forward: () => tidy(() => crossEntropy(net.forward(x), y)),
    backward: (loss) => backward(loss),
    step: () => opt.step(),
    train: () => {
      t.setHypers();
      t.zeroGrad();
      const loss = t.forward();
      t.backward(loss);
      t.step();
      return loss;
    },
    dispose: () => {
      opt.dispose();
      net.dispose();
      x.dispose();
      y.dispose();
    },
  };
  return t;
}

/**
 * A prepared training bench: `spec.steps` steps then one loss readback; two steps already run (every
 * kernel compiled, the gradients created, the caches filled).
 */
export async function trainSession(w: TrainWorkload): Promise<TrainSession> {
  const t = await trainer(w);
  const steps = async (n: number) => {
    let loss: Tensor | null = null;
    for (let i = 0; i < n; i++) {
      loss?.dispose();
      loss = t.train();
    }
    const v = await loss!.item();
    loss!.dispose();
    if (!Number.isFinite(v)) throw new Error(`${w.name}: the loss is ${v}`);
  };
  try {
    await steps(2);
    if (getAutotune() && tunePending()) await tune(); // bench --autotune
  } catch (e) {
    t.dispose();
    throw e;
  }
  return { steps: w.spec.steps, run: () => steps(w.spec.steps), dispose: t.dispose };
}

/** Samples/s of `spec.steps` steps then one loss readback (median over timed runs). */
export async function trainSamplesPerSec(w: TrainWorkload): Promise<number> {
  const s = await trainSession(w);
  try {
    const ms = await measure(s.run, w.spec.measure);
    return (s.steps * TRAIN_BATCH) / (ms / 1000);
  } finally {
    s.dispose();
  }
}

/** One part of a step in {@linkcode profileTrain}. */
export interface StepPart {
  name: string;
  /** Median CPU time of recording the part (the call itself), ms. */
  recordMs: number;
  /** Median time of the `device().sync()` after it: submit, GPU execution and wait, ms. */
  waitMs: number;
  /** recordMs + waitMs. */
  totalMs: number;
  /** Dispatches recorded by the part (per step). */
  dispatches: number;
}

/** What {@linkcode profileTrain} measured. */
export interface TrainProfile {
  name: string;
  parts: StepPart[];
  /** Median time of a sync with nothing queued (the floor inside every waitMs), ms. */
  emptySyncMs: number;
  /** Dispatches, submits, and created buffers/pipelines/uniforms/bind groups per step. */
  perStep: {
    dispatches: number;
    submits: number;
    created: number;
    pipelinesCreated: number;
    uniformsCreated: number;
    bindGroupsCreated: number;
    readbacks: number;
  };
}

/**
 * Profiles `steps` training steps of `w`, syncing around each part (so the parts do not overlap on
 * the GPU). Slower than a real step: compare the parts with each other, not with samples/s.
 */
export async function profileTrain(w: TrainWorkload, steps = 30): Promise<TrainProfile> {
  const t = await trainer(w);
  const d = device();
  const names = ["sched writes (setHypers)", "zeroGrad", "forward", "backward", "optimizer step"];
  const rec: number[][] = names.map(() => []);
  const wait: number[][] = names.map(() => []);
  const disp: number[] = names.map(() => 0);
  const empty: number[] = [];
  try {
    // Warm-up: kernels compiled, gradients created, uniform and bind-group caches settled.
    for (let i = 0; i < 10; i++) t.train().dispose();
    await d.sync();
    // Counting pass: plain steps, no syncs in between.
    const s0 = d.stats();
    for (let i = 0; i < steps; i++) t.train().dispose();
    const s1 = d.stats();
    await d.sync();
    for (let i = 0; i < steps; i++) {
      let loss: Tensor | null = null;
      const parts: (() => void)[] = [
        t.setHypers,
        t.zeroGrad,
        () => (loss = t.forward()),
        () => t.backward(loss!),
        t.step,
      ];
      for (let k = 0; k < parts.length; k++) {
        const before = d.stats().dispatches;
        const a = performance.now();
        parts[k]!();
        const b = performance.now();
        await d.sync();
        const c = performance.now();
        rec[k]!.push(b - a);
        wait[k]!.push(c - b);
        disp[k]! += d.stats().dispatches - before;
      }
      (loss as Tensor | null)?.dispose();
      const a = performance.now();
      await d.sync();
      empty.push(performance.now() - a);
    }
    const per = (k: keyof typeof s0) => (s1[k] - s0[k]) / steps;
    return {
      name: w.name,
      parts: names.map((name, k) => {
        const r = median(rec[k]!), q = median(wait[k]!);
        return { name, recordMs: r, waitMs: q, totalMs: r + q, dispatches: disp[k]! / steps };
      }),
      emptySyncMs: median(empty),
      perStep: {
        dispatches: per("dispatches"),
        submits: per("submits"),
        created: per("created"),
        pipelinesCreated: per("pipelinesCreated"),
        uniformsCreated: per("uniformsCreated"),
        bindGroupsCreated: per("bindGroupsCreated"),
        readbacks: per("readbacks"),
      },
    };
  } finally {
    t.dispose();
  }
}

/**
 * The human-readable breakdown of one profile. "gpu" is each part's submit+wait minus the empty-sync
 * floor (Deno's `onSubmittedWorkDone` polls every ~10 ms), i.e. the submit and the GPU work itself;
 * shares are of record + gpu.
 */
export function formatProfile(p: TrainProfile, samplesPerSec?: number): string {
  const gpu = (x: StepPart) => Math.max(0, x.waitMs - p.emptySyncMs);
  const cost = (x: StepPart) => x.recordMs + gpu(x);
  const total = p.parts.reduce((s, x) => s + cost(x), 0);
  const f = (v: number, w: number) => v.toFixed(3).padStart(w);
  const rows = p.parts.map((x) =>
    `  ${x.name.padEnd(26)} ${f(x.recordMs, 8)} ${f(gpu(x), 10)} ${f(cost(x), 9)} ${
      (100 * cost(x) / total).toFixed(1).padStart(6)
    }% ${String(x.dispatches).padStart(5)}`
  );
  const rec = p.parts.reduce((s, x) => s + x.recordMs, 0);
  const disp = p.parts.reduce((s, x) => s + x.dispatches, 0);
  const ps = p.perStep;
  const lines = [
    `${p.name}: one step, each part synced (medians of the profiling pass, ms)`,
    `  ${"part".padEnd(26)} ${"record".padStart(8)} ${"submit+gpu".padStart(10)} ${
      "total".padStart(9)
    } ${"share".padStart(7)} ${"disp".padStart(5)}`,
    ...rows,
    `  ${"sum".padEnd(26)} ${f(rec, 8)} ${f(total - rec, 10)} ${f(total, 9)} ${
      "100%".padStart(7)
    } ${String(disp).padStart(5)}`,
    `  ratios: record (CPU) / step ${(rec / total).toFixed(2)}, submit+gpu / step ${
      ((total - rec) / total).toFixed(2)
    }; empty-sync floor subtracted from each part: ${p.emptySyncMs.toFixed(2)} ms`,
    `  per unsynced step: ${ps.dispatches} dispatches, ${ps.submits} submits; created ${ps.created} ` +
    `buffers, ${ps.pipelinesCreated} pipelines, ${ps.uniformsCreated} uniforms, ` +
    `${ps.bindGroupsCreated} bind groups; ${ps.readbacks} readbacks`,
  ];
  if (samplesPerSec) {
    const stepMs = (TRAIN_BATCH / samplesPerSec) * 1000;
    lines.push(
      `  timed run: ${stepMs.toFixed(3)} ms per step (pipelined, no syncs) = ${
        (stepMs / total).toFixed(2)
      } x the synced sum; ${(stepMs * 1000 / ps.dispatches).toFixed(0)} us per dispatch`,
    );
  }
  return lines.join("\n");
}
