/**
 * TensorFlow.js WebGPU backend on the same adapter, in the same Deno process as tempo.
 *
 * Every timed run queues its work and ends with ONE small readback (`await t.data()`), which in
 * Deno costs ~11 ms and waits for the whole queue; nothing is subtracted.
 *
 * @example
 * ```ts
 * import { matmulGflops } from "./tfjs_peer.ts";
 * console.log(await matmulGflops(512, 512, 512), "GFLOP/s");
 * ```
 * @module
 */
// CONTRIBUTING.md asks for full `npm:name@version` specifiers (versions checked with `npm view`).
// deno-lint-ignore no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0"; // full bundle: registers the gradients
// deno-lint-ignore no-import-prefix
import "npm:@tensorflow/tfjs-backend-webgpu@4.22.0";
import { measure, type TrainSession } from "./_harness.ts";
import {
  DISPATCH_N,
  DISPATCH_OPS,
  ELEMENTWISE_BATCH,
  elementwiseBytes,
  matmulBatch,
  MLP784,
  NUM_CLASSES,
  SHALLOWCONV,
  SIMPLENET,
  TRAIN_BATCH,
  TRAIN_LR,
  TRAIN_MOMENTUM,
  type TrainSpec,
} from "./_workloads.ts";

let ready: Promise<void> | undefined;

/** Selects the `webgpu` backend once; throws if it is not available. */
export function initTfjs(): Promise<void> {
  ready ??= (async () => {
    if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs: the webgpu backend failed");
    await tf.ready();
  })();
  return ready;
}

/** Queue `count` results of `op`, keep only the last, then await a 1-element slice of it. */
async function queueAndRead(count: number, op: () => tf.Tensor): Promise<void> {
  let last: tf.Tensor | undefined;
  for (let i = 0; i < count; i++) {
    const y = op();
    last?.dispose();
    last = y;
  }
  const one = tf.tidy(() => last!.reshape([-1]).slice(0, 1));
  await one.data();
  one.dispose();
  last!.dispose();
}

