/**
 * `ImageClassifierData`: fastai's train + validation loaders with classes, from arrays, an image folder
 * (`fromPaths`), Fashion-MNIST / IDX files, or CIFAR-10 binary batches.
 * @module
 */

import { CIFAR10_CLASSES, loadCifar10, type LoadCifar10Options } from "./cifar10.ts";
import { ArrayDataset, type Dataset } from "./dataset.ts";
import { DataLoader } from "./data_loader.ts";
import {
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  type LoadFashionMnistOptions,
  type MnistBytes,
  mnistFromBytes,
  type MnistSplit,
  readMnistFolder,
} from "./fashion_mnist.ts";
import { ImageFolder } from "./image_folder.ts";
import type { ChwShape, Pixels } from "./image_ops.ts";
import { type Stats, type Tfms, tfmsFromStats } from "./transforms.ts";
import { checkOptions, pickOptions, requireOptions } from "../_options.ts";
import {
  BUNCH_SPEC,
  CIFAR10_SPEC,
  FASHION_MNIST_SPEC,
  FROM_ARRAYS_SPEC,
  FROM_IDX_SPEC,
  FROM_PATHS_SPEC,
  MNIST_BUNCH_SPEC,
} from "./_specs.ts";

/** CIFAR-10 channel statistics used by the fastai notebook. */
export const CIFAR10_STATS: Stats = [[0.4914, 0.48216, 0.44653], [0.24703, 0.24349, 0.26159]];
/** Fashion-MNIST statistics (measured on the 60,000 training images). */
export const FASHION_MNIST_STATS: Stats = [[0.2860406], [0.3530242]];

/** Loader options shared by every constructor. */
export interface BunchOptions {
  /** Batch size of both loaders, default 64. */
  bs?: number;
  /** Transforms from {@link tfmsFromStats}; default: normalisation only, at the data's own size. */
  tfms?: Tfms;
  /** Seed of shuffling and augmentation, default 0. */
  seed?: number;
  /** Drop the last partial training batch, default false. */
  dropLast?: boolean;
  /**
   * Shuffle the training batches (a new order each epoch, from `seed`), default true. `false` keeps
   * them in dataset order, e.g. to reproduce a run batch for batch.
   */
  shuffle?: boolean;
  /** Batches prefetched, default 1. */
  prefetch?: number;
}

/**
 * The train and validation `DataLoader`s of an image classification task (fastai `ImageClassifierData`).
 * Training batches are shuffled and augmented; validation batches are in order and only resized/normalised.
 *
 * @example
 * ```ts
 * import { ImageClassifierData, randomFlip, tfmsFromStats, CIFAR10_STATS } from "./mod.ts";
 * const sz = 32, bs = 64;
 * const tfms = tfmsFromStats(CIFAR10_STATS, sz, { augTfms: [randomFlip()], pad: Math.floor(sz / 8) });
 * const data = ImageClassifierData.fromPaths("data/cifar10", { valName: "test", tfms, bs });
 * for await (const { x, y, shape } of data.train) { }
 * ```
 */
export class ImageClassifierData {
  /** Training batches: shuffled (unless `shuffle: false`), augmented with `tfms.train`. */
  readonly train: DataLoader;
  /** Validation batches: in order, transformed with `tfms.valid`. */
  readonly valid: DataLoader;
  /** Class names indexed by label. */
  readonly classes: string[];
  /** Batch size of both loaders. */
  readonly bs: number;

  /**
   * Builds both loaders (the `from*` factories are usually more convenient).
   *
   * @param train Training dataset.
   * @param valid Validation dataset.
   * @param classes Class names indexed by label.
   * @param tfms Training and validation transforms (e.g. from {@link tfmsFromStats}).
   * @param opts Batch size, seed, `dropLast` and `shuffle` (training only) and prefetch.
   */
  constructor(
    train: Dataset,
    valid: Dataset,
    classes: readonly string[],
    tfms: Tfms,
    opts: BunchOptions = {},
  ) {
    checkOptions("ImageClassifierData", opts, BUNCH_SPEC);
    this.classes = [...classes];
    this.bs = opts.bs ?? 64;
    const common = { batchSize: this.bs, seed: opts.seed ?? 0, prefetch: opts.prefetch };
    this.train = new DataLoader(train, {
      ...common,
      shuffle: opts.shuffle ?? true,
      dropLast: opts.dropLast,
      tfm: tfms.train,
    });
    this.valid = new DataLoader(valid, { ...common, shuffle: false, tfm: tfms.valid });
  }

  /** Number of classes. */
  get c(): number {
    return this.classes.length;
  }
  /** Image side length of the batches. */
  get sz(): number {
    return this.train.tfm.height;
  }
  /** Channels of the batches. */
  get channels(): number {
    return this.train.tfm.channels;
  }

