/**
 * Shared set-up of `resume_test.ts` and its child process: shuffled, augmented data (random flips
 * and crops), a model with dropout, and a two-phase schedule (SGD with momentum, then Adam).
 * @module
 */
import { ImageClassifierData, randomFlip, tfmsFromStats } from "../src/data/mod.ts";
import { Dropout, Flatten, Linear, LogSoftmax, ReLU, Sequential } from "../src/nn/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { DecayType, Learner, TrainingPhase } from "../src/sched/mod.ts";
import { init } from "../src/tensor/mod.ts";
import { synthImages } from "./_notebook_helpers.ts";

/** 96 training images in batches of 16 (6 per epoch), shuffled and augmented. */
export function resumeData(): ImageClassifierData {
  const tfms = tfmsFromStats([[0.5, 0.5, 0.5], [0.25, 0.25, 0.25]], 8, {
    augTfms: [randomFlip()],
    pad: 1,
  });
  return ImageClassifierData.fromArrays({
    train: synthImages(96, 8, 5),
    valid: synthImages(32, 8, 105),
    shape: [3, 8, 8],
    tfms,
    bs: 16,
    seed: 3,
  });
}

/** A small MLP with dropout (seeded mask stream), initialised from `seed`. */
export function resumeModel(seed: number, hidden = 24): Sequential {
  return new Sequential(
    new Flatten(),
    new Linear(192, hidden, { seed }),
    new ReLU(),
    new Dropout(0.2, { seed: 11 }),
    new Linear(hidden, 10, { seed: seed + 1 }),
    new LogSoftmax(),
  );
}

/** 1 epoch of SGD (linear lr, momentum), then 1.5 epochs of Adam (cosine): 15 batches. */
export function resumePhases(): TrainingPhase[] {
  return [
    new TrainingPhase({
      epochs: 1,
      optimizer: SGD,
      lr: { start: 1e-2, end: 5e-2 },
      lrDecay: DecayType.LINEAR,
      momentum: 0.9,
    }),
    new TrainingPhase({
      epochs: 1.5,
      optimizer: Adam,
      lr: { start: 3e-3, end: 1e-4 },
      lrDecay: DecayType.COSINE,
      momentum: { start: 0.95, end: 0.85 },
      momentumDecay: DecayType.LINEAR,
      wds: 1e-3,
    }),
  ];
}

/** A learner on fresh data, after `init()`. */
export async function resumeLearner(seed: number, hidden = 24): Promise<Learner> {
  await init();
  return new Learner(resumeModel(seed, hidden), resumeData());
}

/** Every parameter's values, concatenated. */
export async function allWeights(learn: Learner): Promise<Float32Array> {
  const parts = await Promise.all(learn.model.parameters().map((p) => p.data()));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p as Float32Array, o);
    o += p.length;
  }
  return out;
}
