// The demo's Web Worker: it loads Fashion-MNIST from the server (the same IDX parser as in Deno, on
// fetched bytes), trains fastai's notebook 1cycle (phases1cycle: SGD, lr up then down, momentum
// down then up) on simpleNet, and posts progress, epoch rows, the lr/loss SVG plots and finally a
// few test images with their predictions to the page. The page stays responsive: all GPU work and
// every readback happen here.

// the browser build, `deno task bundle` (a computed URL: type checks of examples/ need no build;
// not awaited here, so that the page's message finds the handler set)
const tempo = import(new URL("../../dist/tempo.js", import.meta.url).href);
tempo.catch(() => {}); // reported by train()

const post = (type, data = {}) => self.postMessage({ type, ...data });

async function fetchBytes(name) {
  const res = await fetch(`/data/fashion-mnist/${name}`);
  if (!res.ok) throw new Error(`GET /data/fashion-mnist/${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The first `n` images (and labels) of a split, as a smaller split. */
function head(split, n) {
  n = Math.min(n, split.n);
  return {
    ...split,
    n,
    images: split.images.subarray(0, n * 784),
    labels: split.labels.subarray(0, n),
  };
}

async function train({ nTrain, epochs, lr, bs }) {
  const t0 = performance.now();
  const {
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_FILES,
    FASHION_MNIST_STATS,
    ImageClassifierData,
    init,
    Learner,
    mnistFromBytes,
    phases1cycle,
    saveBytes,
    simpleNet,
    tensor,
  } = await tempo;
  const dev = await init();
  post("status", { text: `WebGPU: ${dev.description}. Loading Fashion-MNIST...` });
  const source = await (await fetch("/data/fashion-mnist/source.json")).json();
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    Object.values(FASHION_MNIST_FILES).map(fetchBytes),
  );
  const ds = await mnistFromBytes(
    { trainImages, trainLabels, testImages, testLabels },
    FASHION_MNIST_CLASSES,
  );
  // a subset keeps the demo short on a software adapter (?n=60000 trains on everything); for the
  // whole set, ImageClassifierData.fromMnistBytes(files, { bs }) does this in one call
  const train = head(ds.train, nTrain), test = head(ds.test, 2000);
  const data = ImageClassifierData.fromArrays({
    train: [train.images, train.labels],
    valid: [test.images, test.labels],
    shape: [1, 28, 28],
    classes: ds.classes,
    stats: FASHION_MNIST_STATS,
    bs,
  });
  post("status", {
    text: `Data: ${
      source.source === "synthetic"
        ? "a generated stand-in (install dataset-fashion-mnist for the real one)"
        : "Fashion-MNIST"
    }, ` +
      `${train.n} training and ${test.n} test images. Training...`,
  });
  const learn = Learner.fromModelData(simpleNet([784, 100, 10], { seed: 1 }), data);
  const phases = phases1cycle({
    cycleLen: epochs,
    lr,
    div: 10,
    pct: 10,
    maxMom: 0.95,
    minMom: 0.85,
  });
  const perEpoch = Math.ceil(train.n / bs);
  const total = perEpoch * epochs;
  let lastPost = 0, lastPlot = 0;
  const tFit = performance.now();
  const plots = () => ({
    lr: learn.sched.plotLr({ showMoms: true }),
    loss: learn.sched.plotLoss(),
  });
  const result = await learn.fitOptSched(phases, {
    log: (line) => post("log", { line }),
    onBatchEnd: (it) => {
      const now = performance.now();
      if (now - lastPost < 150 && it < total) return;
      lastPost = now;
      const rec = learn.sched.recorder;
      post("progress", { it, total, loss: rec.losses.at(-1), elapsed: (now - tFit) / 1000 });
      if (now - lastPlot > 2000 && rec.losses.length > 1) {
        lastPlot = now;
        post("plots", plots());
      }
    },
  });
  post("plots", plots());
  // predictions for the first 12 test images
  const n = 12, [mean, std] = [FASHION_MNIST_STATS[0][0], FASHION_MNIST_STATS[1][0]];
  const px = Float32Array.from(test.images.subarray(0, n * 784), (p) => (p / 255 - mean) / std);
  learn.model.eval();
  const x = tensor(px, { shape: [n, 1, 28, 28] });
  const out = learn.model.forward(x);
  const logp = await out.data();
  x.dispose();
  out.dispose();
  const preds = [];
  for (let i = 0; i < n; i++) {
    const row = logp.subarray(i * 10, i * 10 + 10);
    const k = row.indexOf(Math.max(...row));
    preds.push({
      pixels: test.images.slice(i * 784, (i + 1) * 784),
      label: ds.classes[test.labels[i]],
      pred: ds.classes[k],
      p: Math.exp(row[k]),
    });
  }
  const checkpoint = await saveBytes(learn);
  post("done", {
    result: JSON.parse(JSON.stringify(result)),
    preds,
    seconds: (performance.now() - t0) / 1000,
    checkpoint,
  });
}

self.onmessage = (e) => {
  train(e.data).catch((err) => post("error", { text: String(err?.stack ?? err) }));
};