/** `tf.matMul` of [m,k]x[k,n], batches of {@linkcode matmulBatch} then one readback. */
export async function matmulGflops(m: number, k: number, n: number): Promise<number> {
  await initTfjs();
  const a = tf.randomUniform([m, k], -1, 1);
  const b = tf.randomUniform([k, n], -1, 1);
  const batch = matmulBatch(m, k, n);
  try {
    const ms = await measure(() => queueAndRead(batch, () => tf.matMul(a, b)));
    return (2 * m * k * n * batch) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** `tf.add` of two n-float tensors; 12n bytes per op. */
export async function elementwiseGBps(n: number): Promise<number> {
  await initTfjs();
  const a = tf.randomUniform([n]);
  const b = tf.randomUniform([n]);
  try {
    const ms = await measure(() => queueAndRead(ELEMENTWISE_BATCH, () => tf.add(a, b)));
    return (elementwiseBytes(n) * ELEMENTWISE_BATCH) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * Cost of one small `tf.add` (64 floats) on the GPU, in us: 500 chained adds then one readback.
 * tfjs would run ops on tensors under 1000 elements on the CPU (`WEBGPU_CPU_FORWARD`), so that
 * flag is switched off while this runs.
 */
export async function dispatchUs(): Promise<number> {
  await initTfjs();
  const env = tf.env();
  const cpuForward = env.getBool("WEBGPU_CPU_FORWARD");
  env.set("WEBGPU_CPU_FORWARD", false);
  const a = tf.randomUniform([DISPATCH_N]);
  const b = tf.randomUniform([DISPATCH_N]);
  try {
    const ms = await measure(async () => {
      let x = a;
      for (let i = 0; i < DISPATCH_OPS; i++) {
        const y = tf.add(x, b);
        if (x !== a) x.dispose();
        x = y;
      }
      await x.data();
      x.dispose();
    });
    return (ms * 1000) / DISPATCH_OPS;
  } finally {
    a.dispose();
    b.dispose();
    env.set("WEBGPU_CPU_FORWARD", cpuForward);
  }
}

/**
 * A prepared training bench: `spec.steps` SGD-momentum steps (`optimizer.minimize`, softmax
 * cross-entropy) on one fixed random batch, then one readback of the loss; one step already run
 * (shader compilation, uploads).
 */
async function trainSession(
  build: () => tf.LayersModel,
  inputShape: number[],
  spec: TrainSpec,
): Promise<TrainSession> {
  await initTfjs();
  const model = build();
  const x = tf.randomNormal([TRAIN_BATCH, ...inputShape]);
  const y = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([TRAIN_BATCH], 0, NUM_CLASSES, "int32"), NUM_CLASSES)
  );
  const optimizer = tf.train.momentum(TRAIN_LR, TRAIN_MOMENTUM);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossFn = () =>
    tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const steps = async (n: number) => {
    let loss: tf.Scalar | null = null;
    for (let i = 0; i < n; i++) {
      loss?.dispose();
      loss = optimizer.minimize(lossFn, true, vars);
    }
    await loss!.data();
    loss!.dispose();
  };
  const dispose = () => {
    optimizer.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  };
  try {
    await steps(1); // compiles every shader and uploads the data
  } catch (e) {
    dispose();
    throw e;
  }
  return { steps: spec.steps, run: () => steps(spec.steps), dispose };
}

/** Samples/s of a session's timed runs (median), disposing it afterwards. */
async function samplesPerSec(session: Promise<TrainSession>, spec: TrainSpec): Promise<number> {
  const s = await session;
  try {
    const ms = await measure(s.run, spec.measure);
    return (s.steps * TRAIN_BATCH) / (ms / 1000);
  } finally {
    s.dispose();
  }
}

/** 3072 -> Dense 40 relu -> Dense 10, batch 64. */
export function simpleNetSession(): Promise<TrainSession> {
  return trainSession(
    () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [3072], units: 40, activation: "relu" }),
          tf.layers.dense({ units: NUM_CLASSES }),
        ],
      }),
    [3072],
    SIMPLENET,
  );
}

/** 784 -> Dense 256 relu -> Dense 10, batch 64. */
export function mlp784Session(): Promise<TrainSession> {
  return trainSession(
    () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 256, activation: "relu" }),
          tf.layers.dense({ units: NUM_CLASSES }),
        ],
      }),
    [784],
    MLP784,
  );
}

/** NHWC 32x32x3: two conv3x3/2 + BN + relu (64, 128 channels), global average pool, Dense 10. */
export function shallowConvSession(): Promise<TrainSession> {
  const convBlock = (filters: number, inputShape?: number[]) => [
    tf.layers.conv2d({
      ...(inputShape ? { inputShape } : {}),
      filters,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      useBias: false,
    }),
    tf.layers.batchNormalization({ axis: -1 }),
    tf.layers.reLU(),
  ];
  return trainSession(
    () =>
      tf.sequential({
        layers: [
          ...convBlock(64, [32, 32, 3]),
          ...convBlock(128),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: NUM_CLASSES }),
        ],
      }),
    [32, 32, 3],
    SHALLOWCONV,
  );
}

/** Samples/s of the SimpleNet bench alone. */
export const trainSimpleNet = (): Promise<number> => samplesPerSec(simpleNetSession(), SIMPLENET);
/** Samples/s of the 784-256-10 MLP bench alone. */
export const trainMlp784 = (): Promise<number> => samplesPerSec(mlp784Session(), MLP784);
/** Samples/s of the ShallowConvNet bench alone. */
export const trainShallowConv = (): Promise<number> =>
  samplesPerSec(shallowConvSession(), SHALLOWCONV);

/** Number of live tfjs tensors (a leak check for the harness). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
