/**
 * Spatial layers: `Conv2d`, `BatchNorm1d`, `BatchNorm2d`, `MaxPool2d`, `AdaptiveAvgPool2d` (NCHW), with
 * PyTorch's initialisation and state-dict names (`weight`, `bias`, `running_mean`, `running_var`).
 * @module
 */
import {
  adaptiveAvgPool2d,
  batchNorm,
  conv2d,
  maxPool2d,
  ones,
  type Pair,
  type Tensor,
  zeros,
} from "../tensor/mod.ts";
import { Module } from "./module.ts";
import { kernelSizeOf } from "../tensor/ops/_kernel_size.ts";
import { randomSeed, seedStream, uniformFanIn } from "./_init.ts";
import { checkOptions } from "../_options.ts";
import { BATCH_NORM_SPEC, CONV2D_SPEC, MAX_POOL_SPEC } from "./_specs.ts";

/** Options of {@linkcode Conv2d}. */
export interface Conv2dLayerOptions {
  /** Step of the kernel over the input, one number for both axes or `[h, w]`. @default {1} */
  stride?: Pair;
  /** Zero padding added on each side, one number or `[h, w]`. @default {0} */
  padding?: Pair;
  /** Spacing between kernel elements, one number or `[h, w]`. @default {1} */
  dilation?: Pair;
  /** Blocked connections: input and output channels split into `groups` groups. @default {1} */
  groups?: number;
  /** Add a learnable bias. @default {true} */
  bias?: boolean;
  /** Seed of the initialisation. @default random */
  seed?: number;
}

/**
 * 2-D convolution, weight `[out, in/groups, kh, kw]` (PyTorch `nn.Conv2d`, same init).
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../tensor/mod.ts";
 * await init();
 * const x = randn([2, 3, 8, 8]);
 * const conv = new Conv2d(3, 8, 3, { stride: 1, padding: 1, bias: false, seed: 0 });
 * const y = conv.forward(x); // [N,3,H,W] -> [N,8,H,W]
 * ```
 */
export class Conv2d extends Module {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels (number of filters). */
  readonly outChannels: number;
  /** Kernel size `[kh, kw]`. */
  readonly kernelSize: [number, number];
  /** Stride, padding, dilation and groups, with their defaults filled in. */
  readonly options: Omit<Conv2dLayerOptions, "seed" | "bias">;
  /** Weight `[out, in/groups, kh, kw]` (state-dict key `weight`). */
  readonly weight: Tensor;
  /** Bias `[out]` (state-dict key `bias`), or `null` when created with `bias: false`. */
  readonly bias: Tensor | null;

  /**
   * Creates the layer; weight and bias are `U(-1/sqrt(fanIn), 1/sqrt(fanIn))` as in PyTorch.
   *
   * @param inChannels Input channels.
   * @param outChannels Output channels.
   * @param kernelSize Kernel size, one number or `[kh, kw]`.
   * @param opts Stride, padding, dilation, groups, bias and seed.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    opts: Conv2dLayerOptions = {},
  ) {
    super();
    checkOptions("Conv2d", opts, CONV2D_SPEC);
    const groups = opts.groups ?? 1;
    const [kh, kw] = kernelSizeOf(kernelSize, "create Conv2d");
    for (
      const [k, v] of [["inChannels", inChannels], ["outChannels", outChannels], ["kernel", kh], [
        "kernel",
        kw,
      ], ["groups", groups]] as const
    ) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new RangeError(
          `Cannot create Conv2d: expected ${k} to be a positive integer, got ${String(v)}`,
        );
      }
    }
    if (inChannels % groups || outChannels % groups) {
      throw new RangeError(
        `Cannot create Conv2d(${inChannels}, ${outChannels}) with ${groups} groups: channels must divide`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = [kh, kw];
    this.options = {
      stride: opts.stride ?? 1,
      padding: opts.padding ?? 0,
      dilation: opts.dilation ?? 1,
      groups,
    };
    const fanIn = (inChannels / groups) * kh * kw;
    const next = seedStream(opts.seed ?? randomSeed());
    this.weight = this.registerParameter(
      "weight",
      uniformFanIn([outChannels, inChannels / groups, kh, kw], fanIn, next()),
    );
    this.bias = opts.bias === false
      ? null
      : this.registerParameter("bias", uniformFanIn([outChannels], fanIn, next()));
  }

  /** `[N, in, H, W] -> [N, out, H', W']`. */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }

  /** `Conv2d(in, out, kernel=..., stride=..., padding=...)`. */
  protected override describe(): string {
    const o = this.options;
    return `Conv2d(${this.inChannels}, ${this.outChannels}, kernel=${this.kernelSize}, stride=${o.stride}, ` +
      `padding=${o.padding}${this.bias ? "" : ", bias=false"})`;
  }
}

/** Options of the BatchNorm layers. */
export interface BatchNormLayerOptions {
  /** Added to the variance. @default {1e-5} */
  eps?: number;
  /** Weight of the new batch statistics in the running ones. @default {0.1} */
  momentum?: number;
}

