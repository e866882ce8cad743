/**
 * The safetensors format (PyTorch / Hugging Face checkpoints) as pure functions on bytes:
 * {@linkcode encodeSafetensors} and {@linkcode decodeSafetensors}. No I/O and no `Deno`, so they
 * run in a browser too (e.g. to offer a checkpoint as a download); `safetensors_file.ts` reads and
 * writes files with them.
 *
 * Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
 * `{"__metadata__": {string: string}, "<name>": {"dtype", "shape", "data_offsets": [begin, end]}}`,
 * then the raw little-endian tensor data, packed without gaps (offsets count from the first byte
 * after the header). tempo writes F32 and I32, the header as compact ASCII JSON (as Python's
 * `json.dumps(separators=(",", ":"))`), `__metadata__` first, tensors in the given order, padded
 * with spaces to a multiple of 8 bytes. It reads F32, F16, BF16 and F64 as float32 and I32 and I64
 * as int32, and refuses the other dtypes by name.
 *
 * Decoding validates everything (header length within the file, UTF-8, JSON, known dtypes, byte
 * lengths matching the shapes, offsets in bounds, contiguous and non-overlapping, string metadata)
 * and throws a `RangeError` (sizes, offsets: a truncated or padded file) or a `TypeError` (anything
 * else) saying what was expected and what came.
 * @module
 */

import { checkOptions } from "../_options.ts";
import {
  decodeValues,
  DTYPE_SIZES,
  encodeValues,
  READABLE,
  type ReadableDtype,
} from "./_dtypes.ts";

/** A dtype tempo reads from a file: `"F32"`, `"F16"`, `"BF16"`, `"F64"`, `"I32"` or `"I64"`. */
export type { ReadableDtype };

/** A tensor as tempo writes it: F32 or I32, a shape and flat row-major values. */
export interface SafetensorsTensor {
  /** Element type in the file. */
  dtype: "F32" | "I32";
  /** Shape of the tensor (`[]` for a scalar). */
  shape: readonly number[];
  /** Flat row-major values: a `Float32Array` for F32, an `Int32Array` for I32. */
  data: Float32Array | Int32Array;
}

/** A tensor as {@linkcode decodeSafetensors} returns it. */
export interface DecodedTensor extends SafetensorsTensor {
  /** The dtype in the file (`"F16"`, `"I64"`...) before the conversion to F32 or I32. */
  fileDtype: ReadableDtype;
}

/** What {@linkcode decodeSafetensors} returns. */
export interface SafetensorsContents {
  /** The tensors by name, in the order of their data in the file. */
  tensors: Map<string, DecodedTensor>;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
}

/** Options of {@linkcode encodeSafetensors}. */
export interface EncodeSafetensorsOptions {
  /** Strings stored under `__metadata__` (omitted when absent or empty). */
  metadata?: Record<string, string>;
}

/** Largest header tempo reads (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

const show = (v: unknown): string => {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(show).join(",")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return typeof v === "object" ? "an object" : String(v);
};

/** JSON with every non-ASCII character escaped as `\uXXXX` (what Python's `json.dumps` writes). */
function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

function isShape(s: unknown): s is number[] {
  return Array.isArray(s) && s.every((d) => Number.isSafeInteger(d) && d >= 0);
}

function checkMetadata(m: unknown, where: string): Record<string, string> {
  if (m === null || typeof m !== "object" || Array.isArray(m)) {
    throw new TypeError(
      `${where}: expected __metadata__ to be an object of strings, got ${show(m)}`,
    );
  }
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== "string") {
      throw new TypeError(
        `${where}: expected __metadata__ values to be strings, got ${show(v)} under ${show(k)}`,
      );
    }
  }
  return { ...(m as Record<string, string>) };
}

