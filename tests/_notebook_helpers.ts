/**
 * Shared set-up of the notebook tests: a small synthetic image data set with separable classes,
 * and schedule formulas to compare recorded lrs with.
 * @module
 */

import assert from "node:assert/strict";
import { ImageClassifierData } from "../src/data/mod.ts";
import { type Sequential, simpleNet as nnSimpleNet } from "../src/nn/mod.ts";
import { init, linear, randn, type Tensor, zeros } from "../src/tensor/mod.ts";

/** Deterministic uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/**
 * `n` images of `3 x size x size` (float 0..1) in `classes` classes: each class is a fixed random
 * pattern plus noise, so a linear model separates them.
 */
export function synthImages(
  n: number,
  size: number,
  seed: number,
  classes = 10,
  noise = 0.35,
): [Float32Array, Int32Array] {
  const r = rng(1234); // the class patterns are the same for every call
  const px = 3 * size * size;
  const protos = Array.from({ length: classes }, () => Float32Array.from({ length: px }, r));
  const rs = rng(seed);
  const x = new Float32Array(n * px), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < px; j++) {
      x[i * px + j] = Math.min(1, Math.max(0, protos[c]![j]! + noise * (rs() - 0.5) * 2));
    }
  }
  return [x, y];
}

/** An `ImageClassifierData` of synthetic `3 x size x size` images (batch 16 by default). */
export function synthData(
  options: { size?: number; nTrain?: number; nValid?: number; bs?: number; seed?: number } = {},
): ImageClassifierData {
  const { size = 8, nTrain = 320, nValid = 64, bs = 16, seed = 1 } = options;
  return ImageClassifierData.fromArrays({
    train: synthImages(nTrain, size, seed),
    valid: synthImages(nValid, size, seed + 100),
    shape: [3, size, size],
    bs,
    seed,
  });
}

/** `await init()` once. */
export async function gpu(): Promise<void> {
  await init();
}

/** Asserts `|a - b| <= tol * max(1, |b|)` element-wise. */
export function close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-9,
  msg = "",
) {
  assert.equal(actual.length, expected.length, `${msg}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    assert.ok(
      Math.abs(a - e) <= tol * Math.max(Math.abs(e), 1e-300),
      `${msg}[${i}]: expected ${e}, got ${a}`,
    );
  }
}

/** fastai v0.7 decay formulas (the code's, batch `i` of a phase of `n` batches). */
export const formulas = {
  no: (s: number) => (_i: number, _n: number) => s,
  linear: (s: number, e: number) => (i: number, n: number) => s + (e - s) * i / n,
  cosine: (s: number, e: number) => (i: number, n: number) =>
    e + (s - e) / 2 * (1 + Math.cos(Math.PI * i / n)),
  exponential: (s: number, e: number) => (i: number, n: number) => s * (e / s) ** (i / n),
  polynomial: (s: number, e: number, p: number) => (i: number, n: number) =>
    e + (s - e) * (1 - i / n) ** p,
};

/**
 * The lrs expected from consecutive phases given as `[batches, n (unrounded), formula]`.
 */
export function expectedLrs(
  parts: readonly [number, number, (i: number, n: number) => number][],
): number[] {
  const out: number[] = [];
  for (const [count, n, f] of parts) for (let i = 0; i < count; i++) out.push(f(i, n));
  return out;
}

/** Mean of the first and last `k` values. */
export function headTail(xs: readonly number[], k: number): [number, number] {
  const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return [mean(xs.slice(0, k)), mean(xs.slice(-k))];
}

/**
 * A two-layer perceptron ending in LogSoftmax, from tensor ops (the notebook's SimpleNet), with
 * one layer group per layer.
 */
export class TinyMlp {
  readonly w1: Tensor;
  readonly b1: Tensor;
  readonly w2: Tensor;
  readonly b2: Tensor;
  constructor(nIn: number, hidden: number, nOut: number, seed = 0) {
    this.w1 = randn([hidden, nIn], { std: Math.sqrt(2 / nIn), seed, requiresGrad: true });
    this.b1 = zeros([hidden], { requiresGrad: true });
    this.w2 = randn([nOut, hidden], {
      std: Math.sqrt(1 / hidden),
      seed: seed + 1,
      requiresGrad: true,
    });
    this.b2 = zeros([nOut], { requiresGrad: true });
  }
  forward(x: Tensor): Tensor {
    const h = linear(x.flatten(1), this.w1, this.b1, { relu: true });
    return linear(h, this.w2, this.b2).logSoftmax(-1);
  }
  parameters(): Tensor[] {
    return [this.w1, this.b1, this.w2, this.b2];
  }
  layerGroups(): Tensor[][] {
    return [[this.w1, this.b1], [this.w2, this.b2]];
  }
}

/** Counts the red dashed phase lines of an SVG. */
export function phaseLines(svg: string): number {
  return (svg.match(/<line[^>]*class="phase-boundary"[^>]*>/g) ?? []).filter((l) =>
    l.includes('stroke="red"') && l.includes("stroke-dasharray")
  ).length;
}

/** A log sink collecting the printed lines. */
export function lines(): { log: (l: string) => void; out: string[] } {
  const out: string[] = [];
  return { log: (l: string) => out.push(l), out };
}

/** The notebook's `SimpleNet([192, 40, 10])` (`src/nn`'s `simpleNet`), seeded. */
export function simpleNet(seed = 0): Sequential {
  return nnSimpleNet([192, 40, 10], { seed });
}
