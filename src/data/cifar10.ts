/**
 * CIFAR-10 binary version (`cifar-10-batches-bin`): each record is 1 label byte then 3072 pixel bytes, CHW
 * (1024 red, 1024 green, 1024 blue, each row-major 32x32).
 * @module
 */

import { checkOptions } from "../_options.ts";
import { CIFAR10_SPEC } from "./_specs.ts";
import { joinPath as join, needDeno } from "../_platform.ts";
import { DatasetFormatError, DatasetNotFoundError } from "./errors.ts";

/** CIFAR-10 class names, by label (as in `batches.meta.txt`). */
export const CIFAR10_CLASSES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

const CIFAR_IN_BROWSER =
  "In a browser, fetch the .bin batches and pass their bytes to parseCifar10Batch, then the images to ImageClassifierData.fromArrays.";

/** Bytes per record: 1 label + 3 x 32 x 32 pixels. */
export const CIFAR10_RECORD_BYTES = 3073;

/** A set of CIFAR images: `images` is `[n, 3, 32, 32]` uint8 (CHW per image). */
export interface CifarSplit {
  /** Pixels `[n, 3, 32, 32]` uint8, CHW per image. */
  images: Uint8Array;
  /** Class indices 0..9, one per image. */
  labels: Uint8Array;
  /** Number of images. */
  n: number;
}

/** A loaded CIFAR-10. */
export interface Cifar10Dataset {
  /** The training batches (`data_batch_1..5.bin`: 50,000 images by default). */
  train: CifarSplit;
  /** The test batch (`test_batch.bin`: 10,000 images by default). */
  test: CifarSplit;
  /** Class names indexed by label (from `batches.meta.txt` if present, else `CIFAR10_CLASSES`). */
  classes: string[];
}

/**
 * Parses one binary batch; `name` labels errors (size not a multiple of 3073, label > 9).
 *
 * @example
 * ```ts
 * import { parseCifar10Batch } from "./mod.ts";
 * const b = parseCifar10Batch(await Deno.readFile("data_batch_1.bin"), "data_batch_1.bin");
 * console.log(b.n); // 10000
 * ```
 */
export function parseCifar10Batch(bytes: Uint8Array, name = "<buffer>"): CifarSplit {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    const n = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
    throw new DatasetFormatError(
      name,
      `size ${bytes.length} bytes is not a positive multiple of the ${CIFAR10_RECORD_BYTES}-byte ` +
        `CIFAR-10 record (1 label + 3072 pixels): ${n} whole records and ` +
        `${
          bytes.length - n * CIFAR10_RECORD_BYTES
        } extra bytes (truncated or not a CIFAR-10 binary batch)`,
    );
  }
  const n = bytes.length / CIFAR10_RECORD_BYTES;
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * CIFAR10_RECORD_BYTES;
    const l = bytes[o]!;
    if (l > 9) {
      throw new DatasetFormatError(
        name,
        `record ${i} has label ${l}, expected 0..9 (not CIFAR-10?)`,
      );
    }
    labels[i] = l;
    images.set(bytes.subarray(o + 1, o + CIFAR10_RECORD_BYTES), i * 3072);
  }
  return { images, labels, n };
}

/**
 * Reads and concatenates binary batch files.
 *
 * @example
 * ```ts
 * import { readCifar10Batches } from "./mod.ts";
 * const test = await readCifar10Batches(["cifar-10-batches-bin/test_batch.bin"]);
 * ```
 */
export async function readCifar10Batches(files: readonly string[]): Promise<CifarSplit> {
  if (files.length === 0) {
    throw new RangeError("readCifar10Batches: expected at least one file, got none");
  }
  const parts: CifarSplit[] = [];
  const D = needDeno("readCifar10Batches", CIFAR_IN_BROWSER);
  for (const f of files) parts.push(parseCifar10Batch(await D.readFile(f), f));
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((a, p) => a + p.n, 0);
  const images = new Uint8Array(n * 3072), labels = new Uint8Array(n);
  let k = 0;
  for (const p of parts) {
    images.set(p.images, k * 3072);
    labels.set(p.labels, k);
    k += p.n;
  }
  return { images, labels, n };
}

/** Options of {@link loadCifar10}. */
export interface LoadCifar10Options {
  /** `cifar-10-batches-bin` folder, or a folder containing it. */
  path?: string;
  /** Explicit training batch files (instead of `data_batch_1.bin` ... `data_batch_5.bin`). */
  trainFiles?: readonly string[];
  /** Explicit test batch files (instead of `test_batch.bin`). */
  testFiles?: readonly string[];
}

function isFile(p: string): boolean {
  try {
    return needDeno("loadCifar10", CIFAR_IN_BROWSER).statSync(p).isFile;
  } catch (e) {
    if (e instanceof TypeError && /needs Deno/.test(e.message)) throw e;
    return false;
  }
}

/**
 * Loads CIFAR-10 from its binary batches. Class names come from `batches.meta.txt` when present.
 *
 * @example
 * ```ts
 * import { loadCifar10 } from "./mod.ts";
 * const { train, test, classes } = await loadCifar10({ path: "data/cifar-10-batches-bin" });
 * ```
 */
export async function loadCifar10(opts: LoadCifar10Options = {}): Promise<Cifar10Dataset> {
  checkOptions("loadCifar10", opts, CIFAR10_SPEC);
  let dir = opts.path;
  if (dir !== undefined && isFile(join(dir, "cifar-10-batches-bin", "test_batch.bin"))) {
    dir = join(dir, "cifar-10-batches-bin");
  }
  const trainFiles = opts.trainFiles ??
    (dir === undefined ? [] : [1, 2, 3, 4, 5].map((i) => join(dir, `data_batch_${i}.bin`)));
  const testFiles = opts.testFiles ?? (dir === undefined ? [] : [join(dir, "test_batch.bin")]);
  if (trainFiles.length === 0 || testFiles.length === 0) {
    throw new DatasetNotFoundError(
      "loadCifar10: pass { path } (the cifar-10-batches-bin folder from " +
        "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz) or both { trainFiles, testFiles }",
    );
  }
  const missing = [...trainFiles, ...testFiles].filter((f) => !isFile(f));
  if (missing.length) {
    throw new DatasetNotFoundError(
      `CIFAR-10 binary batches missing: ${missing.join(", ")}. Download and extract ` +
        "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and pass the cifar-10-batches-bin folder as { path }.",
    );
  }
  let classes = [...CIFAR10_CLASSES];
  const meta = dir === undefined ? undefined : join(dir, "batches.meta.txt");
  if (meta && isFile(meta)) {
    const names = (await needDeno("loadCifar10", CIFAR_IN_BROWSER).readTextFile(meta)).split(
      /\r?\n/,
    ).map((s) => s.trim()).filter(
      Boolean,
    );
    if (names.length === 10) classes = names;
  }
  return {
    train: await readCifar10Batches(trainFiles),
    test: await readCifar10Batches(testFiles),
    classes,
  };
}