  /**
   * From in-memory CHW images (uint8 0..255 or float32 0..1) and labels.
   *
   * @example
   * ```ts
   * import { ImageClassifierData } from "./mod.ts";
   * const x = new Uint8Array(10 * 3 * 8 * 8), y = new Int32Array(10);
   * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 8, 8], bs: 4 });
   * ```
   */
  static fromArrays(
    opts: BunchOptions & {
      train: [Pixels, ArrayLike<number>];
      valid: [Pixels, ArrayLike<number>];
      shape: ChwShape;
      classes?: readonly string[];
      stats?: Stats;
    },
  ): ImageClassifierData {
    checkOptions("ImageClassifierData.fromArrays", opts ?? null, FROM_ARRAYS_SPEC);
    requireOptions("ImageClassifierData.fromArrays", opts, ["train", "valid", "shape"]);
    const train = new ArrayDataset(opts.train[0], opts.train[1], opts.shape);
    const valid = new ArrayDataset(opts.valid[0], opts.valid[1], opts.shape);
    let nc = 0;
    for (const l of [...train.labels, ...valid.labels]) nc = Math.max(nc, l + 1);
    const classes = opts.classes ?? Array.from({ length: nc }, (_, i) => String(i));
    if (classes.length < nc) {
      throw new RangeError(
        `fromArrays: labels go up to ${nc - 1} but only ${classes.length} classes were given`,
      );
    }
    const [c, h] = opts.shape;
    const tfms = opts.tfms ??
      tfmsFromStats(opts.stats ?? [new Array(c).fill(0), new Array(c).fill(1)], h);
    return new ImageClassifierData(train, valid, classes, tfms, pickOptions(opts, BUNCH_SPEC));
  }

  /**
   * fastai `from_paths`: `root/<trnName>/<class>/*` and `root/<valName>/<class>/*`. Classes are the sorted
   * training sub-folders. Images are decoded lazily (`preload: true` decodes all up front).
   *
   * @example
   * ```ts
   * import { ImageClassifierData } from "./mod.ts";
   * const data = ImageClassifierData.fromPaths("data/cifar10", { valName: "test", bs: 64 });
   * ```
   */
  static fromPaths(root: string, opts: BunchOptions & {
    trnName?: string;
    valName?: string;
    channels?: 1 | 3;
    preload?: boolean;
  } = {}): ImageClassifierData {
    checkOptions("ImageClassifierData.fromPaths", opts, FROM_PATHS_SPEC);
    const channels = opts.channels ?? opts.tfms?.train.channels ?? 3;
    if (channels !== 1 && channels !== 3) {
      throw new RangeError(`fromPaths: expected channels 1 or 3, got ${channels}`);
    }
    const train = new ImageFolder(`${root}/${opts.trnName ?? "train"}`, {
      channels,
      preload: opts.preload,
    });
    const valid = new ImageFolder(`${root}/${opts.valName ?? "valid"}`, {
      channels,
      classes: train.classes,
      preload: opts.preload,
    });
    const tfms = opts.tfms ??
      tfmsFromStats([new Array(channels).fill(0.5), new Array(channels).fill(0.25)], 32);
    return new ImageClassifierData(
      train,
      valid,
      train.classes,
      tfms,
      pickOptions(opts, BUNCH_SPEC),
    );
  }

  /**
   * Fashion-MNIST (or any MNIST-layout folder via `fromIdx`): 1 channel 28x28; `channels: 3` replicates the
   * gray channel, `sz: 32` resizes (default) or zero-pads (`fit: "pad"`) to CIFAR's shape.
   *
   * @example
   * ```ts
   * import { ImageClassifierData } from "./mod.ts";
   * const data = await ImageClassifierData.fashionMnist({ sz: 32, channels: 3, bs: 128 });
   * ```
   */
  static async fashionMnist(
    opts: MnistBunchOptions & LoadFashionMnistOptions = {},
  ): Promise<ImageClassifierData> {
    checkOptions("ImageClassifierData.fashionMnist", opts, {
      ...MNIST_BUNCH_SPEC,
      ...FASHION_MNIST_SPEC,
    });
    const ds = await loadFashionMnist(pickOptions(opts, FASHION_MNIST_SPEC));
    return mnistBunch(ds.train, ds.test, ds.classes, FASHION_MNIST_STATS, opts);
  }

  /**
   * An MNIST-layout folder (`train-images-idx3-ubyte[.gz]` and the three others).
   *
   * @example
   * ```ts
   * import { ImageClassifierData } from "./mod.ts";
   * const data = await ImageClassifierData.fromIdx("data/mnist", { bs: 128 });
   * ```
   */
  static async fromIdx(
    dir: string,
    opts: MnistBunchOptions & { classes?: readonly string[]; stats?: Stats } = {},
  ): Promise<ImageClassifierData> {
    checkOptions("ImageClassifierData.fromIdx", opts, FROM_IDX_SPEC);
    const ds = await readMnistFolder(dir, opts.classes);
    return mnistBunch(ds.train, ds.test, ds.classes, opts.stats ?? [[0.5], [0.25]], opts);
  }

