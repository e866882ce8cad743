/**
 * Private: the element types of the safetensors format, their sizes, and the conversion of the raw
 * little-endian bytes of one tensor to a tempo array (F32/F16/BF16/F64 to `Float32Array`, I32/I64 to
 * `Int32Array`). Pure functions on bytes; no I/O.
 * @module
 */

/** Every dtype the safetensors format names, with its size in bytes. */
export const DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** A dtype tempo reads. */
export type ReadableDtype = "F32" | "F16" | "BF16" | "F64" | "I32" | "I64";

/** The dtypes tempo reads (converted to f32 or i32). */
export const READABLE: readonly ReadableDtype[] = ["F32", "F16", "BF16", "F64", "I32", "I64"];

/** Whether this platform stores typed arrays little-endian (every current JS engine does). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const BITS = new Uint32Array(1);
const FLOAT = new Float32Array(BITS.buffer);

/** float16 bits to a number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The `n` values of `dtype` in `raw` (little-endian) as a tempo array. I64 values must fit in int32.
 * @throws {RangeError} When an I64 value does not fit in int32.
 */
export function decodeValues(
  raw: Uint8Array,
  dtype: ReadableDtype,
  n: number,
  name: string,
): Float32Array | Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dtype === "F32" || dtype === "I32") {
    if (LITTLE_ENDIAN) {
      const copy = raw.slice().buffer; // aligned copy: the file's offsets need not be 4-aligned
      return dtype === "F32" ? new Float32Array(copy, 0, n) : new Int32Array(copy, 0, n);
    }
    const out = dtype === "F32" ? new Float32Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = dtype === "F32" ? view.getFloat32(4 * i, true) : view.getInt32(4 * i, true);
    }
    return out;
  }
  if (dtype === "I64") {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = view.getBigInt64(8 * i, true);
      if (v < -2147483648n || v > 2147483647n) {
        throw new RangeError(
          `Cannot read tensor '${name}': expected I64 values within int32, got ${v} at index ${i}`,
        );
      }
      out[i] = Number(v);
    }
    return out;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (dtype === "F64") out[i] = view.getFloat64(8 * i, true);
    else if (dtype === "F16") out[i] = halfToNumber(view.getUint16(2 * i, true));
    else {
      // BF16: the upper half of a float32
      BITS[0] = view.getUint16(2 * i, true) << 16;
      out[i] = FLOAT[0]!;
    }
  }
  return out;
}

/** The little-endian bytes of a tempo array (F32 or I32). */
export function encodeValues(data: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(4 * i, data[i]!, true);
    else view.setInt32(4 * i, data[i]!, true);
  }
  return out;
}
