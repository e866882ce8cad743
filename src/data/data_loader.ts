/**
 * `DataLoader`: batches of a `Dataset`, transformed into NCHW float32, with seeded per-epoch shuffling and a
 * prefetch of the next batch(es) while the consumer works on the current one.
 * @module
 */

import { checkOptions } from "../_options.ts";
import { DATA_LOADER_SPEC } from "./_specs.ts";
import { mixSeed, Rng } from "./_rng.ts";
import { nextMacrotask } from "./_macrotask.ts";
import type { Dataset, Sample } from "./dataset.ts";
import { ImageTransform } from "./transforms.ts";

/** A CPU batch: `x` is `[n, c, h, w]` float32 (normalised), `y` the `n` labels. */
export interface Batch {
  /** Images `[n, c, h, w]` float32, normalised by the transform. */
  x: Float32Array;
  /** The `n` labels. */
  y: Int32Array;
  /** `[n, c, h, w]` of `x` (`n` may be smaller than the batch size for the last batch). */
  shape: [number, number, number, number];
  /** Index of this batch in the epoch. */
  index: number;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Samples per batch, default 64. */
  batchSize?: number;
  /** Shuffle each epoch (a new order per epoch, reproducible from `seed`). Default false. */
  shuffle?: boolean;
  /** Seed of the shuffling and of the random augmentations, default 0. */
  seed?: number;
  /** Drop the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Per-image transform; default: the images as they are, uint8 scaled to 0..1 (needs `dataset.shape`). */
  tfm?: ImageTransform;
  /** Batches prepared ahead of the consumer, default 1 (0: prepare on demand). */
  prefetch?: number;
}

interface Slot {
  x: Float32Array;
  y: Int32Array;
}

/**
 * Iterates a dataset in batches. Each `for await` over the loader is one epoch; the epoch counter advances
 * by itself (or set `loader.epoch`). A yielded batch's buffers are reused (a ring of `prefetch + 1`): a batch
 * stays valid until the loop asks for the next one, so upload or copy it before then. At most one iteration
 * may run at a time.
 *
 * @example
 * ```ts
 * import { ArrayDataset, DataLoader, tfmsFromStats, randomFlip } from "./mod.ts";
 * const ds = new ArrayDataset(new Uint8Array(100 * 784), new Int32Array(100), [1, 28, 28]);
 * const tfms = tfmsFromStats([[0.286], [0.353]], 28, { augTfms: [randomFlip()], pad: 4 });
 * const dl = new DataLoader(ds, { batchSize: 32, shuffle: true, seed: 1, tfm: tfms.train });
 * for await (const { x, y, shape } of dl) console.log(shape, x.length, y.length);
 * ```
 */
export class DataLoader {
  /** The dataset read. */
  readonly dataset: Dataset;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the samples in a new (seeded) order. */
  readonly shuffle: boolean;
  /** Seed of the shuffling and of the random augmentations. */
  readonly seed: number;
  /** Whether a last batch smaller than `batchSize` is dropped. */
  readonly dropLast: boolean;
  /** Batches prepared ahead of the consumer (0: on demand). */
  readonly prefetch: number;
  /** Per-image transform into normalised float32 CHW. */
  readonly tfm: ImageTransform;
  /** The epoch the next iteration runs (its shuffle order and augmentations); advances after each. */
  epoch = 0;
  #slots: Slot[] = [];
  #busy = false;

