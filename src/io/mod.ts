/**
 * Checkpoint formats: safetensors (PyTorch / Hugging Face), as pure functions on bytes and as files.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./mod.ts";
 * const bytes = encodeSafetensors({ b: { dtype: "F32", shape: [1], data: new Float32Array([0.5]) } });
 * decodeSafetensors(bytes).tensors.get("b")!.data[0]; // 0.5
 * ```
 * @module
 */

export {
  type DecodedTensor,
  decodeSafetensors,
  encodeSafetensors,
  type EncodeSafetensorsOptions,
  MAX_HEADER_BYTES,
  type ReadableDtype,
  type SafetensorsContents,
  type SafetensorsTensor,
} from "./safetensors.ts";
export { readSafetensors, writeSafetensors } from "./safetensors_file.ts";
