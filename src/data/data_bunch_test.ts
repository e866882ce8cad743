import assert from "node:assert/strict";
import { join } from "node:path";
// deno-lint-ignore no-import-prefix
import { encode } from "npm:fast-png@8.0.0";
import { FASHION_MNIST_FILES, ImageClassifierData, randomFlip, tfmsFromStats } from "./mod.ts";
import { makeIdx, pattern } from "./_test_helpers.ts";

Deno.test("fromPaths: the notebook's get_data on a small PNG tree with test as validation", async () => {
  const root = await Deno.makeTempDir();
  try {
    const classes = ["plane", "car", "bird"];
    for (const split of ["train", "test"]) {
      for (const [k, cls] of classes.entries()) {
        await Deno.mkdir(join(root, split, cls), { recursive: true });
        for (let i = 0; i < (split === "train" ? 3 : 1); i++) {
          const [h, w] = i === 2 ? [40, 48] : [32, 32]; // one image of another size
          const png = encode({
            width: w,
            height: h,
            channels: 3,
            depth: 8,
            data: pattern(h, w, 3).map((v) => (v + k) % 256),
          });
          await Deno.writeFile(join(root, split, cls, `${i}.png`), png);
        }
      }
    }
    const sz = 32, bs = 4;
    const stats = [[0.4914, 0.48216, 0.44653], [0.24703, 0.24349, 0.26159]] as const;
    const tfms = tfmsFromStats(stats, sz, { augTfms: [randomFlip()], pad: Math.floor(sz / 8) });
    const data = ImageClassifierData.fromPaths(root, { valName: "test", tfms, bs });
    assert.deepEqual(data.classes, ["bird", "car", "plane"]);
    assert.deepEqual([data.c, data.sz, data.bs, data.train.length, data.valid.length], [
      3,
      32,
      4,
      3,
      1,
    ]);
    const shapes = [];
    for await (const b of data.train) {
      shapes.push(b.shape);
      assert.ok(b.x.every(Number.isFinite));
    }
    assert.deepEqual(shapes, [[4, 3, 32, 32], [4, 3, 32, 32], [1, 3, 32, 32]]);
    for await (const b of data.valid) assert.deepEqual([...b.y], [0, 1, 2]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("fromIdx / fashionMnist: 1 or 3 channels, sz 32 by resize or pad", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const img = new Uint8Array(5 * 784).fill(255);
    await Deno.writeFile(
      join(dir, FASHION_MNIST_FILES.trainImages.replace(".gz", "")),
      makeIdx([5, 28, 28], img),
    );
    await Deno.writeFile(
      join(dir, FASHION_MNIST_FILES.trainLabels.replace(".gz", "")),
      makeIdx([5], new Uint8Array([0, 1, 2, 3, 4])),
    );
    await Deno.writeFile(
      join(dir, FASHION_MNIST_FILES.testImages.replace(".gz", "")),
      makeIdx([2, 28, 28], img.subarray(0, 2 * 784)),
    );
    await Deno.writeFile(
      join(dir, FASHION_MNIST_FILES.testLabels.replace(".gz", "")),
      makeIdx([2], new Uint8Array([9, 8])),
    );
    const one = await ImageClassifierData.fashionMnist({ path: dir, bs: 2 });
    assert.deepEqual([one.c, one.sz, one.channels, one.classes[9]], [10, 28, 1, "Ankle boot"]);
    for await (const b of one.valid) assert.deepEqual(b.shape, [2, 1, 28, 28]);
    const rs = await ImageClassifierData.fashionMnist({ path: dir, bs: 2, sz: 32, channels: 3 });
    for await (const b of rs.valid) {
      assert.deepEqual(b.shape, [2, 3, 32, 32]);
      assert.ok(Math.abs(b.x[0]! - (1 - 0.2860406) / 0.3530242) < 1e-4); // a white image stays white
    }
    const pd = await ImageClassifierData.fromIdx(dir, {
      bs: 2,
      sz: 32,
      fit: "pad",
      stats: [[0], [1]],
    });
    for await (const b of pd.valid) {
      assert.deepEqual(b.shape, [2, 1, 32, 32]);
      assert.deepEqual([b.x[0], b.x[2 * 32 + 2], b.x[29 * 32 + 29], b.x[30 * 32 + 30]], [
        0,
        1,
        1,
        0,
      ]);
    }
    await assert.rejects(
      ImageClassifierData.fromIdx(dir, { sz: 20, fit: "pad" }),
      /fit "pad" needs sz >= 28/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fromArrays and fromCifar10", async () => {
  const x = new Uint8Array(6 * 3 * 4 * 4), y = [0, 1, 2, 0, 1, 2];
  const data = ImageClassifierData.fromArrays({
    train: [x, y],
    valid: [x, y],
    shape: [3, 4, 4],
    bs: 4,
  });
  assert.deepEqual([data.c, data.sz, data.train.length], [3, 4, 2]);
  assert.throws(
    () =>
      ImageClassifierData.fromArrays({
        train: [x, y],
        valid: [x, y],
        shape: [3, 4, 4],
        classes: ["a"],
      }),
    /labels go up to 2/,
  );
  const dir = await Deno.makeTempDir();
  try {
    const rec = new Uint8Array(3 * 3073);
    rec[3073] = 5;
    for (let i = 1; i <= 5; i++) await Deno.writeFile(join(dir, `data_batch_${i}.bin`), rec);
    await Deno.writeFile(join(dir, "test_batch.bin"), rec);
    const c = await ImageClassifierData.fromCifar10({ path: dir, bs: 8 });
    assert.deepEqual([c.c, c.sz, c.train.length, c.valid.length, c.classes[5]], [
      10,
      32,
      2,
      1,
      "dog",
    ]);
    for await (const b of c.valid) assert.deepEqual([...b.y], [0, 5, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shuffle: training batches in order with shuffle: false, shuffled by default", async () => {
  const n = 12, size = 3 * 2 * 2;
  const x = new Float32Array(n * size).map((_, i) => Math.floor(i / size) / n); // image i is all i/n
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const order = async (data: ImageClassifierData) => {
    const seen: number[] = [];
    for await (const b of data.train) {
      for (let i = 0; i < b.y.length; i++) seen.push(Math.round(b.x[i * size]! * n));
    }
    return seen;
  };
  const make = (shuffle?: boolean) =>
    ImageClassifierData.fromArrays({
      train: [x, y],
      valid: [x, y],
      shape: [3, 2, 2],
      bs: 5,
      shuffle,
    });
  const inOrder = Array.from({ length: n }, (_, i) => i);
  const fixed = make(false);
  assert.deepEqual(await order(fixed), inOrder);
  assert.deepEqual(await order(fixed), inOrder, "the second epoch too");
  const shuffled = make();
  const first = await order(shuffled);
  assert.notDeepEqual(first, inOrder);
  assert.deepEqual([...first].sort((a, b) => a - b), inOrder);
  assert.notDeepEqual(await order(shuffled), first, "a new order each epoch");
  assert.throws(() => make("no" as never), /option 'shuffle': expected a boolean, got "no"/);
});
