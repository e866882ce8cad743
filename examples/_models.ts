/**
 * Private: the models the examples train, by name, for 1- or 3-channel `sz x sz` images.
 * @module
 */

import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  LogSoftmax,
  ReLU,
  resnet,
  Sequential,
  shallowConvNet,
  simpleNet,
} from "../src/nn/mod.ts";

/** Model names accepted by the examples' `--model` flag. */
export const MODEL_NAMES = ["simplenet", "shallowconv", "resnet", "cnn"] as const;
/** One of {@linkcode MODEL_NAMES}. */
export type ModelName = typeof MODEL_NAMES[number];

/** Options of {@linkcode fashionCnn}. */
export interface FashionCnnOptions {
  /** Input channels. Default 1. */
  inChannels?: number;
  /** Input side (the flatten size depends on it). Default 28. */
  sz?: number;
  /** Channels of the two convolutions. Default [32, 64] ([16, 32] stays under 90% in 3 epochs). */
  widths?: readonly [number, number];
  numClasses?: number;
  seed?: number;
}

/**
 * The small CNN of `one_cycle.ts`: two stride-2 3x3 conv + BN + ReLU blocks, then one linear layer.
 * Stride-2 convolutions instead of stride-1 + max-pool do a quarter of the conv work for the same
 * output shapes (on llvmpipe, widths [16, 32]: ~0.2 s instead of ~1.3 s per batch of 128).
 *
 * ```
 * x      [N, 1, 28, 28]
 * conv1  [N, 32, 14, 14]   3x3 stride 2 pad 1, BN, ReLU
 * conv2  [N, 64, 7, 7]     3x3 stride 2 pad 1, BN, ReLU
 * flat   [N, 3136]
 * linear [N, 10]           LogSoftmax over the classes
 * ```
 */
export function fashionCnn(opts: FashionCnnOptions = {}): Sequential {
  const { inChannels = 1, sz = 28, numClasses = 10, seed = 0 } = opts;
  const [w1, w2] = opts.widths ?? [32, 64];
  const side = Math.ceil(Math.ceil(sz / 2) / 2); // two stride-2, pad-1, 3x3 convolutions
  return new Sequential(
    new Conv2d(inChannels, w1, 3, { stride: 2, padding: 1, seed: seed + 1 }), // [N,w1,sz/2,sz/2]
    new BatchNorm2d(w1),
    new ReLU(),
    new Conv2d(w1, w2, 3, { stride: 2, padding: 1, seed: seed + 2 }), // [N,w2,sz/4,sz/4]
    new BatchNorm2d(w2),
    new ReLU(),
    new Flatten(), // [N, w2*side*side]
    new Linear(w2 * side * side, numClasses, { seed: seed + 3 }), // [N, numClasses]
    new LogSoftmax(1),
  );
}

/** Builds model `name` for `channels x sz x sz` inputs and `numClasses` classes. */
export function buildModel(
  name: ModelName,
  o: { channels: number; sz: number; numClasses: number; seed?: number },
): Sequential {
  const seed = o.seed ?? 0;
  switch (name) {
    case "simplenet": // [N,C,H,W] -> flatten -> 40 -> classes
      return simpleNet([o.channels * o.sz * o.sz, 40, o.numClasses], { seed });
    case "shallowconv":
      return shallowConvNet({ inChannels: o.channels, numClasses: o.numClasses, seed });
    case "resnet":
      return resnet({ inChannels: o.channels, numClasses: o.numClasses, seed });
    case "cnn":
      return fashionCnn({ inChannels: o.channels, sz: o.sz, numClasses: o.numClasses, seed });
  }
}
