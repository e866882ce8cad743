/**
 * Model builders: `simpleNet` and `shallowConvNet` from the fastai v0.7 TrainingPhase notebook, and a
 * small CIFAR-style `resnet` with PyTorch's BasicBlock (key names as torchvision: `conv1`, `bn1`,
 * `downsample`...). Layer groups follow fastai: one per top-level child, except the ResNet's three.
 * @module
 */
import { add, relu, type Tensor } from "../tensor/mod.ts";
import { Module } from "./module.ts";
import { Flatten, Linear, LogSoftmax, ReLU, Sequential } from "./layers.ts";
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d } from "./conv_layers.ts";
import { randomSeed, seedStream } from "./_init.ts";
import { checkOptions } from "../_options.ts";
import { RESNET_SPEC, SEED_SPEC, SHALLOW_CONV_SPEC } from "./_specs.ts";

/**
 * `Sequential(Flatten(), Linear(l0, l1), ReLU(), ..., Linear(l[n-2], l[n-1]), LogSoftmax(1))`, the
 * notebook's SimpleNet. The notebook's `LogSoftmax(dim=0)` normalises over the batch (a bug); this uses
 * dim 1, the classes.
 *
 * @example Usage
 * ```ts
 * import { init } from "../tensor/mod.ts";
 * await init();
 * const net = simpleNet([3072, 40, 10], { seed: 0 }); // keys 1.weight, 1.bias, 3.weight, 3.bias
 * ```
 */
export function simpleNet(
  layers: readonly number[] = [3072, 40, 10],
  opts: { seed?: number } = {},
): Sequential {
  checkOptions("simpleNet", opts, SEED_SPEC);
  if (
    !Array.isArray(layers) || layers.length < 2 ||
    !layers.every((n) => Number.isInteger(n) && n > 0)
  ) {
    throw new TypeError(
      `Cannot build simpleNet([${layers}]): expected at least 2 positive integer sizes`,
    );
  }
  const next = seedStream(opts.seed ?? randomSeed());
  const mods: Module[] = [new Flatten()];
  for (let i = 0; i + 1 < layers.length; i++) {
    mods.push(new Linear(layers[i]!, layers[i + 1]!, { seed: next() }));
    if (i + 2 < layers.length) mods.push(new ReLU());
  }
  mods.push(new LogSoftmax(1));
  return new Sequential(...mods);
}

/** Options of {@linkcode shallowConvNet}. */
export interface ShallowConvNetOptions {
  /** Channels of the input images. @default {3} */
  inChannels?: number;
  /** Channels of the two conv layers. @default {[16, 32]} */
  widths?: readonly [number, number];
  /** Number of output classes. @default {10} */
  numClasses?: number;
  /** Seed of the initialisation. @default random */
  seed?: number;
}

/**
 * The notebook's ShallowConvNet: `Sequential(Sequential(Conv2d(3,16,3,stride 2,pad 1), BatchNorm2d(16)),
 * ReLU(), Sequential(Conv2d(16,32,3,2,1), BatchNorm2d(32)), ReLU(), AdaptiveAvgPool2d(1), Flatten(),
 * Linear(32,10), LogSoftmax(1))`. The notebook's first ConvBN has stride 20, a typo; this uses stride 2 as
 * its benchmark does.
 */
export function shallowConvNet(opts: ShallowConvNetOptions = {}): Sequential {
  checkOptions("shallowConvNet", opts, SHALLOW_CONV_SPEC);
  const [w1, w2] = opts.widths ?? [16, 32];
  const next = seedStream(opts.seed ?? randomSeed());
  const convBn = (cin: number, cout: number) =>
    new Sequential(
      new Conv2d(cin, cout, 3, { stride: 2, padding: 1, seed: next() }),
      new BatchNorm2d(cout),
    );
  return new Sequential(
    convBn(opts.inChannels ?? 3, w1),
    new ReLU(),
    convBn(w1, w2),
    new ReLU(),
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Linear(w2, opts.numClasses ?? 10, { seed: next() }),
    new LogSoftmax(1),
  );
}

/** PyTorch's ResNet BasicBlock: `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`. */
export class BasicBlock extends Module {
  /** First 3x3 convolution (carries the block's stride). */
  readonly conv1: Conv2d;
  /** BatchNorm after `conv1`. */
  readonly bn1: BatchNorm2d;
  /** ReLU after `bn1`. */
  readonly relu: ReLU;
  /** Second 3x3 convolution (stride 1). */
  readonly conv2: Conv2d;
  /** BatchNorm after `conv2`. */
  readonly bn2: BatchNorm2d;
  /**
   * Shortcut projection `Sequential(Conv2d 1x1, BatchNorm2d)` when the stride or channel count
   * changes, else `null` (identity).
   */
  readonly downsample: Sequential | null;

