/**
 * The fastai / torchvision folder layout: `root/<split>/<class>/<image>.png|jpg`. Classes are the sorted
 * sub-folder names of the training split; images are decoded lazily (or all at once with `preload`).
 * @module
 */

import { checkOptions } from "../_options.ts";
import { IMAGE_FOLDER_SPEC } from "./_specs.ts";
import { extName as extname, joinPath as join, needDeno } from "../_platform.ts";
import { DatasetFormatError, DatasetNotFoundError } from "./errors.ts";
import { type DecodedImage, decodeImage, IMAGE_EXTENSIONS } from "./image_decode.ts";
import type { Dataset, Sample } from "./dataset.ts";

/** Options of {@link ImageFolder}. */
export interface ImageFolderOptions {
  /** 3 (RGB, default) or 1 (luma). */
  channels?: 1 | 3;
  /** Class names to use (default: sorted sub-folders of `dir`). Sub-folders outside this list are an error. */
  classes?: readonly string[];
  /** Decode every image now (errors surface here, epochs get faster, memory grows). Default false. */
  preload?: boolean;
}

function listDir(dir: string): Deno.DirEntry[] {
  const D = needDeno(
    "ImageFolder",
    "In a browser, decode user-picked Files with decodeImage and pass the pixels to ImageClassifierData.fromArrays.",
  );
  try {
    return [...D.readDirSync(dir)];
  } catch (e) {
    if (e instanceof D.errors.NotFound) {
      throw new DatasetNotFoundError(`Image folder ${dir} does not exist`);
    }
    throw e;
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One split of an image-folder dataset: `dir/<class>/*.png|jpg`.
 * An empty class folder, a class unknown to `classes`, an unreadable or corrupt image: all raise errors
 * naming the folder or file.
 *
 * @example
 * ```ts
 * import { ImageFolder } from "./mod.ts";
 * const train = new ImageFolder("data/cifar10/train");
 * const valid = new ImageFolder("data/cifar10/test", { classes: train.classes });
 * const { image, label, shape } = train.get(0);
 * ```
 */
export class ImageFolder implements Dataset {
  /** The split's folder. */
  readonly dir: string;
  /** Class names indexed by label. */
  readonly classes: string[];
  /** Channels of the decoded images: 3 (RGB) or 1 (luma). */
  readonly channels: 1 | 3;
  /** Image paths, class by class, sorted within a class. */
  readonly files: string[] = [];
  /** Label of each file in `files`. */
  readonly labels: Int32Array;
  #cache: (DecodedImage | undefined)[] = [];

  /**
   * Lists the class folders and their images (decoding them all if `preload`).
   *
   * @param dir Folder holding one sub-folder per class.
   * @param opts Channels, classes and preloading.
   * @throws {DatasetNotFoundError} When `dir` does not exist or has no class sub-folders.
   * @throws {DatasetFormatError} On an unknown or empty class folder, or (with `preload`) an
   *   unreadable image.
   */
  constructor(dir: string, opts: ImageFolderOptions = {}) {
    checkOptions("ImageFolder", opts, IMAGE_FOLDER_SPEC);
    this.dir = dir;
    this.channels = opts.channels ?? 3;
    if (this.channels !== 1 && this.channels !== 3) {
      throw new RangeError(`ImageFolder: expected channels 1 or 3, got ${this.channels}`);
    }
    const subdirs = listDir(dir).filter((e) => e.isDirectory && !e.name.startsWith("."))
      .map((e) => e.name).sort(byName);
    if (subdirs.length === 0) {
      throw new DatasetNotFoundError(
        `Image folder ${dir} has no class sub-folders (expected ${dir}/<class>/*.png)`,
      );
    }
    this.classes = opts.classes ? [...opts.classes] : subdirs;
    const unknown = subdirs.filter((d) => !this.classes.includes(d));
    if (unknown.length) {
      throw new DatasetFormatError(
        join(dir, unknown[0]!),
        `class folder not among the ${this.classes.length} known classes (${
          this.classes.join(", ")
        })`,
      );
    }
    const labels: number[] = [];
    for (const cls of subdirs) {
      const cdir = join(dir, cls);
      const entries = listDir(cdir).filter((e) => !e.name.startsWith("."));
      const images = entries.filter((e) => IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
        .map((e) => e.name).sort(byName);
      if (images.length === 0) {
        throw new DatasetFormatError(
          cdir,
          `class folder '${cls}' has no images (${IMAGE_EXTENSIONS.join(", ")}); ` +
            `it holds ${entries.length} other entries. Remove the folder or add images.`,
        );
      }
      const label = this.classes.indexOf(cls);
      for (const f of images) {
        this.files.push(join(cdir, f));
        labels.push(label);
      }
    }
    this.labels = Int32Array.from(labels);
    if (opts.preload) {
      for (let i = 0; i < this.files.length; i++) {
        this.#cache[i] = this.#decode(i);
      }
    }
  }

  /** Number of images. */
  get length(): number {
    return this.files.length;
  }

  #decode(i: number): DecodedImage {
    const file = this.files[i]!;
    let bytes: Uint8Array;
    try {
      bytes = needDeno("ImageFolder", "").readFileSync(file);
    } catch (e) {
      throw new DatasetFormatError(file, `cannot read image (${(e as Error).message})`, {
        cause: e,
      });
    }
    return decodeImage(bytes, file, this.channels);
  }

  /** Decodes image `i` (CHW uint8, its own size) with its label. */
  get(i: number): Sample {
    if (!(i >= 0 && i < this.files.length)) {
      throw new RangeError(`ImageFolder index ${i} out of range [0, ${this.files.length})`);
    }
    const img = this.#cache[i] ?? this.#decode(i);
    return { image: img.data, shape: img.shape, label: this.labels[i]! };
  }
}
