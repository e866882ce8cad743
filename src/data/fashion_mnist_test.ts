import assert from "node:assert/strict";
import { join } from "node:path";
import { DatasetNotFoundError, FASHION_MNIST_FILES, loadFashionMnist } from "./mod.ts";
import { gzip, makeIdx } from "./_test_helpers.ts";

async function writeMnist(dir: string, nTrain: number, nTest: number, zip: boolean): Promise<void> {
  const files: [string, Uint8Array][] = [
    [
      FASHION_MNIST_FILES.trainImages,
      makeIdx([nTrain, 28, 28], new Uint8Array(nTrain * 784).fill(1)),
    ],
    [
      FASHION_MNIST_FILES.trainLabels,
      makeIdx([nTrain], Uint8Array.from({ length: nTrain }, (_, i) => i % 10)),
    ],
    [FASHION_MNIST_FILES.testImages, makeIdx([nTest, 28, 28], new Uint8Array(nTest * 784).fill(2))],
    [FASHION_MNIST_FILES.testLabels, makeIdx([nTest], new Uint8Array(nTest).fill(9))],
  ];
  for (const [name, bytes] of files) {
    if (zip) await Deno.writeFile(join(dir, name), await gzip(bytes));
    else await Deno.writeFile(join(dir, name.replace(/\.gz$/, "")), bytes);
  }
}

Deno.test("loadFashionMnist reads a given folder, gzipped or plain", async () => {
  for (const zip of [true, false]) {
    const dir = await Deno.makeTempDir();
    try {
      await writeMnist(dir, 12, 5, zip);
      const ds = await loadFashionMnist({ path: dir });
      assert.equal(ds.train.n, 12);
      assert.equal(ds.test.n, 5);
      assert.equal(ds.train.images.length, 12 * 784);
      assert.equal(ds.classes[ds.test.labels[0]!], "Ankle boot");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("loadFashionMnist downloads once into the cache, with progress", async () => {
  const src = await Deno.makeTempDir(), cache = await Deno.makeTempDir();
  let requests = 0;
  const ac = new AbortController();
  const server = Deno.serve({ port: 0, signal: ac.signal, onListen() {} }, async (req) => {
    requests++;
    const file = new URL(req.url).pathname.slice(1);
    try {
      return new Response(await Deno.readFile(join(src, file)));
    } catch {
      return new Response("no", { status: 404 });
    }
  });
  try {
    await writeMnist(src, 3, 2, true);
    const mirrors = ["http://127.0.0.1:1/", `http://127.0.0.1:${server.addr.port}/`]; // first mirror is dead
    const lines: string[] = [];
    const cacheDir = join(cache, "fm");
    const opts = { cacheDir, searchDirs: [cacheDir], mirrors, log: (l: string) => lines.push(l) };
    const [a, b] = [await loadFashionMnist(opts), await loadFashionMnist(opts)];
    assert.equal(requests, 4);
    assert.equal(a.train.n, 3);
    assert.equal(b.path, cacheDir);
    assert.ok(
      lines.some((l) =>
        /Downloading http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz/.test(l)
      ),
    );
  } finally {
    ac.abort();
    await server.finished;
    await Deno.remove(src, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("a missing dataset says what to install or pass", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      loadFashionMnist({ path: dir }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError && /lacks train-images-idx3-ubyte\.gz/.test(e.message),
    );
    const cacheDir = join(dir, "c");
    await assert.rejects(
      loadFashionMnist({ cacheDir, searchDirs: [cacheDir], download: false }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError &&
        /apt-get install dataset-fashion-mnist/.test(e.message) &&
        /\{ path \}/.test(e.message),
    );
    await assert.rejects(
      loadFashionMnist({
        cacheDir,
        searchDirs: [cacheDir],
        mirrors: ["http://127.0.0.1:1/"],
        log: () => {},
      }),
      /download failed: could not download train-images-idx3-ubyte\.gz.*apt-get install/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