  /**
   * An MNIST-layout dataset from the bytes of its four IDX files (gzipped or not): the browser's
   * `fromIdx`/`fashionMnist`, for bytes from `fetch` or user-picked `File`s. Fashion-MNIST's class
   * names and stats by default.
   *
   * @example
   * ```ts
   * import { FASHION_MNIST_FILES, ImageClassifierData } from "./mod.ts";
   * const get = async (f: string) => new Uint8Array(await (await fetch(`data/${f}`)).arrayBuffer());
   * const data = await ImageClassifierData.fromMnistBytes({
   *   trainImages: await get(FASHION_MNIST_FILES.trainImages),
   *   trainLabels: await get(FASHION_MNIST_FILES.trainLabels),
   *   testImages: await get(FASHION_MNIST_FILES.testImages),
   *   testLabels: await get(FASHION_MNIST_FILES.testLabels),
   * }, { bs: 64 });
   * ```
   */
  static async fromMnistBytes(
    files: MnistBytes,
    opts: MnistBunchOptions & { classes?: readonly string[]; stats?: Stats } = {},
  ): Promise<ImageClassifierData> {
    const ds = await mnistFromBytes(files, opts.classes ?? FASHION_MNIST_CLASSES);
    return mnistBunch(ds.train, ds.test, ds.classes, opts.stats ?? FASHION_MNIST_STATS, opts);
  }

  /**
   * CIFAR-10 binary batches; default transforms: the notebook's (`randomFlip`, pad `sz/8`, CIFAR stats).
   *
   * @example
   * ```ts
   * import { ImageClassifierData } from "./mod.ts";
   * const data = await ImageClassifierData.fromCifar10({ path: "data/cifar-10-batches-bin", bs: 64 });
   * ```
   */
  static async fromCifar10(
    opts: BunchOptions & LoadCifar10Options & { sz?: number } = {},
  ): Promise<ImageClassifierData> {
    checkOptions("ImageClassifierData.fromCifar10", opts, {
      ...BUNCH_SPEC,
      ...CIFAR10_SPEC,
      sz: "number",
    });
    const ds = await loadCifar10(pickOptions(opts, CIFAR10_SPEC));
    const shape: ChwShape = [3, 32, 32];
    const tfms = opts.tfms ?? tfmsFromStats(CIFAR10_STATS, opts.sz ?? 32);
    return new ImageClassifierData(
      new ArrayDataset(ds.train.images, ds.train.labels, shape),
      new ArrayDataset(ds.test.images, ds.test.labels, shape),
      ds.classes.length === 10 ? ds.classes : CIFAR10_CLASSES,
      tfms,
      pickOptions(opts, BUNCH_SPEC),
    );
  }
}

/** Options of the MNIST-layout constructors. */
export interface MnistBunchOptions extends BunchOptions {
  /** Output side, default 28 (or `tfms.sz`). */
  sz?: number;
  /** 1 (default) or 3 (gray replicated). */
  channels?: 1 | 3;
  /** How 28 becomes `sz`: bilinear `"resize"` (default) or centred zero `"pad"` (sz >= 28). */
  fit?: "resize" | "pad";
}

function padSplit(s: MnistSplit, sz: number): Uint8Array {
  const { n, rows, cols } = s,
    top = Math.floor((sz - rows) / 2),
    left = Math.floor((sz - cols) / 2);
  const out = new Uint8Array(n * sz * sz);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      const from = (i * rows + r) * cols;
      out.set(s.images.subarray(from, from + cols), (i * sz + top + r) * sz + left);
    }
  }
  return out;
}

function mnistBunch(
  train: MnistSplit,
  test: MnistSplit,
  classes: readonly string[],
  stats: Stats,
  opts: MnistBunchOptions,
): ImageClassifierData {
  const sz = opts.sz ?? opts.tfms?.sz ?? train.rows;
  if (opts.tfms && opts.tfms.sz !== sz) {
    throw new RangeError(`sz ${sz} differs from tfms.sz ${opts.tfms.sz}`);
  }
  const channels = opts.channels ?? opts.tfms?.train.channels ?? 1;
  const tfms = opts.tfms ?? tfmsFromStats(stats, sz, { channels });
  if (tfms.train.channels !== channels) {
    throw new RangeError(
      `channels ${channels} differs from the tfms' ${tfms.train.channels} channels`,
    );
  }
  const pad = opts.fit === "pad" && sz !== train.rows;
  if (pad && (sz < train.rows || sz < train.cols)) {
    throw new RangeError(`fit "pad" needs sz >= ${train.rows}, got ${sz}; use fit "resize"`);
  }
  const mk = (s: MnistSplit) =>
    pad
      ? new ArrayDataset(padSplit(s, sz), s.labels, [1, sz, sz])
      : new ArrayDataset(s.images, s.labels, [1, s.rows, s.cols]);
  return new ImageClassifierData(mk(train), mk(test), classes, tfms, pickOptions(opts, BUNCH_SPEC));
}
