/**
 * Decoding image files to CHW uint8: PNG (`npm:fast-png`: gray, gray+alpha, RGB, RGBA, palette; 1-16 bits)
 * and baseline/progressive JPEG (`npm:jpeg-js`, pure JS). Alpha is dropped.
 * @module
 */

// The project pins npm packages inline (CONTRIBUTING.md), which this lint rule forbids.
// deno-lint-ignore no-import-prefix
import { convertIndexedToRgb, decode as decodePng } from "npm:fast-png@8.0.0";
// deno-lint-ignore no-import-prefix
import jpeg from "npm:jpeg-js@0.4.4";
import { DatasetFormatError } from "./errors.ts";
import type { ChwShape } from "./image_ops.ts";

/** A decoded image: uint8 pixels, CHW. */
export interface DecodedImage {
  /** Pixels, CHW order. */
  data: Uint8Array;
  /** `[channels, height, width]`. */
  shape: ChwShape;
}

/** File extensions {@link decodeImage} understands (lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = [".png", ".jpg", ".jpeg"];

/** Interleaved HWC (any depth) to CHW uint8 with `channels` 1 or 3 (luma BT.601 or replication). */
function toChw(
  src: ArrayLike<number>,
  h: number,
  w: number,
  inC: number,
  maxVal: number,
  channels: 1 | 3,
): Uint8Array {
  const n = h * w, out = new Uint8Array(channels * n);
  const k = 255 / maxVal;
  const color = inC >= 3;
  for (let i = 0; i < n; i++) {
    const s = i * inC;
    if (!color) {
      const v = Math.round(src[s]! * k);
      out[i] = v;
      if (channels === 3) out[n + i] = out[2 * n + i] = v;
    } else if (channels === 3) {
      out[i] = Math.round(src[s]! * k);
      out[n + i] = Math.round(src[s + 1]! * k);
      out[2 * n + i] = Math.round(src[s + 2]! * k);
    } else {
      out[i] = Math.round((0.299 * src[s]! + 0.587 * src[s + 1]! + 0.114 * src[s + 2]!) * k);
    }
  }
  return out;
}

/** Unpacks 1/2/4-bit rows (each row padded to a byte) into one value per sample. */
function unpackBits(
  data: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  depth: number,
): Uint8Array {
  const out = new Uint8Array(h * w * c), per = w * c, stride = Math.ceil((per * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < per; i++) {
      const bit = i * depth;
      out[y * per + i] = (data[y * stride + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/**
 * Decodes a PNG or JPEG file's bytes to CHW uint8 with 1 or 3 channels. `name` labels errors.
 *
 * @example
 * ```ts
 * import { decodeImage } from "./mod.ts";
 * const img = decodeImage(await Deno.readFile("cat.png"), "cat.png", 3);
 * console.log(img.shape); // [3, h, w]
 * ```
 */
export function decodeImage(bytes: Uint8Array, name: string, channels: 1 | 3 = 3): DecodedImage {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = decodePng(bytes);
      const { width: w, height: h } = png;
      if (png.palette) {
        const rgb = convertIndexedToRgb(png);
        const first = png.palette[0];
        if (!first) throw new Error("the PNG palette is empty");
        const c = first.length;
        return { data: toChw(rgb, h, w, c, 255, channels), shape: [channels, h, w] };
      }
      let data: ArrayLike<number> = png.data;
      if (png.depth < 8) data = unpackBits(png.data, h, w, png.channels, png.depth);
      if (data.length < h * w * png.channels) throw new Error(`pixel data too short`);
      const max = (1 << png.depth) - 1;
      return { data: toChw(data, h, w, png.channels, max, channels), shape: [channels, h, w] };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        maxMemoryUsageInMB: 1024,
      });
      const c = img.data.length / (img.width * img.height);
      return {
        data: toChw(img.data, img.height, img.width, c, 255, channels),
        shape: [channels, img.height, img.width],
      };
    }
  } catch (e) {
    throw new DatasetFormatError(name, `corrupt image (${(e as Error).message})`, { cause: e });
  }
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new DatasetFormatError(
    name,
    `not a PNG or JPEG image (${bytes.length} bytes, starts with ${head || "nothing"})`,
  );
}