  /**
   * Creates a loader; see {@link DataLoaderOptions} for the defaults.
   *
   * @param dataset The samples to batch.
   * @param opts Batch size, shuffling, seed, transform, prefetch.
   * @throws {RangeError} On a batch size < 1 or a negative prefetch.
   * @throws {TypeError} When no `tfm` is given and the dataset has no fixed `shape`.
   */
  constructor(dataset: Dataset, opts: DataLoaderOptions = {}) {
    checkOptions("DataLoader", opts, DATA_LOADER_SPEC);
    this.dataset = dataset;
    this.batchSize = opts.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`DataLoader: expected an integer batchSize >= 1, got ${opts.batchSize}`);
    }
    this.shuffle = opts.shuffle ?? false;
    this.seed = opts.seed ?? 0;
    this.dropLast = opts.dropLast ?? false;
    this.prefetch = opts.prefetch ?? 1;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 0) {
      throw new RangeError(`DataLoader: expected an integer prefetch >= 0, got ${opts.prefetch}`);
    }
    if (opts.tfm) this.tfm = opts.tfm;
    else {
      const shape = dataset.shape;
      if (!shape) {
        throw new TypeError(
          "DataLoader: the dataset has no fixed shape; pass a tfm (e.g. from tfmsFromStats)",
        );
      }
      const [c, h, w] = shape;
      this.tfm = new ImageTransform({
        size: [h, w],
        stats: [new Array(c).fill(0), new Array(c).fill(1)],
      });
    }
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The shape of a full batch, `[batchSize, c, h, w]`. */
  get batchShape(): [number, number, number, number] {
    return [this.batchSize, ...this.tfm.outShape];
  }

  /** Sample indices in the order epoch `epoch` visits them. */
  order(epoch: number = this.epoch): Uint32Array {
    const idx = new Uint32Array(this.dataset.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    if (this.shuffle) new Rng(mixSeed(this.seed, epoch, 0x5eed)).shuffle(idx);
    return idx;
  }

  #slot(k: number): Slot {
    while (this.#slots.length <= k) {
      this.#slots.push({
        x: new Float32Array(this.batchSize * this.tfm.outSize),
        y: new Int32Array(this.batchSize),
      });
    }
    return this.#slots[k]!;
  }

  async #fill(slot: Slot, order: Uint32Array, epoch: number, b: number): Promise<Batch> {
    const start = b * this.batchSize;
    const n = Math.min(this.batchSize, order.length - start);
    const raw: (Sample | Promise<Sample>)[] = new Array(n);
    let async = false;
    for (let k = 0; k < n; k++) {
      raw[k] = this.dataset.get(order[start + k]!);
      if (raw[k] instanceof Promise) async = true;
    }
    const samples = (async ? await Promise.all(raw) : raw) as Sample[];
    const rng = new Rng(mixSeed(this.seed, epoch, b + 1));
    const size = this.tfm.outSize;
    for (let k = 0; k < n; k++) {
      const s = samples[k]!;
      const shape = s.shape ?? this.dataset.shape;
      if (!shape) {
        throw new TypeError(
          `DataLoader: sample ${order[start + k]} has no shape and the dataset none`,
        );
      }
      this.tfm.apply(s.image, shape, slot.x, k * size, rng);
      slot.y[k] = s.label;
    }
    const full = n === this.batchSize;
    return {
      x: full ? slot.x : slot.x.subarray(0, n * size),
      y: full ? slot.y : slot.y.subarray(0, n),
      shape: [n, ...this.tfm.outShape],
      index: b,
    };
  }

  /** One epoch of batches (the current `epoch`, which then advances). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Batch, void, undefined> {
    if (this.#busy) {
      throw new Error(
        "DataLoader: an iteration is already running; finish or break it before starting another",
      );
    }
    this.#busy = true;
    const epoch = this.epoch++;
    const order = this.order(epoch);
    const nb = this.length, ring = this.prefetch + 1;
    const pending: Promise<Batch>[] = [];
    const launch = (b: number) => {
      const p = nextMacrotask().then(() => this.#fill(this.#slot(b % ring), order, epoch, b));
      p.catch(() => {}); // surfaced when awaited
      pending.push(p);
    };
    try {
      let next = 0;
      for (let b = 0; b < nb; b++) {
        if (pending.length === 0) {
          pending.push(this.#fill(this.#slot(b % ring), order, epoch, b));
          next = b + 1;
        }
        const batch = await pending.shift()!;
        while (next < nb && next <= b + this.prefetch) launch(next++);
        yield batch;
      }
    } finally {
      await Promise.allSettled(pending);
      this.#busy = false;
    }
  }
}
