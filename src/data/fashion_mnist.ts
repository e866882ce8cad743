/**
 * Fashion-MNIST (Zalando): 60,000 train + 10,000 test grayscale 28x28 images in 10 classes, IDX format.
 * Looked up in `/usr/share/datasets/fashion-mnist` (Debian `dataset-fashion-mnist`), then in
 * `~/.cache/tempo/fashion-mnist`; downloaded once into the cache when missing and the network works.
 * @module
 */

import { checkOptions } from "../_options.ts";
import { FASHION_MNIST_SPEC } from "./_specs.ts";
import { deno, joinPath as join, needDeno } from "../_platform.ts";
import { DatasetFormatError, DatasetNotFoundError } from "./errors.ts";
import {
  decodeIdx,
  type IdxImages,
  idxImages,
  idxLabels,
  readIdxImages,
  readIdxLabels,
} from "./idx.ts";

/** Fashion-MNIST class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** The four official file names (each may also be stored without `.gz`). */
export const FASHION_MNIST_FILES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
} as const;

/** Canonical download locations, tried in order (Zalando's S3 bucket, then the GitHub repository). */
export const FASHION_MNIST_MIRRORS: readonly string[] = [
  "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
  "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
];

/** One split: `n` uint8 images `[n, rows, cols]` (row-major) and their labels. */
export interface MnistSplit {
  /** Pixels `[n, rows, cols]` uint8, row-major. */
  images: Uint8Array;
  /** Class indices, one per image. */
  labels: Uint8Array;
  /** Number of images. */
  n: number;
  /** Image height in pixels. */
  rows: number;
  /** Image width in pixels. */
  cols: number;
}

/** A loaded Fashion-MNIST (or any MNIST-layout) dataset. */
export interface MnistDataset {
  /** The training split. */
  train: MnistSplit;
  /** The test split. */
  test: MnistSplit;
  /** Class names indexed by label. */
  classes: string[];
  /** The folder the files were read from. */
  path: string;
}

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /** Folder holding the four files. When given, only this folder is used (no search, no download). */
  path?: string;
  /** Download into the cache when not found (default `true`). */
  download?: boolean;
  /** Cache folder (default `$XDG_CACHE_HOME/tempo/fashion-mnist` or `~/.cache/tempo/fashion-mnist`). */
  cacheDir?: string;
  /** Folders searched, in order (default: `/usr/share/datasets/fashion-mnist`, then `cacheDir`). */
  searchDirs?: readonly string[];
  /** Base URLs to download from (default {@link FASHION_MNIST_MIRRORS}). */
  mirrors?: readonly string[];
  /** Where progress lines go (default: stderr). */
  log?: (line: string) => void;
}

/** The default cache folder `~/.cache/tempo/fashion-mnist` (honours `XDG_CACHE_HOME`). */
export function defaultCacheDir(name = "fashion-mnist"): string {
  const env = deno()?.env;
  const xdg = env?.get("XDG_CACHE_HOME");
  const home = env?.get("HOME") ?? env?.get("USERPROFILE") ?? ".";
  return join(xdg || join(home, ".cache"), "tempo", name);
}

function existing(dir: string, file: string): string | undefined {
  for (const f of [file, file.replace(/\.gz$/, "")]) {
    try {
      if (needDeno("loadFashionMnist", MNIST_IN_BROWSER).statSync(join(dir, f)).isFile) {
        return join(dir, f);
      }
    } catch (e) {
      if (e instanceof TypeError && /needs Deno/.test(e.message)) throw e; // not there otherwise
    }
  }
  return undefined;
}

function findAll(dir: string): Record<keyof typeof FASHION_MNIST_FILES, string> | string[] {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const [k, f] of Object.entries(FASHION_MNIST_FILES)) {
    const p = existing(dir, f);
    if (p) found[k] = p;
    else missing.push(f);
  }
  return missing.length ? missing : found as Record<keyof typeof FASHION_MNIST_FILES, string>;
}

