import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DatasetFormatError,
  gunzip,
  parseIdx,
  readIdx,
  readIdxImages,
  readIdxLabels,
} from "./mod.ts";
import { gzip, makeIdx } from "./_test_helpers.ts";

Deno.test("parseIdx reads uint8 images and big-endian int32", () => {
  const px = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const a = parseIdx(makeIdx([2, 3, 4], px));
  assert.equal(a.dtype, "uint8");
  assert.deepEqual(a.shape, [2, 3, 4]);
  assert.deepEqual([...a.data], [...px]);
  const i32 = new Uint8Array([0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]); // 256, -2 big-endian
  const b = parseIdx(makeIdx([2], i32, 0x0c));
  assert.deepEqual([...b.data], [256, -2]);
});

Deno.test("readIdx reads plain and gzipped files alike", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const labels = new Uint8Array([3, 1, 4, 1, 5]);
    const bytes = makeIdx([5], labels);
    await Deno.writeFile(join(dir, "l.idx"), bytes);
    await Deno.writeFile(join(dir, "l.idx.gz"), await gzip(bytes));
    assert.deepEqual([...await readIdxLabels(join(dir, "l.idx"))], [...labels]);
    assert.deepEqual([...await readIdxLabels(join(dir, "l.idx.gz"))], [...labels]);
    const img = makeIdx([2, 2, 3], new Uint8Array(12).fill(7));
    await Deno.writeFile(join(dir, "i.gz"), await gzip(img));
    const im = await readIdxImages(join(dir, "i.gz"));
    assert.deepEqual([im.n, im.rows, im.cols], [2, 2, 3]);
    await assert.rejects(readIdxImages(join(dir, "l.idx")), /l\.idx: expected idx3-ubyte images/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad magic, truncated data and corrupt gzip name the file", async () => {
  assert.throws(
    () => parseIdx(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]), "x-idx1-ubyte"),
    (e: unknown) =>
      e instanceof DatasetFormatError && e.file === "x-idx1-ubyte" &&
      /bad IDX magic 01 02 08 01/.test(e.message),
  );
  assert.throws(
    () => parseIdx(makeIdx([10], new Uint8Array(10)).subarray(0, 12), "lab"),
    /lab: truncated: shape \[10\] of uint8 needs 18 bytes, file has 12/,
  );
  assert.throws(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0]), "h"), /h: truncated header/);
  const gz = await gzip(makeIdx([100], new Uint8Array(100)));
  await assert.rejects(
    gunzip(gz.subarray(0, gz.length - 12), "cut.gz"),
    /cut\.gz: corrupt or truncated gzip/,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(join(dir, "bad.gz"), await gzip(new Uint8Array([9, 9, 9, 9])));
    await assert.rejects(
      readIdx(join(dir, "bad.gz")),
      (e: unknown) => e instanceof DatasetFormatError && e.file.endsWith("bad.gz"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
