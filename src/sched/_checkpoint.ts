/**
 * Private: the checkpoint file format of `Learner.save` / `load`, and its validation on read.
 *
 * Layout: the magic line `TEMPO-STATE-2\n`, a one-line JSON header `{ dataBytes, crc32, state }`
 * (`state` is the saved structure, each tensor or typed array replaced by `{ $blob, bytes, type,
 * shape? }`, an offset into the data), `\n`, then `dataBytes` bytes of raw little-endian tensor data
 * whose CRC-32 is `crc32`. Version 1 files (no `dataBytes`/`crc32`, header = the state) still load.
 *
 * Every length is checked before any byte is used: a short file is `truncated` (with how many bytes
 * were expected and found), a header or data that does not match is `corrupt`
 * ({@linkcode CheckpointError}). Writing it atomically is `src/io/_files.ts`'s job.
 * @module
 */

import { CheckpointError } from "./checkpoint_error.ts";
import type { Saved, SavedTensor } from "./_state.ts";

const MAGIC_V1 = "TEMPO-STATE-1\n";
const MAGIC = "TEMPO-STATE-2\n";
const ELEMENT_BYTES = { f32: 4, i32: 4, f64: 8 } as const;
type BlobType = keyof typeof ELEMENT_BYTES;

interface BlobEntry {
  $blob: number;
  bytes: number;
  type: BlobType;
  shape?: number[];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib) of `bytes`, continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function isSavedTensor(v: unknown): v is SavedTensor {
  return v !== null && typeof v === "object" && (v as SavedTensor).kind === "tensor";
}