async function download(
  dir: string,
  mirrors: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  const D = needDeno("loadFashionMnist", MNIST_IN_BROWSER);
  await D.mkdir(dir, { recursive: true });
  for (const file of Object.values(FASHION_MNIST_FILES)) {
    if (existing(dir, file)) continue;
    const errors: string[] = [];
    let done = false;
    for (const base of mirrors) {
      const url = base + file;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          throw new Error(`HTTP ${res.status}`);
        }
        const total = Number(res.headers.get("content-length") ?? 0);
        const chunks: Uint8Array[] = [];
        let got = 0, shown = -1;
        for await (const c of res.body) {
          chunks.push(c);
          got += c.length;
          const pct = total ? Math.floor((100 * got) / total) : -1;
          if (pct >= shown + 10 || pct === 100) {
            shown = pct;
            log(`Downloading ${url}: ${(got / 1e6).toFixed(1)} MB${total ? ` (${pct}%)` : ""}`);
          }
        }
        const tmp = join(dir, `${file}.part${D.pid}`);
        await D.writeFile(
          tmp,
          new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()),
        );
        await D.rename(tmp, join(dir, file));
        done = true;
        break;
      } catch (e) {
        errors.push(`${url}: ${(e as Error).message}`);
      }
    }
    if (!done) throw new Error(`could not download ${file}: ${errors.join("; ")}`);
  }
}

const MNIST_IN_BROWSER =
  "In a browser, fetch the four IDX files and pass their bytes to ImageClassifierData.fromMnistBytes (or mnistFromBytes).";

async function readSplit(images: string, labels: string): Promise<MnistSplit> {
  return split(await readIdxImages(images), await readIdxLabels(labels), images, labels);
}

function split(im: IdxImages, lb: Uint8Array, images: string, labels: string): MnistSplit {
  if (lb.length !== im.n) {
    throw new DatasetFormatError(labels, `${lb.length} labels for ${im.n} images in ${images}`);
  }
  return { images: im.images, labels: lb, n: im.n, rows: im.rows, cols: im.cols };
}

/**
 * Reads an MNIST-layout folder (the four IDX files named as in {@link FASHION_MNIST_FILES}, gzipped or not).
 *
 * @example
 * ```ts
 * import { readMnistFolder } from "./mod.ts";
 * const ds = await readMnistFolder("/usr/share/datasets/fashion-mnist");
 * ```
 */
export async function readMnistFolder(
  dir: string,
  classes?: readonly string[],
): Promise<MnistDataset> {
  const f = findAll(dir);
  if (Array.isArray(f)) {
    throw new DatasetNotFoundError(`${dir} lacks ${f.join(", ")} (plain or .gz)`);
  }
  const train = await readSplit(f.trainImages, f.trainLabels);
  const test = await readSplit(f.testImages, f.testLabels);
  return checked(train, test, f, classes, dir);
}

/** The four IDX files of an MNIST-layout dataset as bytes (gzipped or not), e.g. from `fetch`. */
export interface MnistBytes {
  /** `train-images-idx3-ubyte[.gz]`. */
  trainImages: Uint8Array;
  /** `train-labels-idx1-ubyte[.gz]`. */
  trainLabels: Uint8Array;
  /** `t10k-images-idx3-ubyte[.gz]`. */
  testImages: Uint8Array;
  /** `t10k-labels-idx1-ubyte[.gz]`. */
  testLabels: Uint8Array;
}

/**
 * An MNIST-layout dataset from the bytes of its four IDX files (no file system: works in a
 * browser). `classes` default to `"0"`..`"9"`; `name` labels errors.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, mnistFromBytes } from "./mod.ts";
 * const get = async (f: string) => new Uint8Array(await (await fetch(`data/${f}`)).arrayBuffer());
 * const ds = await mnistFromBytes({
 *   trainImages: await get(FASHION_MNIST_FILES.trainImages),
 *   trainLabels: await get(FASHION_MNIST_FILES.trainLabels),
 *   testImages: await get(FASHION_MNIST_FILES.testImages),
 *   testLabels: await get(FASHION_MNIST_FILES.testLabels),
 * }, FASHION_MNIST_CLASSES);
 * ```
 */
