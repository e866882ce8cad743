/**
 * jax-js's training benches (`train_*`), the twins of `tfjs_peer.ts` and `tempo_train.ts`: the same
 * three networks, batch 64, softmax cross-entropy on one fixed random batch, SGD with momentum 0.9
 * and lr 0.01. One step is ONE `jit` of `valueAndGrad(loss)` and the momentum update; it returns the
 * loss, the new parameters and the new velocities, which the next step consumes (so every step is
 * computed, see `jax_peer.ts`). A timed run queues `spec.steps` steps and reads the last loss.
 *
 * @example
 * ```ts
 * import { jaxTrainSession } from "./jax_train.ts";
 * const s = await jaxTrainSession("wasm", "train_simplenet");
 * await s.run();
 * s.dispose();
 * ```
 * @module
 */
// deno-lint-ignore no-import-prefix
import * as jax from "npm:@jax-js/jax@0.1.25";
import type { TrainSession } from "./_harness.ts";
import { initJax, type JaxDevice, randomArray } from "./jax_peer.ts";
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

const np = jax.numpy;
type A = jax.Array;
type Params = Record<string, A>;

/** A network: parameter shapes with their init scale, its input shape, and its loss. */
interface JaxNet {
  params: Record<string, { shape: number[]; scale: number }>;
  inputShape: number[];
  /** Consumes `p` and `x` (jax-js ownership); returns the mean softmax cross-entropy. */
  logits: (p: Params, x: A) => A;
  spec: TrainSpec;
}

const he = (fanIn: number) => Math.sqrt(2 / fanIn);

/** Dense `x @ w + b`. */
const dense = (x: A, w: A, b: A) => np.matmul(x, w).add(b);

/** Training-mode BatchNorm over N, H, W of an NCHW tensor (no running statistics). */
function batchNorm(x: A, gamma: A, beta: A): A {
  const c = x.shape[1]!;
  const mean = np.mean(x.ref, [0, 2, 3], { keepdims: true });
  const d = x.sub(mean);
  const variance = np.mean(np.square(d.ref), [0, 2, 3], { keepdims: true });
  return d.div(np.sqrt(variance.add(1e-5))).mul(gamma.reshape([1, c, 1, 1]))
    .add(beta.reshape([1, c, 1, 1]));
}

/** conv3x3, stride 2, padding 1 (NCHW, OIHW), as tempo's `Conv2d(…, 3, { stride: 2, padding: 1 })`. */
const conv3s2 = (x: A, w: A) => jax.lax.conv(x, w, [2, 2], [[1, 1], [1, 1]]);

const NETS: Record<string, JaxNet> = {
  train_simplenet: {
    params: {
      w1: { shape: [3072, 40], scale: he(3072) },
      b1: { shape: [40], scale: 0 },
      w2: { shape: [40, NUM_CLASSES], scale: he(40) },
      b2: { shape: [NUM_CLASSES], scale: 0 },
    },
    inputShape: [3072],
    logits: (p, x) => dense(jax.nn.relu(dense(x, p.w1!, p.b1!)), p.w2!, p.b2!),
    spec: SIMPLENET,
  },
  train_mlp784: {
    params: {
      w1: { shape: [784, 256], scale: he(784) },
      b1: { shape: [256], scale: 0 },
      w2: { shape: [256, NUM_CLASSES], scale: he(256) },
      b2: { shape: [NUM_CLASSES], scale: 0 },
    },
    inputShape: [784],
    logits: (p, x) => dense(jax.nn.relu(dense(x, p.w1!, p.b1!)), p.w2!, p.b2!),
    spec: MLP784,
  },
  train_shallowconv: {
    params: {
      c1: { shape: [64, 3, 3, 3], scale: he(27) },
      g1: { shape: [64], scale: 0 },
      be1: { shape: [64], scale: 0 },
      c2: { shape: [128, 64, 3, 3], scale: he(576) },
      g2: { shape: [128], scale: 0 },
      be2: { shape: [128], scale: 0 },
      w: { shape: [128, NUM_CLASSES], scale: he(128) },
      b: { shape: [NUM_CLASSES], scale: 0 },
    },
    inputShape: [3, 32, 32],
    logits: (p, x) => {
      const h1 = jax.nn.relu(batchNorm(conv3s2(x, p.c1!), p.g1!.add(1), p.be1!));
      const h2 = jax.nn.relu(batchNorm(conv3s2(h1, p.c2!), p.g2!.add(1), p.be2!));
      return dense(np.mean(h2, [2, 3]), p.w!, p.b!);
    },
    spec: SHALLOWCONV,
  },
};

/** The bench names with a jax-js training session. */
export const JAX_TRAIN_NAMES: readonly string[] = Object.keys(NETS);

/**
 * A prepared training bench on `device`: `spec.steps` jitted steps then one loss readback; one step
 * already run (tracing, kernel compiles, uploads). BatchNorm's scale is stored as `gamma - 1`
 * (initialised to zero, so every parameter starts as a random or zero array).
 */
export async function jaxTrainSession(device: JaxDevice, name: string): Promise<TrainSession> {
  const net = NETS[name];
  if (!net) throw new RangeError(`jax-js has no training bench "${name}"`);
  await initJax(device);
  let seed = 11;
  let params: Params = {};
  let vel: Params = {};
  for (const [k, { shape, scale }] of Object.entries(net.params)) {
    params[k] = scale > 0
      ? await randomArray(device, shape, seed++, scale)
      : await np.zeros(shape, { device }).blockUntilReady();
    vel[k] = await np.zeros(shape, { device }).blockUntilReady();
  }
  const x = await randomArray(device, [TRAIN_BATCH, ...net.inputShape], 7);
  const labels = Array.from({ length: TRAIN_BATCH }, (_, i) => (i * 7 + 3) % NUM_CLASSES);
  const y = await jax.nn.oneHot(np.array(labels, { dtype: np.int32, device }), NUM_CLASSES)
    .blockUntilReady();
  const loss = (p: Params, xb: A, yb: A): A =>
    jax.nn.logSoftmax(net.logits(p, xb)).mul(yb).sum().mul(-1 / TRAIN_BATCH);
  const step = jax.jit((p: Params, v: Params, xb: A, yb: A): [A, Params, Params] => {
    const [l, g] = jax.valueAndGrad(loss)(jax.tree.ref(p), xb, yb);
    const v2 = jax.tree.map((vi: A, gi: A) => vi.mul(TRAIN_MOMENTUM).add(gi), v, g as Params);
    const p2 = jax.tree.map((pi: A, vi: A) => pi.sub(vi.mul(TRAIN_LR)), p, jax.tree.ref(v2));
    return [l, p2, v2];
  });
  const steps = async (n: number) => {
    jax.defaultDevice(device);
    let l: A | undefined;
    for (let i = 0; i < n; i++) {
      l?.dispose();
      [l, params, vel] = step(params, vel, x.ref, y.ref);
    }
    const v = (await l!.data())[0]!;
    if (!Number.isFinite(v)) throw new Error(`jax-js ${name}: the loss is ${v}`);
  };
  const dispose = () => {
    jax.tree.dispose([params, vel, x, y]);
    step.dispose();
  };
  try {
    await steps(1);
  } catch (e) {
    dispose();
    throw e;
  }
  return { steps: net.spec.steps, run: () => steps(net.spec.steps), dispose };
}
