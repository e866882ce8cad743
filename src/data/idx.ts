/**
 * IDX files (the MNIST / Fashion-MNIST format): a big-endian header `00 00 <dtype> <ndim>`, `ndim` u32 sizes,
 * then the values in row-major order. Gzipped files (`.gz`) are detected by their magic and decompressed.
 * @module
 */

import { needDeno } from "../_platform.ts";
import { DatasetFormatError } from "./errors.ts";

/** Typed arrays an IDX file can hold. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A parsed IDX array. */
export interface IdxArray {
  /** IDX type name. */
  dtype: "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";
  /** Dimensions, e.g. `[60000, 28, 28]` for images, `[60000]` for labels. */
  shape: number[];
  /** The values, row-major. */
  data: IdxData;
}

const DTYPES: Record<number, [IdxArray["dtype"], number]> = {
  0x08: ["uint8", 1],
  0x09: ["int8", 1],
  0x0b: ["int16", 2],
  0x0c: ["int32", 4],
  0x0d: ["float32", 4],
  0x0e: ["float64", 8],
};

/** True when `bytes` starts with the gzip magic `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes with the web `DecompressionStream`; `name` labels errors.
 *
 * @example
 * ```ts
 * import { gunzip } from "./mod.ts";
 * const plain = await gunzip(await Deno.readFile("t10k-labels-idx1-ubyte.gz"), "t10k-labels");
 * ```
 */
export async function gunzip(bytes: Uint8Array, name = "<buffer>"): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DatasetFormatError(
      name,
      `corrupt or truncated gzip data (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/**
 * Parses an uncompressed IDX buffer. `name` labels errors (bad magic, truncated, extra bytes).
 *
 * @example
 * ```ts
 * import { parseIdx } from "./mod.ts";
 * const a = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]));
 * console.log(a.shape, a.data); // [2] Uint8Array [7, 9]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = "<buffer>"): IdxArray {
  if (bytes.length < 4) {
    throw new DatasetFormatError(name, `truncated: ${bytes.length} bytes, an IDX header needs 4+`);
  }
  const dt = DTYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !dt || bytes[3] === 0) {
    const hex = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new DatasetFormatError(
      name,
      `bad IDX magic ${hex}: expected 00 00 <type 08|09|0b|0c|0d|0e> <ndim >= 1>` +
        (isGzip(bytes) ? " (this is gzip data: decompress it first)" : ""),
    );
  }
  const ndim = bytes[3]!;
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) {
    throw new DatasetFormatError(
      name,
      `truncated header: ${bytes.length} bytes, need ${headerLen}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const [dtype, size] = dt;
  const count = shape.reduce((a, b) => a * b, 1);
  const need = headerLen + count * size;
  if (bytes.length < need) {
    throw new DatasetFormatError(
      name,
      `truncated: shape [${shape}] of ${dtype} needs ${need} bytes, file has ${bytes.length}`,
    );
  }
  if (bytes.length > need) {
    throw new DatasetFormatError(
      name,
      `${bytes.length - need} unexpected trailing bytes after shape [${shape}] of ${dtype}`,
    );
  }
  let data: IdxData;
  if (dtype === "uint8") data = bytes.slice(headerLen, need);
  else if (dtype === "int8") data = new Int8Array(bytes.slice(headerLen, need).buffer);
  else {
    const Ctor =
      { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[dtype];
    data = new Ctor(count);
    const get = {
      int16: (o: number) => view.getInt16(o, false),
      int32: (o: number) => view.getInt32(o, false),
      float32: (o: number) => view.getFloat32(o, false),
      float64: (o: number) => view.getFloat64(o, false),
    }[dtype];
    for (let i = 0; i < count; i++) data[i] = get(headerLen + i * size);
  }
  return { dtype, shape, data };
}

/**
 * Reads an IDX file, gzipped or not (detected from the content, not the name).
 *
 * @example
 * ```ts
 * import { readIdx } from "./mod.ts";
 * const labels = await readIdx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
 * console.log(labels.shape); // [10000]
 * ```
 */
export async function readIdx(path: string): Promise<IdxArray> {
  const D = needDeno(
    "readIdx",
    "In a browser, fetch the file and pass its bytes to decodeIdx (or the four files to ImageClassifierData.fromMnistBytes).",
  );
  return await decodeIdx(await D.readFile(path), path);
}

/**
 * Parses IDX bytes, gzipped or not (detected from the content): what {@linkcode readIdx} does after
 * reading the file, for bytes from `fetch` or a user-picked `File` in a browser.
 *
 * @example
 * ```ts
 * import { decodeIdx } from "./mod.ts";
 * const res = await fetch("data/t10k-labels-idx1-ubyte.gz");
 * const labels = await decodeIdx(new Uint8Array(await res.arrayBuffer()), res.url);
 * ```
 */
export async function decodeIdx(bytes: Uint8Array, name = "<buffer>"): Promise<IdxArray> {
  if (isGzip(bytes)) bytes = await gunzip(bytes, name);
  return parseIdx(bytes, name);
}

/** IDX images: `n` images of `rows` x `cols` uint8 pixels, row-major. */
export interface IdxImages {
  /** Pixels `[n, rows, cols]` uint8, row-major. */
  images: Uint8Array;
  /** Number of images. */
  n: number;
  /** Image height in pixels. */
  rows: number;
  /** Image width in pixels. */
  cols: number;
}

/**
 * Reads an idx3-ubyte image file (magic `00 00 08 03`).
 *
 * @example
 * ```ts
 * import { readIdxImages } from "./mod.ts";
 * const { n, rows, cols } = await readIdxImages("train-images-idx3-ubyte.gz");
 * ```
 */
export async function readIdxImages(path: string): Promise<IdxImages> {
  return idxImages(await readIdx(path), path);
}

/** Checks that a parsed IDX array holds idx3-ubyte images (`name` labels the error). */
export function idxImages(a: IdxArray, name = "<buffer>"): IdxImages {
  const path = name;
  if (a.dtype !== "uint8" || a.shape.length !== 3) {
    throw new DatasetFormatError(
      path,
      `expected idx3-ubyte images (uint8, 3 dims), got ${a.dtype} with shape [${a.shape}]`,
    );
  }
  const [n, rows, cols] = a.shape as [number, number, number];
  return { images: a.data as Uint8Array, n, rows, cols };
}

/**
 * Reads an idx1-ubyte label file (magic `00 00 08 01`).
 *
 * @example
 * ```ts
 * import { readIdxLabels } from "./mod.ts";
 * const labels = await readIdxLabels("train-labels-idx1-ubyte.gz");
 * ```
 */
export async function readIdxLabels(path: string): Promise<Uint8Array> {
  return idxLabels(await readIdx(path), path);
}

/** Checks that a parsed IDX array holds idx1-ubyte labels (`name` labels the error). */
export function idxLabels(a: IdxArray, name = "<buffer>"): Uint8Array {
  const path = name;
  if (a.dtype !== "uint8" || a.shape.length !== 1) {
    throw new DatasetFormatError(
      path,
      `expected idx1-ubyte labels (uint8, 1 dim), got ${a.dtype} with shape [${a.shape}]`,
    );
  }
  return a.data as Uint8Array;
}