export async function mnistFromBytes(
  files: MnistBytes,
  classes?: readonly string[],
  name = "<bytes>",
): Promise<MnistDataset> {
  const f = Object.fromEntries(
    Object.keys(FASHION_MNIST_FILES).map((k) => [k, `${name}:${k}`]),
  ) as Record<keyof MnistBytes, string>;
  for (const k of Object.keys(f) as (keyof MnistBytes)[]) {
    if (!(files?.[k] instanceof Uint8Array)) {
      throw new TypeError(
        `mnistFromBytes: expected ${k} as a Uint8Array, got ${typeof files?.[k]}`,
      );
    }
  }
  const load = async (k: keyof MnistBytes) => await decodeIdx(files[k], f[k]);
  const train = split(
    idxImages(await load("trainImages"), f.trainImages),
    idxLabels(await load("trainLabels"), f.trainLabels),
    f.trainImages,
    f.trainLabels,
  );
  const test = split(
    idxImages(await load("testImages"), f.testImages),
    idxLabels(await load("testLabels"), f.testLabels),
    f.testImages,
    f.testLabels,
  );
  return checked(train, test, f, classes, name);
}

function checked(
  train: MnistSplit,
  test: MnistSplit,
  f: { trainLabels: string; testLabels: string },
  classes: readonly string[] | undefined,
  dir: string,
): MnistDataset {
  const c = classes ? [...classes] : Array.from({ length: 10 }, (_, i) => String(i));
  for (const [split, file] of [[train, f.trainLabels], [test, f.testLabels]] as const) {
    const bad = split.labels.findIndex((l) => l >= c.length);
    if (bad >= 0) {
      throw new DatasetFormatError(
        file,
        `label ${split.labels[bad]} at ${bad} >= ${c.length} classes`,
      );
    }
  }
  return { train, test, classes: c, path: dir };
}

/**
 * Loads Fashion-MNIST: images uint8 `[n, 28, 28]`, labels, class names.
 * Throws {@link DatasetNotFoundError} saying what to install or pass when it is nowhere and cannot be downloaded.
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from "./mod.ts";
 * const { train, test, classes } = await loadFashionMnist();
 * console.log(train.n, test.n, classes[train.labels[0]!]); // 60000 10000 "Ankle boot"
 * ```
 */
export async function loadFashionMnist(opts: LoadFashionMnistOptions = {}): Promise<MnistDataset> {
  checkOptions("loadFashionMnist", opts, FASHION_MNIST_SPEC);
  if (opts.path !== undefined) return await readMnistFolder(opts.path, FASHION_MNIST_CLASSES);
  const cache = opts.cacheDir ?? defaultCacheDir();
  const candidates = opts.searchDirs ?? ["/usr/share/datasets/fashion-mnist", cache];
  for (const dir of candidates) {
    if (!Array.isArray(findAll(dir))) return await readMnistFolder(dir, FASHION_MNIST_CLASSES);
  }
  let why = "downloading is disabled (download: false)";
  if (opts.download !== false) {
    const log = opts.log ?? ((l: string) => console.error(l));
    try {
      await download(cache, opts.mirrors ?? FASHION_MNIST_MIRRORS, log);
      return await readMnistFolder(cache, FASHION_MNIST_CLASSES);
    } catch (e) {
      if (e instanceof DatasetFormatError) throw e;
      why = `download failed: ${(e as Error).message}`;
    }
  }
  throw new DatasetNotFoundError(
    `Fashion-MNIST not found in ${candidates.join(" or ") || "(no folder)"} and ${why}. ` +
      `Install it with 'apt-get install dataset-fashion-mnist', or download the four files ` +
      `(${Object.values(FASHION_MNIST_FILES).join(", ")}) and pass their folder as { path }.`,
  );
}
