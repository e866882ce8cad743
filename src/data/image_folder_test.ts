import assert from "node:assert/strict";
import { join } from "node:path";
// deno-lint-ignore no-import-prefix
import { encode } from "npm:fast-png@8.0.0";
// deno-lint-ignore no-import-prefix
import jpeg from "npm:jpeg-js@0.4.4";
import { DatasetFormatError, decodeImage, ImageFolder } from "./mod.ts";
import { pattern } from "./_test_helpers.ts";

function png(h: number, w: number, channels: number, depth: 8 | 16 = 8): Uint8Array {
  return encode({ width: w, height: h, channels, depth, data: pattern(h, w, channels, depth) });
}

Deno.test("decodeImage: gray, gray+alpha, RGB, RGBA, 8 and 16 bits, to 3 or 1 channels", () => {
  const rgb = decodeImage(png(2, 3, 3), "rgb.png", 3);
  assert.deepEqual(rgb.shape, [3, 2, 3]);
  const src = pattern(2, 3, 3);
  for (let i = 0; i < 6; i++) {
    for (let c = 0; c < 3; c++) assert.equal(rgb.data[c * 6 + i], src[i * 3 + c]);
  }
  const gray = decodeImage(png(2, 3, 3), "rgb.png", 1);
  assert.equal(gray.data[0], Math.round(0.299 * src[0]! + 0.587 * src[1]! + 0.114 * src[2]!));
  const g = decodeImage(png(4, 4, 1), "g.png", 3);
  assert.deepEqual(g.shape, [3, 4, 4]);
  assert.equal(g.data[5], pattern(4, 4, 1)[5]);
  assert.equal(g.data[16 + 5], g.data[5]);
  const ga = decodeImage(png(2, 2, 2), "ga.png", 1);
  assert.equal(ga.data[1], pattern(2, 2, 2)[2]);
  const rgba = decodeImage(png(2, 2, 4), "rgba.png", 3);
  assert.equal(rgba.data[4 + 1], pattern(2, 2, 4)[4 + 1]); // green of pixel 1 (alpha dropped)
  const g16 = decodeImage(png(2, 2, 1, 16), "g16.png", 1);
  assert.equal(g16.data[3], Math.round(pattern(2, 2, 1, 16)[3]! / 257));
  const rgb16 = decodeImage(png(1, 2, 3, 16), "rgb16.png", 3);
  assert.equal(rgb16.data[2 + 1], Math.round(pattern(1, 2, 3, 16)[3 + 1]! / 257));
});

Deno.test("decodeImage reads JPEG and names corrupt files", () => {
  const data = new Uint8Array(8 * 8 * 4).fill(200);
  const j = jpeg.encode({ width: 8, height: 8, data }, 95).data;
  const img = decodeImage(j, "a.jpg", 3);
  assert.deepEqual(img.shape, [3, 8, 8]);
  assert.ok(Math.abs(img.data[0]! - 200) <= 2);
  const bad = png(4, 4, 3);
  assert.throws(
    () => decodeImage(bad.subarray(0, 40), "cut.png"),
    (e: unknown) => e instanceof DatasetFormatError && e.file === "cut.png",
  );
  assert.throws(
    () => decodeImage(new TextEncoder().encode("hello"), "t.png"),
    /t\.png: not a PNG or JPEG image \(5 bytes, starts with 68 65 6c 6c\)/,
  );
});

Deno.test("ImageFolder: sorted classes, labels, sizes kept; errors name the file or folder", async () => {
  const root = await Deno.makeTempDir();
  try {
    const put = async (rel: string, bytes: Uint8Array) => {
      await Deno.mkdir(join(root, rel, ".."), { recursive: true });
      await Deno.writeFile(join(root, rel), bytes);
    };
    await put("train/dog/b.png", png(6, 5, 3));
    await put("train/dog/a.png", png(4, 4, 4));
    await put("train/cat/x.PNG", png(3, 3, 1));
    await put("train/cat/notes.txt", new Uint8Array(3));
    await put("test/dog/v.png", png(4, 4, 3));
    const tr = new ImageFolder(join(root, "train"));
    assert.deepEqual(tr.classes, ["cat", "dog"]);
    assert.deepEqual([...tr.labels], [0, 1, 1]);
    assert.ok(tr.files[1]!.endsWith("a.png"));
    assert.deepEqual(tr.get(2).shape, [3, 6, 5]);
    const va = new ImageFolder(join(root, "test"), { classes: tr.classes, preload: true });
    assert.deepEqual([va.length, va.get(0).label], [1, 1]);

    await put("test/bird/z.png", png(4, 4, 3));
    assert.throws(
      () => new ImageFolder(join(root, "test"), { classes: tr.classes }),
      /bird: class folder not among the 2 known classes/,
    );
    await Deno.remove(join(root, "test/bird"), { recursive: true });

    await put("train/dog/broken.png", png(4, 4, 3).subarray(0, 50));
    const lazy = new ImageFolder(join(root, "train"));
    const i = lazy.files.findIndex((f) => f.endsWith("broken.png"));
    assert.throws(
      () => lazy.get(i),
      (e: unknown) => e instanceof DatasetFormatError && e.file.endsWith("train/dog/broken.png"),
    );
    assert.throws(
      () => new ImageFolder(join(root, "train"), { preload: true }),
      /broken\.png: corrupt image/,
    );
    await Deno.remove(join(root, "train/dog/broken.png"));

    await Deno.mkdir(join(root, "train/emu"));
    await put("train/emu/readme.txt", new Uint8Array(1));
    assert.throws(
      () => new ImageFolder(join(root, "train")),
      (e: unknown) =>
        e instanceof DatasetFormatError && e.file.endsWith("train/emu") &&
        /class folder 'emu' has no images/.test(e.message),
    );
    assert.throws(() => new ImageFolder(join(root, "nope")), /nope does not exist/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