/** Shared implementation of {@linkcode BatchNorm1d} and {@linkcode BatchNorm2d}. */
export class BatchNormBase extends Module {
  /** Channels `C`. */
  readonly numFeatures: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Weight of the new batch statistics in the running ones. */
  readonly momentum: number;
  /** Per-channel scale `[C]` (state-dict key `weight`), initially 1. */
  readonly weight: Tensor;
  /** Per-channel shift `[C]` (state-dict key `bias`), initially 0. */
  readonly bias: Tensor;
  /** Running mean `[C]` (buffer `running_mean`), initially 0. */
  readonly runningMean: Tensor;
  /** Running variance `[C]` (buffer `running_var`), initially 1. */
  readonly runningVar: Tensor;
  readonly #ranks: readonly number[];

  /**
   * Creates the layer with weight 1, bias 0, running mean 0 and running variance 1.
   *
   * @param numFeatures Channels `C`.
   * @param opts `eps` and `momentum`.
   * @param ranks Input ranks accepted by `forward`.
   */
  constructor(numFeatures: number, opts: BatchNormLayerOptions, ranks: readonly number[]) {
    super();
    checkOptions(new.target.name, opts, BATCH_NORM_SPEC);
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new RangeError(
        `Cannot create ${new.target.name}: expected a positive channel count, got ${
          String(numFeatures)
        }`,
      );
    }
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.#ranks = ranks;
    this.weight = this.registerParameter("weight", ones([numFeatures]));
    this.bias = this.registerParameter("bias", zeros([numFeatures]));
    this.runningMean = this.registerBuffer("running_mean", zeros([numFeatures]));
    this.runningVar = this.registerBuffer("running_var", ones([numFeatures]));
  }

  /** Normalises per channel: batch statistics in training (updating the running ones), else running. */
  forward(x: Tensor): Tensor {
    if (!this.#ranks.includes(x.rank)) {
      throw new TypeError(
        `Cannot apply ${this.constructor.name} to [${x.shape}]: expected rank ${
          this.#ranks.join(" or ")
        }`,
      );
    }
    return batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
  }

  /** `<class name>(numFeatures)`, e.g. `BatchNorm2d(16)`. */
  protected override describe(): string {
    return `${this.constructor.name}(${this.numFeatures})`;
  }
}

/** Batch normalisation of `[N, C]` or `[N, C, L]` (PyTorch `nn.BatchNorm1d`). */
export class BatchNorm1d extends BatchNormBase {
  /**
   * Creates the layer with weight 1, bias 0, running mean 0 and running variance 1.
   *
   * @param numFeatures Channels `C`.
   * @param opts `eps` and `momentum`.
   */
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super(numFeatures, opts, [2, 3]);
  }
}

/** Batch normalisation of `[N, C, H, W]` (PyTorch `nn.BatchNorm2d`): weight 1, bias 0, stats 0 / 1. */
export class BatchNorm2d extends BatchNormBase {
  /**
   * Creates the layer with weight 1, bias 0, running mean 0 and running variance 1.
   *
   * @param numFeatures Channels `C`.
   * @param opts `eps` and `momentum`.
   */
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super(numFeatures, opts, [4]);
  }
}

/** Max pooling (PyTorch `nn.MaxPool2d`; stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  /** Size of the pooling window, one number or `[h, w]`. */
  readonly kernelSize: Pair;
  /** Step of the window, one number or `[h, w]`. */
  readonly stride: Pair;
  /** Implicit padding on each side, one number or `[h, w]`. */
  readonly padding: Pair;
  /**
   * Creates the layer.
   *
   * @param kernelSize Size of the pooling window, one number or `[h, w]`.
   * @param opts `stride` (default: the kernel size) and `padding` (default 0).
   */
  constructor(kernelSize: Pair, opts: { stride?: Pair; padding?: Pair } = {}) {
    super();
    checkOptions("MaxPool2d", opts, MAX_POOL_SPEC);
    kernelSizeOf(kernelSize, "create MaxPool2d");
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
  }
  /** `[N, C, H, W] -> [N, C, H', W']`, the maximum of each window. */
  forward(x: Tensor): Tensor {
    return maxPool2d(x, {
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
    });
  }
  /** `MaxPool2d(kernel=..., stride=..., padding=...)`. */
  protected override describe(): string {
    return `MaxPool2d(kernel=${this.kernelSize}, stride=${this.stride}, padding=${this.padding})`;
  }
}

/** Adaptive average pooling to `outputSize` (`1`: global average pooling, `[N,C,H,W] -> [N,C,1,1]`). */
export class AdaptiveAvgPool2d extends Module {
  /** Output spatial size, one number or `[h, w]`. */
  readonly outputSize: Pair;
  /**
   * Creates the layer.
   *
   * @param outputSize Output spatial size, one number or `[h, w]` (default 1).
   */
  constructor(outputSize: Pair = 1) {
    super();
    this.outputSize = outputSize;
  }
  /** `[N, C, H, W] -> [N, C, outH, outW]`, the average of each adaptive window. */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  /** `AdaptiveAvgPool2d(outputSize)`. */
  protected override describe(): string {
    return `AdaptiveAvgPool2d(${this.outputSize})`;
  }
}