  /**
   * Creates the block.
   *
   * @param inChannels Input channels.
   * @param outChannels Output channels.
   * @param stride Stride of `conv1` and of the shortcut projection.
   * @param opts Seed of the initialisation (default: random).
   */
  constructor(inChannels: number, outChannels: number, stride = 1, opts: { seed?: number } = {}) {
    super();
    checkOptions("BasicBlock", opts, SEED_SPEC);
    const next = seedStream(opts.seed ?? randomSeed());
    this.conv1 = this.registerModule(
      "conv1",
      new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false, seed: next() }),
    );
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(outChannels));
    this.relu = this.registerModule("relu", new ReLU());
    this.conv2 = this.registerModule(
      "conv2",
      new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false, seed: next() }),
    );
    this.bn2 = this.registerModule("bn2", new BatchNorm2d(outChannels));
    this.downsample = stride !== 1 || inChannels !== outChannels
      ? this.registerModule(
        "downsample",
        new Sequential(
          new Conv2d(inChannels, outChannels, 1, { stride, bias: false, seed: next() }),
          new BatchNorm2d(outChannels),
        ),
      )
      : null;
  }

  /** `[N, in, H, W] -> [N, out, H/stride, W/stride]`. */
  forward(x: Tensor): Tensor {
    const h = this.relu.forward(this.bn1.forward(this.conv1.forward(x))); // [N,out,H',W']
    const y = this.bn2.forward(this.conv2.forward(h)); // [N,out,H',W']
    const shortcut = this.downsample ? this.downsample.forward(x) : x; // [N,out,H',W']
    return relu(add(y, shortcut));
  }
}

/** Options of {@linkcode resnet}. */
export interface ResNetOptions {
  /** BasicBlocks per stage. @default {[1, 1, 1]} */
  layers?: readonly number[];
  /** Channels per stage (the stem has the first). @default {[8, 16, 32]} */
  widths?: readonly number[];
  /** Channels of the input images. @default {3} */
  inChannels?: number;
  /** Number of output classes. @default {10} */
  numClasses?: number;
  /** Seed of the initialisation. @default random */
  seed?: number;
}

/**
 * A small CIFAR ResNet: `Sequential(Conv2d(3,8,3,1,1,bias=False), BatchNorm2d(8), ReLU(),
 * Sequential(BasicBlock(8,8,1)), Sequential(BasicBlock(8,16,2)), Sequential(BasicBlock(16,32,2)),
 * AdaptiveAvgPool2d(1), Flatten(), Linear(32,10), LogSoftmax(1))` for the defaults. Stage 1 has stride 1,
 * the others stride 2. Layer groups (like the notebook's resnet34 with 3 lrs): [stem + stage 1],
 * [the other stages], [head].
 *
 * @example Usage
 * ```ts
 * import { init } from "../tensor/mod.ts";
 * import { SGD } from "../optim/mod.ts";
 * await init();
 * const net = resnet({ seed: 0 });
 * const opt = new SGD(net.layerGroupParameters(), { lr: 0.1, momentum: 0.9 }); // 3 groups
 * ```
 */
export function resnet(opts: ResNetOptions = {}): Sequential {
  checkOptions("resnet", opts, RESNET_SPEC);
  const layers = opts.layers ?? [1, 1, 1];
  const widths = opts.widths ?? [8, 16, 32];
  if (layers.length !== widths.length || layers.length < 2) {
    throw new TypeError(
      `Cannot build resnet: expected as many stage widths as stages (at least 2), got layers [${layers}] and widths [${widths}]`,
    );
  }
  const next = seedStream(opts.seed ?? randomSeed());
  const stem = [
    new Conv2d(opts.inChannels ?? 3, widths[0]!, 3, {
      stride: 1,
      padding: 1,
      bias: false,
      seed: next(),
    }),
    new BatchNorm2d(widths[0]!),
    new ReLU(),
  ];
  const stages = layers.map((n, s) => {
    const blocks: BasicBlock[] = [];
    for (let b = 0; b < n; b++) {
      const cin = b === 0 ? widths[Math.max(0, s - 1)]! : widths[s]!;
      blocks.push(new BasicBlock(cin, widths[s]!, b === 0 && s > 0 ? 2 : 1, { seed: next() }));
    }
    return new Sequential(...blocks);
  });
  const head = [
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Linear(widths[widths.length - 1]!, opts.numClasses ?? 10, { seed: next() }),
    new LogSoftmax(1),
  ];
  const net = new Sequential(...stem, ...stages, ...head);
  net.setLayerGroups([[...stem, stages[0]!], stages.slice(1), head]);
  return net;
}
