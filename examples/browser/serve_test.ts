import assert from "node:assert/strict";
import { FASHION_MNIST_FILES, mnistFromBytes } from "../../mod.ts";
import { serveFiles } from "./serve.ts";

Deno.test("serve.ts: the generated Fashion-MNIST stand-in, the repository, no way out", async () => {
  const ac = new AbortController();
  const server = serveFiles({ port: 0, fashionMnistDir: "/nonexistent", signal: ac.signal });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const source = await (await fetch(`${base}/data/fashion-mnist/source.json`)).json();
    assert.equal(source.source, "synthetic");
    const get = async (f: string) =>
      new Uint8Array(await (await fetch(`${base}/data/fashion-mnist/${f}`)).arrayBuffer());
    const ds = await mnistFromBytes({
      trainImages: await get(FASHION_MNIST_FILES.trainImages),
      trainLabels: await get(FASHION_MNIST_FILES.trainLabels),
      testImages: await get(FASHION_MNIST_FILES.testImages),
      testLabels: await get(FASHION_MNIST_FILES.testLabels),
    });
    assert.deepEqual([ds.train.n, ds.test.n, ds.train.rows, ds.train.cols], [6000, 1000, 28, 28]);
    assert.equal(new Set(ds.train.labels).size, 10);
    const page = await fetch(`${base}/examples/browser/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.match(await page.text(), /1cycle on Fashion-MNIST/);
    const out = await fetch(`${base}/examples%2F..%2F..%2F..%2Fetc%2Fpasswd`); // %2F: not normalised
    assert.equal(out.status, 400);
    await out.body?.cancel();
    const missing = await fetch(`${base}/data/fashion-mnist/nothing.gz`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    ac.abort();
    await server.finished;
  }
});
