/**
 * Helpers shared by the tests of `src/data` (writing small IDX, gzip, PNG files).
 * @module
 */

/** IDX bytes with a big-endian header. */
export function makeIdx(shape: number[], data: Uint8Array, dtype = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const v = new DataView(out.buffer);
  out.set([0, 0, dtype, shape.length]);
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** A deterministic pattern image, HWC interleaved, values < 2^depth. */
export function pattern(h: number, w: number, c: number, depth = 8): Uint8Array | Uint16Array {
  const a = depth === 16 ? new Uint16Array(h * w * c) : new Uint8Array(h * w * c);
  for (let i = 0; i < a.length; i++) a[i] = (i * 37 + 11) % (depth === 16 ? 65536 : 256);
  return a;
}
