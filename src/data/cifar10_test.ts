import assert from "node:assert/strict";
import { join } from "node:path";
import { DatasetFormatError, DatasetNotFoundError, loadCifar10, parseCifar10Batch } from "./mod.ts";

function batch(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    out[i * 3073] = l;
    out.fill(i + 1, i * 3073 + 1, i * 3073 + 1 + 1024); // red plane
    out.fill(100 + i, i * 3073 + 2049, (i + 1) * 3073); // blue plane
  });
  return out;
}

Deno.test("parseCifar10Batch splits labels and CHW pixels", () => {
  const b = parseCifar10Batch(batch([3, 9]));
  assert.equal(b.n, 2);
  assert.deepEqual([...b.labels], [3, 9]);
  assert.equal(b.images[0], 1); // image 0, red
  assert.equal(b.images[1024], 0); // image 0, green
  assert.equal(b.images[3072 + 2048], 101); // image 1, blue
});

Deno.test("loadCifar10 reads a cifar-10-batches-bin folder (or its parent)", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "cifar-10-batches-bin");
    await Deno.mkdir(dir);
    for (let i = 1; i <= 5; i++) {
      await Deno.writeFile(join(dir, `data_batch_${i}.bin`), batch([i, 0]));
    }
    await Deno.writeFile(join(dir, "test_batch.bin"), batch([7]));
    await Deno.writeTextFile(join(dir, "batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
    const ds = await loadCifar10({ path: root });
    assert.equal(ds.train.n, 10);
    assert.deepEqual([...ds.train.labels], [1, 0, 2, 0, 3, 0, 4, 0, 5, 0]);
    assert.equal(ds.test.n, 1);
    assert.equal(ds.classes[7], "h");
    const only = await loadCifar10({
      trainFiles: [join(dir, "data_batch_2.bin")],
      testFiles: [join(dir, "test_batch.bin")],
    });
    assert.equal(only.train.n, 2);
    assert.equal(only.classes[0], "airplane");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("truncated batches and missing files are reported by name", async () => {
  const bytes = batch([1, 2]);
  assert.throws(
    () => parseCifar10Batch(bytes.subarray(0, 3073 + 100), "data_batch_3.bin"),
    (e: unknown) =>
      e instanceof DatasetFormatError && e.file === "data_batch_3.bin" &&
      /size 3173 bytes is not a positive multiple of the 3073-byte/.test(e.message) &&
      /1 whole records and 100 extra/.test(e.message),
  );
  assert.throws(
    () => parseCifar10Batch(new Uint8Array(0), "empty.bin"),
    /empty\.bin: size 0 bytes/,
  );
  const bad = batch([1]);
  bad[0] = 12;
  assert.throws(() => parseCifar10Batch(bad, "b.bin"), /b\.bin: record 0 has label 12/);
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      loadCifar10({ path: dir }),
      (e: unknown) => e instanceof DatasetNotFoundError && /data_batch_1\.bin/.test(e.message),
    );
    await assert.rejects(loadCifar10(), /pass \{ path \}/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
