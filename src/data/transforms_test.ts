import assert from "node:assert/strict";
import {
  crop,
  flipHorizontal,
  ImageTransform,
  normalize,
  randomFlip,
  reflectIndex,
  reflectPad,
  resizeBilinear,
  tfmsFromStats,
} from "./mod.ts";

const seq = (...vals: number[]) => ({ next: () => vals.shift()! });

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `at ${i}: ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("reference ops by hand: reflect, pad, crop, flip, normalise, resize", () => {
  assert.deepEqual([-3, -2, -1, 0, 2, 3, 4, 5].map((i) => reflectIndex(i, 3)), [
    2,
    1,
    0,
    0,
    2,
    2,
    1,
    0,
  ]);
  const img = Float32Array.from([1, 2, 3, 4, 5, 6]); // 1 x 2 x 3
  const p = reflectPad(img, [1, 2, 3], 1);
  assert.deepEqual(p.shape, [1, 4, 5]);
  assert.deepEqual([...p.data], [1, 1, 2, 3, 3, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 4, 4, 5, 6, 6]);
  assert.deepEqual([...crop(p.data, p.shape, 1, 2, 2, 3)], [2, 3, 3, 5, 6, 6]);
  assert.deepEqual([...flipHorizontal(img, [1, 2, 3])], [3, 2, 1, 6, 5, 4]);
  close(normalize(new Uint8Array([0, 51, 255, 102]), [2, 1, 2], [0.1, 0.2], [0.5, 0.25], 1 / 255), [
    -0.2,
    (0.2 - 0.1) / 0.5,
    (1 - 0.2) / 0.25,
    (0.4 - 0.2) / 0.25,
  ]);
  close(resizeBilinear(Float32Array.from([0, 1]), [1, 1, 2], 1, 4), [0, 0.25, 0.75, 1]);
  close(resizeBilinear(Float32Array.from([0, 4, 8, 12]), [1, 2, 2], 1, 1), [6]);
});

Deno.test("a flip is a flip; validation transform is the identity up to normalisation", () => {
  const src = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
  const shape = [2, 3, 4] as const;
  const t = new ImageTransform({ size: [3, 4], stats: [[0, 0], [1, 1]], augTfms: [randomFlip(1)] });
  const out = new Float32Array(24);
  t.apply(src, shape, out, 0, seq(0.3));
  close(out, flipHorizontal(normalize(src, shape, [0, 0], [1, 1], 1 / 255), shape));
  const { valid } = tfmsFromStats([[0.5, 0.1], [0.2, 0.3]], 4, {
    augTfms: [randomFlip(1)],
    pad: 1,
  });
  const sq = Uint8Array.from({ length: 2 * 16 }, (_, i) => (i * 7) % 256);
  const v = new Float32Array(32);
  valid.apply(sq, [2, 4, 4], v, 0, seq());
  close(v, normalize(sq, [2, 4, 4], [0.5, 0.1], [0.2, 0.3], 1 / 255));
});

Deno.test("training transform = normalize(flip(crop(reflectPad(x)))) with the drawn offsets", () => {
  const sz = 8, pad = 2, shape = [3, sz, sz] as const;
  const src = Uint8Array.from({ length: 3 * sz * sz }, (_, i) => (i * 13 + 5) % 256);
  const stats = [[0.49, 0.48, 0.45], [0.25, 0.24, 0.26]] as const;
  const { train } = tfmsFromStats(stats, sz, { augTfms: [randomFlip()], pad });
  assert.equal(train.pad, 2);
  for (const [ry, rx, rf] of [[0, 0, 0.9], [0.99, 0.5, 0.1], [0.3, 0.99, 0.2]] as const) {
    const out = new Float32Array(train.outSize + 5);
    train.apply(src, shape, out, 5, seq(ry, rx, rf));
    const room = sz + 2 * pad - sz + 1;
    const oy = Math.floor(ry * room), ox = Math.floor(rx * room);
    const padded = reflectPad(src, shape, pad);
    let want = crop(padded.data, padded.shape, oy, ox, sz, sz);
    if (rf < 0.5) want = flipHorizontal(want, shape);
    close(out.subarray(5), normalize(want, shape, stats[0], stats[1], 1 / 255));
    assert.equal(out.length - 5, 3 * sz * sz); // a crop keeps the size
  }
});

Deno.test("resize to sz: square images bilinearly, others by the smaller side then a centre crop", () => {
  const src = Float32Array.from({ length: 5 * 5 }, (_, i) => i / 25);
  const t = new ImageTransform({ size: 3, stats: [[0], [1]] });
  const out = new Float32Array(9);
  t.apply(src, [1, 5, 5], out, 0, seq());
  close(out, resizeBilinear(src, [1, 5, 5], 3, 3));
  const wide = Float32Array.from({ length: 4 * 8 }, (_, i) => i / 32);
  assert.deepEqual(t.scaledSize(4, 8), [3, 6]);
  const o2 = new Float32Array(9);
  t.apply(wide, [1, 4, 8], o2, 0, seq());
  close(o2, crop(resizeBilinear(wide, [1, 4, 8], 3, 6), [1, 3, 6], 0, 1, 3, 3));
  const gray3 = new ImageTransform({ size: 2, stats: [[0, 0, 0], [1, 1, 2]] });
  const o3 = new Float32Array(12);
  gray3.apply(new Uint8Array([0, 255, 51, 102]), [1, 2, 2], o3, 0, seq());
  close(o3, [0, 1, 0.2, 0.4, 0, 1, 0.2, 0.4, 0, 0.5, 0.1, 0.2]);
});

Deno.test("transform options are checked", () => {
  assert.throws(() => randomFlip(2), RangeError);
  assert.throws(() => new ImageTransform({ size: 4, stats: [[0], [0]] }), /std > 0/);
  assert.throws(() => new ImageTransform({ size: 4, stats: [[0, 0], [1]] }), TypeError);
  assert.throws(() => new ImageTransform({ size: 4, stats: [[0], [1]], pad: 1.5 }), /integer pad/);
  assert.throws(
    () => tfmsFromStats([[0, 0], [1, 1]], 4, { channels: 3 }),
    /2-channel stats cannot make 3/,
  );
  const t = new ImageTransform({ size: 2, stats: [[0, 0, 0], [1, 1, 1]] });
  assert.throws(
    () => t.apply(new Uint8Array(8), [2, 2, 2], new Float32Array(12), 0, seq()),
    /2-channel image with 3-channel/,
  );
});
