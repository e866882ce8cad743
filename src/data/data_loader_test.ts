import assert from "node:assert/strict";
import {
  ArrayDataset,
  type Batch,
  DataLoader,
  type Dataset,
  randomFlip,
  tfmsFromStats,
} from "./mod.ts";

/** 10 images 1x2x2 whose pixels all equal the index, labels = index. */
function tiny(n = 10): ArrayDataset {
  const px = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) px.fill(i, i * 4, i * 4 + 4);
  return new ArrayDataset(px, Array.from({ length: n }, (_, i) => i), [1, 2, 2]);
}

async function epoch(
  dl: DataLoader,
): Promise<{ labels: number[]; shapes: number[][]; xs: number[] }> {
  const labels: number[] = [], shapes: number[][] = [], xs: number[] = [];
  for await (const b of dl) {
    labels.push(...b.y);
    shapes.push([...b.shape]);
    xs.push(...b.x);
  }
  return { labels, shapes, xs };
}

Deno.test("batches, partial last batch, dropLast, length, values scaled to 0..1", async () => {
  const dl = new DataLoader(tiny(), { batchSize: 4 });
  assert.equal(dl.length, 3);
  const e = await epoch(dl);
  assert.deepEqual(e.labels, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(e.shapes, [[4, 1, 2, 2], [4, 1, 2, 2], [2, 1, 2, 2]]);
  assert.ok(Math.abs(e.xs[4 * 9]! - 9 / 255) < 1e-7);
  const dd = new DataLoader(tiny(), { batchSize: 4, dropLast: true });
  assert.equal(dd.length, 2);
  assert.deepEqual((await epoch(dd)).labels, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(new DataLoader(tiny(8), { batchSize: 4, dropLast: true }).length, 2);
});

Deno.test("seeded shuffle: same seed same order, epochs differ, every sample once", async () => {
  const mk = (seed: number) => new DataLoader(tiny(), { batchSize: 3, shuffle: true, seed });
  const a = mk(7), b = mk(7), c = mk(8);
  const [a0, a1, b0, b1, c0] = [
    await epoch(a),
    await epoch(a),
    await epoch(b),
    await epoch(b),
    await epoch(c),
  ];
  assert.deepEqual(a0.labels, b0.labels);
  assert.deepEqual(a1.labels, b1.labels);
  assert.notDeepEqual(a0.labels, a1.labels);
  assert.notDeepEqual(a0.labels, c0.labels);
  assert.deepEqual([...a0.labels].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...a.order(1)], a1.labels);
  b.epoch = 0;
  assert.deepEqual((await epoch(b)).labels, a0.labels);
});

Deno.test("augmentation is reproducible whatever the prefetch depth", async () => {
  const ds = new ArrayDataset(
    Uint8Array.from({ length: 20 * 3 * 8 * 8 }, (_, i) => (i * 31) % 256),
    new Int32Array(20),
    [3, 8, 8],
  );
  const { train } = tfmsFromStats([[0.5, 0.5, 0.5], [0.2, 0.2, 0.2]], 8, {
    augTfms: [randomFlip()],
    pad: 1,
  });
  const runs = [];
  for (const prefetch of [0, 1, 3]) {
    runs.push(
      (await epoch(
        new DataLoader(ds, { batchSize: 6, shuffle: true, seed: 3, tfm: train, prefetch }),
      )).xs,
    );
  }
  assert.deepEqual(runs[0], runs[1]);
  assert.deepEqual(runs[0], runs[2]);
});

Deno.test("output buffers are reused (double-buffered) and the next batch is prefetched", async () => {
  let gets = 0;
  const base = tiny(12);
  const counted: Dataset = { length: 12, shape: base.shape, get: (i) => (gets++, base.get(i)) };
  const dl = new DataLoader(counted, { batchSize: 4 });
  const seen: Batch[] = [];
  for await (const b of dl) {
    seen.push(b);
    await new Promise((r) => setTimeout(r, 5)); // the consumer "uploads"
    assert.equal(gets, Math.min(12, (b.index + 2) * 4)); // the next batch is ready meanwhile
  }
  assert.equal(seen[0]!.x.buffer, seen[2]!.x.buffer);
  assert.notEqual(seen[0]!.x.buffer, seen[1]!.x.buffer);
  const again: ArrayBufferLike[] = [];
  for await (const b of dl) again.push(b.x.buffer);
  assert.equal(again[0], seen[0]!.x.buffer);
});

Deno.test("async datasets, errors propagate, one iteration at a time", async () => {
  const base = tiny(5);
  const slow: Dataset = {
    length: 5,
    shape: base.shape,
    get: async (i) => (await Promise.resolve(), base.get(i)),
  };
  assert.deepEqual((await epoch(new DataLoader(slow, { batchSize: 2 }))).labels, [0, 1, 2, 3, 4]);
  const bad: Dataset = {
    length: 5,
    shape: base.shape,
    get: (i) => {
      if (i === 3) throw new Error("broken sample 3");
      return base.get(i);
    },
  };
  await assert.rejects(epoch(new DataLoader(bad, { batchSize: 2 })), /broken sample 3/);
  const dl = new DataLoader(base, { batchSize: 2 });
  const it = dl[Symbol.asyncIterator]();
  await it.next();
  await assert.rejects(epoch(dl), /already running/);
  await it.return();
  assert.equal((await epoch(dl)).labels.length, 5);
  assert.throws(() => new DataLoader(base, { batchSize: 0 }), /batchSize >= 1/);
  assert.throws(() => new DataLoader({ length: 1, get: () => base.get(0) }), /pass a tfm/);
});
