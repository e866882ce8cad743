/**
 * The dataset interface the `DataLoader` reads, and `ArrayDataset` over in-memory arrays.
 * @module
 */

import type { ChwShape, Pixels } from "./image_ops.ts";

/** One sample of a dataset: a CHW image and its label. */
export interface Sample {
  /** CHW pixels: uint8 0..255 or float32 0..1. */
  image: Pixels;
  /** Class index. */
  label: number;
  /** `[c, h, w]` of this image; defaults to the dataset's `shape`. */
  shape?: ChwShape;
}

/**
 * A random-access dataset the `DataLoader` reads. `get` may return a promise (e.g. when it reads a file).
 * `shape` is required when samples do not carry their own.
 */
export interface Dataset {
  /** Number of samples. */
  readonly length: number;
  /** `[c, h, w]` shared by every sample; required when samples do not carry their own `shape`. */
  readonly shape?: ChwShape;
  /** Sample `i`, `0 <= i < length`. */
  get(i: number): Sample | Promise<Sample>;
}

/**
 * `n` same-sized CHW images stored back to back (uint8 0..255 or float32 0..1) with their labels.
 * `get` returns views, so reading allocates no pixel memory.
 *
 * @example
 * ```ts
 * import { ArrayDataset } from "./mod.ts";
 * const ds = new ArrayDataset(new Uint8Array(2 * 28 * 28), [3, 7], [1, 28, 28]);
 * console.log(ds.length, ds.get(1).label); // 2 7
 * ```
 */
export class ArrayDataset implements Dataset {
  /** All pixels, image after image (`[n, c, h, w]`). */
  readonly images: Pixels;
  /** Class index of each image. */
  readonly labels: Int32Array;
  /** `[c, h, w]` of every image. */
  readonly shape: ChwShape;
  readonly #size: number;

  /**
   * Wraps the arrays (no pixel copy; labels are copied to an `Int32Array`).
   *
   * @param images `labels.length` CHW images back to back, uint8 0..255 or float32 0..1.
   * @param labels Class indices (integers >= 0).
   * @param shape `[c, h, w]` of each image.
   * @throws {RangeError} On a non-positive shape or a label that is not an integer >= 0.
   * @throws {TypeError} When `images` does not hold `labels.length` images of `shape`.
   */
  constructor(images: Pixels, labels: ArrayLike<number>, shape: ChwShape) {
    const [c, h, w] = shape;
    if (![c, h, w].every((v) => Number.isInteger(v) && v > 0)) {
      throw new RangeError(`ArrayDataset: expected a positive [c, h, w] shape, got [${shape}]`);
    }
    this.#size = c * h * w;
    if (images.length !== labels.length * this.#size) {
      throw new TypeError(
        `ArrayDataset: ${labels.length} labels of shape [${shape}] need ${
          labels.length * this.#size
        } ` +
          `pixel values, got ${images.length}`,
      );
    }
    for (let i = 0; i < labels.length; i++) {
      if (!Number.isInteger(labels[i]) || labels[i]! < 0) {
        throw new RangeError(
          `ArrayDataset: expected labels to be integers >= 0, got ${labels[i]} at ${i}`,
        );
      }
    }
    this.images = images;
    this.labels = Int32Array.from(labels);
    this.shape = shape;
  }

  /** Number of samples. */
  get length(): number {
    return this.labels.length;
  }

  /** Sample `i` (a view into `images`). */
  get(i: number): Sample {
    if (!(i >= 0 && i < this.labels.length)) {
      throw new RangeError(`ArrayDataset index ${i} out of range [0, ${this.labels.length})`);
    }
    const s = this.#size;
    return { image: this.images.subarray(i * s, (i + 1) * s), label: this.labels[i]! };
  }
}
