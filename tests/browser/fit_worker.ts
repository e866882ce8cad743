/**
 * The browser test's Web Worker: `fitOptSched` with two phases and a change of optimizer (SGD, then
 * Adam) on a separable toy set, from `mod.ts` alone (no Deno, no shims), then the checks a browser
 * user relies on: the epoch table, `plotLr()`'s SVG, `saveBytes`/`loadBytes`, and the clear error of
 * a file reader. Posts one message: `{ ok, ... }` or `{ ok: false, error }`.
 * @module
 */
import {
  Adam,
  DecayType,
  ImageClassifierData,
  init,
  Learner,
  loadBytes,
  saveBytes,
  SGD,
  simpleNet,
  TrainingPhase,
} from "../../mod.ts";

/** `n` images `1 x 6 x 6` in 4 classes: a fixed random pattern per class plus noise. */
function toy(n: number, seed: number): [Float32Array, Int32Array] {
  let s = 1234;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const protos = Array.from({ length: 4 }, () => Float32Array.from({ length: 36 }, r));
  s = seed;
  const x = new Float32Array(n * 36), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 4;
    for (let j = 0; j < 36; j++) x[i * 36 + j] = protos[i % 4]![j]! + 0.6 * (r() - 0.5);
  }
  return [x, y];
}

async function main() {
  const t0 = performance.now();
  await init();
  const data = ImageClassifierData.fromArrays({
    train: toy(512, 7),
    valid: toy(128, 99),
    shape: [1, 6, 6],
    bs: 32,
  });
  const learn = Learner.fromModelData(simpleNet([36, 32, 4], { seed: 3 }), data);
  const lines: string[] = [];
  let batches = 0;
  const result = await learn.fitOptSched([
    new TrainingPhase({
      epochs: 2,
      optimizer: SGD,
      lr: { start: 0.02, end: 0.2 },
      lrDecay: DecayType.LINEAR,
      momentum: 0.9,
    }),
    new TrainingPhase({ epochs: 2, optimizer: Adam, lr: 3e-3, lrDecay: DecayType.COSINE }),
  ], { log: (l) => lines.push(l), onBatchEnd: () => batches++ });
  const svg = learn.sched.plotLr();
  const bytes = await saveBytes(learn);
  // the checkpoint restores the trained weights into a learner of another initialisation
  const other = Learner.fromModelData(simpleNet([36, 32, 4], { seed: 9 }), data);
  const weights = async (l: Learner) =>
    (await Promise.all(l.model.parameters().map((p) => p.data()))).flatMap((d) => [...d]);
  const trained = await weights(learn);
  const differedBefore = (await weights(other)).some((v, i) => v !== trained[i]);
  await loadBytes(other, bytes, "checkpoint");
  const equalAfter = (await weights(other)).every((v, i) => v === trained[i]);
  other.dispose();
  let readerError = "";
  try {
    await ImageClassifierData.fashionMnist();
  } catch (e) {
    readerError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  return {
    ok: true,
    result: JSON.parse(JSON.stringify(result)),
    lines,
    batches,
    svgStart: svg.slice(0, 200),
    svgHasPhases: svg.includes("SGD") && svg.includes("Adam"),
    checkpointBytes: bytes.length,
    differedBefore,
    equalAfter,
    readerError,
    hasDeno: "Deno" in globalThis,
    ms: performance.now() - t0,
  };
}

/** The worker's global scope (this file is type-checked with Deno's window types). */
const scope = globalThis as unknown as {
  onmessage: (() => void) | null;
  postMessage(message: unknown): void;
};
scope.onmessage = () => {
  main().then(
    (r) => scope.postMessage(r),
    (e) => scope.postMessage({ ok: false, error: String((e as Error)?.stack ?? e) }),
  );
};
