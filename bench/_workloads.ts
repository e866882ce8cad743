/**
 * Workload parameters shared by every implementation, so tempo, tfjs and PyTorch (mirrored in
 * `torch_bench.py`) time exactly the same thing.
 * @module
 */
import type { MeasureOptions } from "./_harness.ts";

/** Matmuls queued before the one readback that closes a timed batch: 10..50, ~2 GFLOP per batch. */
export function matmulBatch(m: number, k: number, n: number): number {
  return Math.min(50, Math.max(10, Math.round(2e9 / (2 * m * k * n))));
}

/** `elementwise_add_4M`: n floats per operand, ops per timed batch. */
export const ELEMENTWISE_N = 4 * 1024 * 1024;
export const ELEMENTWISE_BATCH = 20;
/** Bytes moved by one add of n floats: read two operands, write one result. */
export const elementwiseBytes = (n: number): number => 3 * 4 * n;

/** `dispatch_small`: tiny adds queued before one readback. */
export const DISPATCH_N = 64;
export const DISPATCH_OPS = 500;

/** Training: batch size, SGD with momentum, softmax cross-entropy on fixed random data. */
export const TRAIN_BATCH = 64;
export const TRAIN_LR = 0.01;
export const TRAIN_MOMENTUM = 0.9;
export const NUM_CLASSES = 10;

/** One training workload: steps per timed run (then one loss readback) and repeat settings. */
export interface TrainSpec {
  steps: number;
  measure: MeasureOptions;
}

/**
 * Flattened 32x32x3 -> Dense 40 relu -> Dense 10. 100 steps per timed run, so that the one readback
 * closing it (~11 ms in Deno, a fixed cost) is a small part of it for tempo and tfjs alike (at 20
 * steps it was a fifth of tempo's run). PyTorch keeps 20 (`torch_bench.py STEPS`): its step time on
 * this VM jumps between ~0.7 and ~3 ms, and longer runs catch more of the slow stretches.
 */
export const SIMPLENET: TrainSpec = { steps: 100, measure: {} };
/** 784 -> Dense 256 relu -> Dense 10 (100 steps per run, as SimpleNet). */
export const MLP784: TrainSpec = { steps: 100, measure: {} };
/**
 * 32x32x3 -> conv3x3/2 'same' 3->64 + BN + relu -> conv3x3/2 'same' 64->128 + BN + relu
 * -> global average pool -> Dense 10. Very slow on tfjs-webgpu/lavapipe (~15 samples/s), hence
 * 3 steps, a one-step warm-up done by the peer itself, and few repeats.
 */
export const SHALLOWCONV: TrainSpec = {
  steps: 3,
  measure: { warmup: 0, minTimeMs: 0, minRepeats: 2, maxRepeats: 2 },
};
