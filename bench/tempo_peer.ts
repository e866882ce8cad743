/**
 * tempo's side of `deno task bench`: the same workloads as `tfjs_peer.ts` (same function names and
 * parameters from `_workloads.ts`), each timed run queued and closed by ONE small readback.
 * @module
 */
import { add, autotune, getAutotune, init, matmul, randn, type Tensor } from "../mod.ts";
import { measure } from "./_harness.ts";
import {
  DISPATCH_N,
  DISPATCH_OPS,
  ELEMENTWISE_BATCH,
  elementwiseBytes,
  matmulBatch,
} from "./_workloads.ts";
import { TRAIN_WORKLOADS, trainSamplesPerSec } from "./tempo_train.ts";

/** Queues `count` results of `op`, keeping only the last, then reads one element of it. */
async function queueAndRead(count: number, op: () => Tensor): Promise<void> {
  let last: Tensor | undefined;
  for (let i = 0; i < count; i++) {
    const y = op();
    last?.dispose();
    last = y;
  }
  await last!.data();
  last!.dispose();
}

/** GFLOP/s of `[m,k] x [k,n]`. */
export async function matmulGflops(m: number, k: number, n: number): Promise<number> {
  await init();
  const a = randn([m, k], { seed: 1 }), b = randn([k, n], { seed: 2 });
  const batch = matmulBatch(m, k, n);
  try {
    if (getAutotune()) await autotune(() => matmul(a, b).dispose()); // bench --autotune
    const ms = await measure(() => queueAndRead(batch, () => matmul(a, b)));
    return (2 * m * k * n * batch) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** GB/s of an elementwise add of two n-float tensors. */
export async function elementwiseGBps(n: number): Promise<number> {
  await init();
  const a = randn([n], { seed: 1 }), b = randn([n], { seed: 2 });
  try {
    const ms = await measure(() => queueAndRead(ELEMENTWISE_BATCH, () => add(a, b)));
    return (elementwiseBytes(n) * ELEMENTWISE_BATCH) / (ms * 1e6);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Microseconds per small dependent op (a chain of adds of 64 floats), amortised over 500 ops. */
export async function dispatchUs(): Promise<number> {
  await init();
  const a = randn([DISPATCH_N], { seed: 1 }), b = randn([DISPATCH_N], { seed: 2 });
  try {
    const ms = await measure(async () => {
      let x = a;
      for (let i = 0; i < DISPATCH_OPS; i++) {
        const y = add(x, b);
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
  }
}

/** tempo measurements by bench name. */
export const tempoBenches: Partial<Record<string, () => Promise<number>>> = {
  matmul_256: () => matmulGflops(256, 256, 256),
  matmul_512: () => matmulGflops(512, 512, 512),
  matmul_1024: () => matmulGflops(1024, 1024, 1024),
  matmul_mlp_64x3072x40: () => matmulGflops(64, 3072, 40),
  matmul_mlp_64x40x10: () => matmulGflops(64, 40, 10),
  elementwise_add_4M: () => elementwiseGBps(4 * 1024 * 1024),
  dispatch_small: () => dispatchUs(),
  train_simplenet: () => trainSamplesPerSec(TRAIN_WORKLOADS.train_simplenet!),
  train_mlp784: () => trainSamplesPerSec(TRAIN_WORKLOADS.train_mlp784!),
  train_shallowconv: () => trainSamplesPerSec(TRAIN_WORKLOADS.train_shallowconv!),
};