/** Encodes a saved state as byte chunks (header, then each tensor's bytes, not copied). */
export function encodeCheckpoint(saved: Saved): Uint8Array[] {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  let crc = 0;
  const walk = (v: Saved): unknown => {
    if (
      isSavedTensor(v) || v instanceof Float32Array || v instanceof Int32Array ||
      v instanceof Float64Array
    ) {
      const data = isSavedTensor(v) ? v.data : v;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const entry = {
        $blob: offset,
        bytes: bytes.length,
        type: data instanceof Float32Array ? "f32" : data instanceof Int32Array ? "i32" : "f64",
        shape: isSavedTensor(v) ? v.shape : undefined,
      };
      blobs.push(bytes);
      crc = crc32(bytes, crc);
      offset += bytes.length;
      return entry;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v === undefined ? null : v;
  };
  const state = walk(saved);
  const header = JSON.stringify({ dataBytes: offset, crc32: crc, state });
  return [new TextEncoder().encode(MAGIC + header + "\n"), ...blobs];
}

/** The chunks of {@linkcode encodeCheckpoint} as one array (tests, in-memory use). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function isBlob(v: unknown): v is { $blob: unknown } {
  return v !== null && typeof v === "object" && "$blob" in v;
}

/** Decodes and validates a checkpoint; `what` names the file in errors. */
export function decodeCheckpoint(bytes: Uint8Array, what = "checkpoint"): Saved {
  if (bytes.length === 0) {
    throw new CheckpointError(what, "truncated", "the file is empty (0 bytes)");
  }
  const head = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, MAGIC.length)));
  const version = head === MAGIC ? 2 : head === MAGIC_V1 ? 1 : 0;
  if (version === 0) {
    if (MAGIC.startsWith(head)) {
      throw new CheckpointError(
        what,
        "truncated",
        `expected the ${MAGIC.length}-byte magic line ${
          JSON.stringify(MAGIC)
        }, found ${bytes.length} bytes`,
      );
    }
    throw new CheckpointError(
      what,
      "not-a-checkpoint",
      `expected a tempo checkpoint starting with ${JSON.stringify(MAGIC)}, got ${
        JSON.stringify(head.slice(0, 16))
      }`,
    );
  }
  const nl = bytes.indexOf(10, MAGIC.length);
  if (nl < 0) {
    throw new CheckpointError(
      what,
      "truncated",
      `expected a JSON header line after the magic, found ${
        bytes.length - MAGIC.length
      } bytes without its end`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(MAGIC.length, nl)),
    );
  } catch (e) {
    throw new CheckpointError(what, "corrupt", `corrupt header: ${(e as Error).message}`);
  }
  const base = nl + 1;
  const found = bytes.length - base;
  let state: unknown = parsed;
  let dataBytes: number | undefined;
  if (version === 2) {
    const h = parsed as { dataBytes?: unknown; crc32?: unknown; state?: unknown };
    if (
      h === null || typeof h !== "object" || !Number.isSafeInteger(h.dataBytes) ||
      (h.dataBytes as number) < 0 || !Number.isSafeInteger(h.crc32) || !("state" in h)
    ) {
      throw new CheckpointError(
        what,
        "corrupt",
        `corrupt header: expected { dataBytes, crc32, state }, got keys ${
          h && typeof h === "object" ? Object.keys(h).join(", ") : typeof h
        }`,
      );
    }
    dataBytes = h.dataBytes as number;
    state = h.state;
  }
  // every blob entry: well-formed, of a whole number of elements, right after the previous one
  let end = 0;
  const check = (v: unknown, at: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => check(x, `${at}[${i}]`));
    if (v === null || typeof v !== "object") return;
    if (!isBlob(v)) {
      for (const [k, x] of Object.entries(v)) check(x, `${at}.${k}`);
      return;
    }
    const e = v as Partial<BlobEntry>;
    const size = ELEMENT_BYTES[e.type as BlobType];
    const ok = Number.isSafeInteger(e.$blob) && (e.$blob as number) >= 0 &&
      Number.isSafeInteger(e.bytes) && (e.bytes as number) >= 0 && size !== undefined &&
      (e.bytes as number) % size === 0 &&
      (e.shape === undefined ||
        (Array.isArray(e.shape) && e.shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
          e.shape.reduce((a, b) => a * b, 1) * size === e.bytes));
    if (!ok) {
      throw new CheckpointError(
        what,
        "corrupt",
        `corrupt header: the entry at ${at} is not { $blob, bytes, type: f32|i32|f64, shape } with bytes = ${"product(shape) x element size"}, got ${
          JSON.stringify(v)
        }`,
      );
    }
    if (e.$blob !== end) {
      throw new CheckpointError(
        what,
        "corrupt",
        `corrupt header: the entry at ${at} starts at byte ${e.$blob} of the data, expected ${end} (the tensors are stored back to back)`,
      );
    }
    end += e.bytes as number;
  };
  check(state, "state");
  const expected = dataBytes ?? end;
  if (dataBytes !== undefined && end > dataBytes) {
    throw new CheckpointError(
      what,
      "corrupt",
      `corrupt header: tensors reach byte ${end} but the header declares ${dataBytes} bytes of data`,
    );
  }
  if (found < expected) {
    throw new CheckpointError(
      what,
      "truncated",
      `expected ${expected} bytes of tensor data after the header, found ${found}`,
    );
  }
  if (found > expected) {
    throw new CheckpointError(
      what,
      "corrupt",
      `expected ${expected} bytes of tensor data after the header, found ${found} (${
        found - expected
      } extra)`,
    );
  }
  if (version === 2) {
    const crc = crc32(bytes.subarray(base));
    const want = (parsed as { crc32: number }).crc32;
    if (crc !== want) {
      throw new CheckpointError(
        what,
        "corrupt",
        `the tensor data has CRC-32 ${crc}, expected ${want} (the bytes changed after the save)`,
      );
    }
  }
  const walk = (v: unknown): Saved => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      if (isBlob(v)) {
        const e = v as BlobEntry;
        const raw = bytes.slice(base + e.$blob, base + e.$blob + e.bytes).buffer;
        if (e.type === "f64") return new Float64Array(raw);
        const data = e.type === "i32" ? new Int32Array(raw) : new Float32Array(raw);
        if (!e.shape) return data;
        return { kind: "tensor", dtype: e.type === "i32" ? "i32" : "f32", shape: e.shape, data };
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v as Saved;
  };
  return walk(state);
}