/**
 * Encodes named tensors (and metadata strings) as a safetensors file.
 *
 * @param tensors `{ name: tensor }` or `[name, tensor]` pairs (a `Map`), written in this order.
 * @param options The `__metadata__` strings.
 * @returns The file's bytes.
 * @throws {TypeError} On a bad name, dtype, shape, data array or metadata value.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./mod.ts";
 * const bytes = encodeSafetensors(
 *   { "1.weight": { dtype: "F32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { metadata: { format: "pt" } },
 * );
 * decodeSafetensors(bytes).tensors.get("1.weight")!.shape; // [2, 2]
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor> | Iterable<readonly [string, SafetensorsTensor]>,
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  const where = "Cannot write safetensors";
  checkOptions("encodeSafetensors", options, { metadata: "object" });
  if (tensors === null || typeof tensors !== "object") {
    throw new TypeError(`${where}: expected named tensors, got ${show(tensors)}`);
  }
  const list = Symbol.iterator in tensors
    ? [...(tensors as Iterable<readonly [string, SafetensorsTensor]>)]
    : Object.entries(tensors as Record<string, SafetensorsTensor>);
  for (const e of list) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string") {
      throw new TypeError(`${where}: expected [name, tensor] pairs, got ${show(e)}`);
    }
  }
  const header: string[] = [];
  const meta = options.metadata === undefined ? {} : checkMetadata(options.metadata, where);
  if (Object.keys(meta).length > 0) header.push(`"__metadata__":${asciiJson(meta)}`);
  const seen = new Set<string>();
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of list) {
    if (typeof name !== "string" || name === "" || name === "__metadata__" || seen.has(name)) {
      throw new TypeError(
        `${where}: expected unique non-empty tensor names other than __metadata__, got ${
          show(name)
        }${seen.has(name) ? " twice" : ""}`,
      );
    }
    seen.add(name);
    const at = `${where}: tensor ${show(name)}`;
    if (t === null || typeof t !== "object") {
      throw new TypeError(`${at}: expected { dtype, shape, data }`);
    }
    if (t.dtype !== "F32" && t.dtype !== "I32") {
      throw new TypeError(`${at}: expected dtype "F32" or "I32", got ${show(t.dtype)}`);
    }
    const Want = t.dtype === "F32" ? Float32Array : Int32Array;
    if (!(t.data instanceof Want)) {
      throw new TypeError(`${at}: expected its ${t.dtype} data as a ${Want.name}`);
    }
    if (!isShape(t.shape)) {
      throw new TypeError(`${at}: expected a shape of non-negative integers, got ${show(t.shape)}`);
    }
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) {
      throw new TypeError(
        `${at}: shape [${t.shape}] needs ${n} values, got ${t.data.length}`,
      );
    }
    const bytes = encodeValues(t.data);
    const info = {
      dtype: t.dtype,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    header.push(`${asciiJson(name)}:${asciiJson(info)}`);
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = `{${header.join(",")}}`;
  json += " ".repeat((8 - (json.length % 8)) % 8); // ASCII: one byte per character
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let o = 8 + head.length;
  for (const b of blobs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: ReadableDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, info: unknown, where: string): Entry {
  const at = `${where}: tensor ${show(name)}`;
  if (info === null || typeof info !== "object" || Array.isArray(info)) {
    throw new TypeError(`${at}: expected { dtype, shape, data_offsets }, got ${show(info)}`);
  }
  const { dtype, shape, data_offsets: off, ...rest } = info as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) {
    throw new TypeError(
      `${at}: expected only dtype, shape, data_offsets, got also ${extra.join(", ")}`,
    );
  }
  if (typeof dtype !== "string" || !(dtype in DTYPE_SIZES)) {
    throw new TypeError(
      `${at}: unknown dtype ${show(dtype)} (expected one of ${
        Object.keys(DTYPE_SIZES).join(", ")
      })`,
    );
  }
  if (!(READABLE as readonly string[]).includes(dtype)) {
    throw new TypeError(
      `${at}: dtype ${dtype} is not supported (expected one of ${READABLE.join(", ")})`,
    );
  }
  if (!isShape(shape)) {
    throw new TypeError(`${at}: expected a shape of non-negative integers, got ${show(shape)}`);
  }
  if (
    !Array.isArray(off) || off.length !== 2 ||
    !off.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    off[0] > off[1]
  ) {
    throw new TypeError(
      `${at}: expected data_offsets [begin, end] with 0 <= begin <= end, got ${show(off)}`,
    );
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const need = n * DTYPE_SIZES[dtype]!;
  if (!Number.isSafeInteger(need) || need !== off[1] - off[0]) {
    throw new RangeError(
      `${at}: shape [${shape}] of ${dtype} needs ${need} bytes, data_offsets [${off}] give ${
        off[1] - off[0]
      }`,
    );
  }
  return { name, dtype: dtype as ReadableDtype, shape, begin: off[0], end: off[1] };
}

/**
 * Decodes a safetensors file, validating it entirely before converting any tensor.
 *
 * @param bytes The file's bytes.
 * @param source How errors name the file (default "safetensors data").
 * @returns The tensors (F32/F16/BF16/F64 as `Float32Array`, I32/I64 as `Int32Array`) and metadata.
 * @throws {RangeError} On a truncated file, a header longer than the file, offsets out of bounds,
 *   gaps, overlaps or trailing bytes, a byte length that does not match a shape, or an I64 value
 *   outside int32.
 * @throws {TypeError} On a header that is not UTF-8 JSON of the expected structure, an unknown or
 *   unsupported dtype, or non-string metadata.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./mod.ts";
 * const bytes = encodeSafetensors({ x: { dtype: "I32", shape: [2], data: new Int32Array([7, 8]) } });
 * const { tensors, metadata } = decodeSafetensors(bytes, "x.safetensors");
 * tensors.get("x")!.data; // Int32Array [7, 8]
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = "safetensors data",
): SafetensorsContents {
  const where = `Cannot read ${source}`;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${where}: expected a Uint8Array, got ${show(bytes)}`);
  }
  if (bytes.length < 8) {
    throw new RangeError(
      `${where}: truncated: expected at least 8 bytes (the header length), the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new RangeError(
      `${where}: the header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`,
    );
  }
  const headerBytes = Number(n);
  if (headerBytes > bytes.length - 8) {
    throw new RangeError(
      `${where}: truncated: the header says ${headerBytes} bytes of JSON, the file has ${
        bytes.length - 8
      } after the 8-byte length`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes));
  } catch {
    throw new TypeError(`${where}: expected a UTF-8 JSON header, got invalid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new TypeError(
      `${where}: expected a JSON header, got invalid JSON (${(e as Error).message})`,
    );
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new TypeError(`${where}: expected the header to be a JSON object, got ${show(header)}`);
  }
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") metadata = checkMetadata(info, where);
    else entries.push(parseEntry(name, info, where));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataBytes = bytes.length - 8 - headerBytes;
  let expected = 0;
  let prev = "";
  for (const e of entries) {
    if (e.begin !== expected) {
      throw new RangeError(
        `${where}: expected the data of tensor ${show(e.name)} to start at byte ${expected}${
          prev ? ` (where ${show(prev)} ends)` : ""
        }, got ${e.begin} (${e.begin < expected ? "an overlap" : "a gap"})`,
      );
    }
    expected = e.end;
    prev = e.name;
  }
  if (expected > dataBytes) {
    throw new RangeError(
      `${where}: truncated: the header says ${expected} bytes of data, the file has ${dataBytes}`,
    );
  }
  if (expected < dataBytes) {
    throw new RangeError(
      `${where}: the header says ${expected} bytes of data, the file has ${dataBytes} (${
        dataBytes - expected
      } trailing bytes)`,
    );
  }
  const base = 8 + headerBytes;
  const tensors = new Map<string, DecodedTensor>();
  for (const e of entries) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    const data = decodeValues(bytes.subarray(base + e.begin, base + e.end), e.dtype, count, e.name);
    const dtype = data instanceof Float32Array ? "F32" : "I32";
    tensors.set(e.name, { dtype, shape: e.shape, data, fileDtype: e.dtype });
  }
  return { tensors, metadata };
}
