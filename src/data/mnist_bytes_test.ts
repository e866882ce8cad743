import assert from "node:assert/strict";
import {
  DatasetFormatError,
  FASHION_MNIST_CLASSES,
  ImageClassifierData,
  mnistFromBytes,
} from "./mod.ts";
import { gzip, makeIdx } from "./_test_helpers.ts";

function files(nTrain: number, nTest: number) {
  return {
    trainImages: makeIdx(
      [nTrain, 28, 28],
      Uint8Array.from({ length: nTrain * 784 }, (_, i) => i % 251),
    ),
    trainLabels: makeIdx([nTrain], Uint8Array.from({ length: nTrain }, (_, i) => i % 10)),
    testImages: makeIdx([nTest, 28, 28], new Uint8Array(nTest * 784).fill(2)),
    testLabels: makeIdx([nTest], new Uint8Array(nTest).fill(9)),
  };
}

Deno.test("mnistFromBytes parses the four IDX files from bytes, gzipped or plain", async () => {
  const plain = files(12, 5);
  const zipped = { ...plain, trainImages: await gzip(plain.trainImages) };
  for (const f of [plain, zipped]) {
    const ds = await mnistFromBytes(f, FASHION_MNIST_CLASSES);
    assert.equal(ds.train.n, 12);
    assert.equal(ds.test.n, 5);
    assert.equal(ds.train.images[784 + 3], (784 + 3) % 251);
    assert.deepEqual([...ds.train.labels.subarray(0, 3)], [0, 1, 2]);
    assert.equal(ds.classes[ds.test.labels[0]!], "Ankle boot");
  }
});

Deno.test("mnistFromBytes rejects swapped files, bad labels and non-bytes", async () => {
  const f = files(4, 2);
  await assert.rejects(
    mnistFromBytes({ ...f, trainImages: f.trainLabels }),
    (e: Error) => e instanceof DatasetFormatError && /trainImages.*idx3-ubyte/.test(e.message),
  );
  await assert.rejects(
    mnistFromBytes(f, ["a", "b"]),
    (e: Error) => e instanceof DatasetFormatError && /label 2 at 2 >= 2 classes/.test(e.message),
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    mnistFromBytes({ ...f, testLabels: [1, 2] as any }),
    (e: Error) => e instanceof TypeError && /testLabels as a Uint8Array/.test(e.message),
  );
});

Deno.test("ImageClassifierData.fromMnistBytes batches what the bytes hold", async () => {
  const data = await ImageClassifierData.fromMnistBytes(files(10, 4), { bs: 4 });
  assert.deepEqual(data.classes, [...FASHION_MNIST_CLASSES]);
  let n = 0;
  for await (const b of data.valid) {
    assert.deepEqual(b.shape.slice(1), [1, 28, 28]);
    assert.ok([...b.y].every((y) => y === 9));
    n += b.y.length;
  }
  assert.equal(n, 4);
});
