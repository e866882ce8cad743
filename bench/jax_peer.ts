/**
 * jax-js peer of `deno task bench` (`@jax-js/jax`, the strongest maintained JS peer), on its WebGPU
 * backend (same adapter as tempo) and on its Wasm (CPU) backend, in the same process.
 *
 * Written as jax-js's users write it: every op and every training step is a `jit`ted function, the
 * step is `valueAndGrad` of the loss plus the SGD-momentum update, all in ONE `jit`, with `.ref`
 * ownership. jax-js is lazy (an array disposed before it is read is never computed), so every timed
 * run either chains its work (the next call consumes this one's result: elementwise, dispatch, the
 * training steps, whose parameters feed the next step) and reads the last result, or keeps every
 * result alive and waits for all of them (`blockUntilReady`, matmul). Nothing is subtracted.
 * Inputs are realized (uploaded) before any timing. BatchNorm here keeps no running statistics
 * (tempo's and tfjs's do): a slight advantage to the peer.
 *
 * @example
 * ```ts
 * import { matmulGflops } from "./jax_peer.ts";
 * console.log(await matmulGflops("webgpu", 512, 512, 512), "GFLOP/s");
 * ```
 * @module
 */
// CONTRIBUTING.md asks for full `npm:name@version` specifiers (versions checked with `npm view`).
// deno-lint-ignore no-import-prefix
import * as jax from "npm:@jax-js/jax@0.1.25";
import { measure } from "./_harness.ts";
import {
  DISPATCH_N,
  DISPATCH_OPS,
  ELEMENTWISE_BATCH,
  elementwiseBytes,
  matmulBatch,
} from "./_workloads.ts";

const np = jax.numpy;
type A = jax.Array;

/** The jax-js backends the bench runs. */
export type JaxDevice = "webgpu" | "wasm";

const ready = new Map<JaxDevice, Promise<void>>();

/** Starts jax-js's `device` backend once; throws (with what `init` returned) when it is missing. */
export function initJax(device: JaxDevice): Promise<void> {
  let p = ready.get(device);
  if (!p) {
    p = (async () => {
      const got = await jax.init(device);
      if (!got.includes(device)) {
        throw new Error(
          `jax-js: the ${device} backend is not available here (init returned ${got.join(", ")})`,
        );
      }
    })();
    ready.set(device, p);
  }
  return p.then(() => void jax.defaultDevice(device));
}

/** Deterministic N(0, scale^2) floats (mulberry32 + Box-Muller), so no RNG kernel is timed. */
export function normalFloats(n: number, seed: number, scale = 1): Float32Array<ArrayBuffer> {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = scale * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  }
  return out;
}

/** A realized (uploaded) random array on `device`. */
export async function randomArray(
  device: JaxDevice,
  shape: number[],
  seed: number,
  scale = 1,
): Promise<A> {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = np.array(normalFloats(n, seed, scale), { shape, device });
  return await a.blockUntilReady();
}

const matmulJ = jax.jit((a: A, b: A) => np.matmul(a, b));
const addJ = jax.jit((a: A, b: A) => np.add(a, b));

/** `[m,k] x [k,n]`, {@linkcode matmulBatch} independent products kept alive, then all awaited. */
export async function matmulGflops(
  device: JaxDevice,
  m: number,
  k: number,
  n: number,
): Promise<number> {
  await initJax(device);
  const a = await randomArray(device, [m, k], 1), b = await randomArray(device, [k, n], 2);
  const batch = matmulBatch(m, k, n);
  try {
    const ms = await measure(async () => {
      const cs: A[] = [];
      for (let i = 0; i < batch; i++) cs.push(matmulJ(a.ref, b.ref));
      await jax.blockUntilReady(cs);
      for (const c of cs) c.dispose();
    });
    return (2 * m * k * n * batch) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** A chain of `count` jitted adds `x = x + b`, then one read of the last result. */
async function addChain(x0: A, b: A, count: number): Promise<void> {
  let x = addJ(x0.ref, b.ref);
  for (let i = 1; i < count; i++) x = addJ(x, b.ref);
  await x.blockUntilReady();
  x.dispose();
}

/** Elementwise add of two n-float arrays (chained: same 12n bytes per op as `a + b`). */
export async function elementwiseGBps(device: JaxDevice, n: number): Promise<number> {
  await initJax(device);
  const a = await randomArray(device, [n], 1), b = await randomArray(device, [n], 2);
  try {
    const ms = await measure(() => addChain(a, b, ELEMENTWISE_BATCH));
    return (elementwiseBytes(n) * ELEMENTWISE_BATCH) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Microseconds per small dependent add (64 floats), 500 chained jitted adds then one read. */
export async function dispatchUs(device: JaxDevice): Promise<number> {
  await initJax(device);
  const a = await randomArray(device, [DISPATCH_N], 1);
  const b = await randomArray(device, [DISPATCH_N], 2);
  try {
    const ms = await measure(() => addChain(a, b, DISPATCH_OPS));
    return (ms * 1000) / DISPATCH_OPS;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** jax-js measurements by bench name, for one backend. */
export function jaxBenches(device: JaxDevice): Partial<Record<string, () => Promise<number>>> {
  return {
    matmul_256: () => matmulGflops(device, 256, 256, 256),
    matmul_512: () => matmulGflops(device, 512, 512, 512),
    matmul_1024: () => matmulGflops(device, 1024, 1024, 1024),
    matmul_mlp_64x3072x40: () => matmulGflops(device, 64, 3072, 40),
    matmul_mlp_64x40x10: () => matmulGflops(device, 64, 40, 10),
    elementwise_add_4M: () => elementwiseGBps(device, 4 * 1024 * 1024),
    dispatch_small: () => dispatchUs(device),
  };
}
