/**
 * Reading and writing safetensors files (Deno only): {@linkcode readSafetensors} and
 * {@linkcode writeSafetensors}, thin wrappers of the pure codec of `safetensors.ts`. Writes are
 * atomic (temporary file, fsync, rename).
 * @module
 */

import {
  decodeSafetensors,
  encodeSafetensors,
  type EncodeSafetensorsOptions,
  type SafetensorsContents,
  type SafetensorsTensor,
} from "./safetensors.ts";
import { readBytes, writeBytesAtomic } from "./_files.ts";

/**
 * Reads and validates a safetensors file.
 *
 * @param path The file.
 * @returns Its tensors (as float32 / int32) and metadata.
 * @throws {RangeError|TypeError} On an invalid file (see {@linkcode decodeSafetensors}).
 * @throws {TypeError} Outside Deno.
 *
 * @example
 * ```ts
 * import { writeSafetensors } from "./mod.ts";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" }); // or "model.safetensors"
 * await writeSafetensors(path, { "1.weight": { dtype: "F32", shape: [1], data: new Float32Array([1]) } });
 * const { tensors } = await readSafetensors(path);
 * console.log([...tensors.keys()]); // ["1.weight"]
 * await Deno.remove(path);
 * ```
 */
export async function readSafetensors(path: string | URL): Promise<SafetensorsContents> {
  return decodeSafetensors(await readBytes(path), String(path));
}

/**
 * Writes named tensors as a safetensors file, atomically.
 *
 * @param path The file (replaced if it exists).
 * @param tensors `{ name: tensor }` or `[name, tensor]` pairs, written in this order.
 * @param options The `__metadata__` strings.
 * @throws {TypeError} On bad tensors (see {@linkcode encodeSafetensors}) or outside Deno.
 *
 * @example
 * ```ts
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" }); // or "w.safetensors"
 * await writeSafetensors(path, {
 *   w: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) },
 * });
 * await Deno.remove(path);
 * ```
 */
export async function writeSafetensors(
  path: string | URL,
  tensors: Record<string, SafetensorsTensor> | Iterable<readonly [string, SafetensorsTensor]>,
  options: EncodeSafetensorsOptions = {},
): Promise<void> {
  await writeBytesAtomic(path, encodeSafetensors(tensors, options));
}
