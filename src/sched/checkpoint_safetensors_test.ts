/**
 * The Learner <-> safetensors mapping on its own: paths, a model without a state dict (parameter
 * indices as keys), `num_batches_tracked` and foreign metadata ignored, integer model tensors and
 * optimizer states for other layer groups refused, the optimizer state restored exactly, and the
 * injectable writer.
 */
import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../io/mod.ts";
import { simpleNet } from "../nn/mod.ts";
import { Adam } from "../optim/mod.ts";
import { init, randn, type Tensor } from "../tensor/mod.ts";
import {
  isSafetensorsPath,
  Learner,
  type LearnerData,
  safetensorsToSnapshot,
  saveSafetensors,
  snapshotToSafetensors,
  TrainingPhase,
} from "./mod.ts";

await init();

function data(shape: number[]): LearnerData {
  const n = shape.reduce((a, b) => a * b, 1);
  const batch = {
    x: Float32Array.from({ length: n }, (_, i) => Math.cos(i)),
    y: Int32Array.from({ length: shape[0]! }, (_, i) => i % 10),
    shape,
  };
  const loader = {
    length: 2,
    async *[Symbol.asyncIterator]() {
      yield batch;
      yield batch;
    },
  };
  return { train: loader, valid: loader };
}

/** A model of bare tensors (no namedParameters, no stateDict). */
class Bare {
  w: Tensor = randn([10, 12], { seed: 1, requiresGrad: true });
  b: Tensor = randn([10], { seed: 2, requiresGrad: true });
  forward(x: Tensor): Tensor {
    return x.flatten(1).matmul(this.w.transpose()).add(this.b).logSoftmax(-1);
  }
  parameters(): Tensor[] {
    return [this.w, this.b];
  }
}

Deno.test("checkpoint: which paths are safetensors", () => {
  assert.equal(isSafetensorsPath("a/model.safetensors"), true);
  assert.equal(isSafetensorsPath("MODEL.SAFETENSORS"), true);
  assert.equal(isSafetensorsPath(new URL("file:///tmp/x.safetensors")), true);
  assert.equal(isSafetensorsPath("model.tempo"), false);
  assert.equal(isSafetensorsPath("safetensors"), false);
});

Deno.test("checkpoint: a model without a state dict uses parameter indices as keys", async () => {
  const m = new Bare();
  using learn = new Learner(m, data([2, 3, 2, 2]));
  await learn.fitOptSched([new TrainingPhase({ optimizer: Adam, lr: 1e-2 })], { log: false });
  const bytes = snapshotToSafetensors(await learn.snapshot(), learn);
  const { tensors } = decodeSafetensors(bytes);
  assert.deepEqual([...tensors.keys()], [
    "0",
    "1",
    "optimizer.0.0.exp_avg",
    "optimizer.0.0.exp_avg_sq",
    "optimizer.0.1.exp_avg",
    "optimizer.0.1.exp_avg_sq",
  ]);
  const w = [...await m.w.data()];
  const opt = await (learn.opt as unknown as { stateDict(): Promise<unknown> }).stateDict();
  m.w.write(new Float32Array(120));
  await learn.restore(safetensorsToSnapshot(bytes, learn));
  assert.deepEqual([...await m.w.data()], w);
  assert.deepEqual(
    await (learn.opt as unknown as { stateDict(): Promise<unknown> }).stateDict(),
    opt,
  );
  for (const t of m.parameters()) t.dispose();
});

Deno.test("checkpoint: num_batches_tracked and foreign metadata are ignored; integer weights refused", async () => {
  using net = simpleNet([12, 4, 10], { seed: 3 });
  using learn = new Learner(net, data([2, 3, 2, 2]));
  const sd = await net.stateDict();
  const tensors = new Map<string, SafetensorsTensor>(
    Object.entries(sd).map(([k, v]) => [k, { dtype: "F32", ...v }]),
  );
  const extra = new Map(tensors);
  extra.set("1.num_batches_tracked", { dtype: "F32", shape: [], data: new Float32Array([3]) });
  const meta = { metadata: { format: "pt", producer: "someone" } };
  const snap = safetensorsToSnapshot(encodeSafetensors(extra, meta), learn);
  assert.equal(snap.opt, undefined);
  assert.deepEqual(Object.keys(snap.model as object), Object.keys(sd));
  const ints = new Map(tensors);
  ints.set("1.bias", { dtype: "I32", shape: [4], data: new Int32Array(4) });
  assert.throws(
    () => safetensorsToSnapshot(encodeSafetensors(ints), learn, "i.safetensors"),
    /Cannot load i\.safetensors: missing keys \[\], unexpected keys \[\], first shape mismatch '1\.bias' expected a float tensor, got I32/,
  );
});

Deno.test("checkpoint: an optimizer state for other layer groups, or with stray keys, is refused", async () => {
  using net = simpleNet([12, 4, 10], { seed: 4 });
  using learn = new Learner(net, data([2, 3, 2, 2]));
  await learn.fitOptSched([new TrainingPhase({ optimizer: Adam, lr: 1e-2 })], { log: false });
  const bytes = snapshotToSafetensors(await learn.snapshot(), learn);
  // the same model with all its parameters in one group
  using other = simpleNet([12, 4, 10], { seed: 5 });
  other.setLayerGroups([other.children()]);
  using l2 = new Learner(other, data([2, 3, 2, 2]));
  assert.throws(
    () => safetensorsToSnapshot(bytes, l2, "g.safetensors"),
    /the optimizer state is for the layer groups \[\[\],\["1.weight","1.bias"\],\[\],\["3.weight","3.bias"\],\[\]\], the learner has \[\["1.weight","1.bias","3.weight","3.bias"\]\]/,
  );
  const { tensors, metadata } = decodeSafetensors(bytes);
  tensors.set("optimizer.9.x.exp_avg", {
    dtype: "F32",
    shape: [1],
    data: new Float32Array(1),
    fileDtype: "F32",
  });
  assert.throws(
    () => safetensorsToSnapshot(encodeSafetensors(tensors, { metadata }), learn),
    /unexpected optimizer keys \[optimizer\.9\.x\.exp_avg\]/,
  );
  const bad = { ...metadata, "tempo.optimizer": JSON.stringify({ class: "Adam", slots: [] }) };
  assert.throws(
    () => safetensorsToSnapshot(encodeSafetensors(tensors, { metadata: bad }), learn),
    /expected tempo.optimizer \{ class, slots, groups: \[\{ hypers, params, steps, tags \}\] \}/,
  );
});

Deno.test("checkpoint: saveSafetensors writes through the given writer", async () => {
  using net = simpleNet([12, 4, 10], { seed: 6 });
  using learn = new Learner(net, data([2, 3, 2, 2]));
  const writes: [string | URL, Uint8Array][] = [];
  const snap = await learn.snapshot();
  await saveSafetensors(learn, snap, "x.safetensors", (p, b) => {
    writes.push([p, b]);
    return Promise.resolve();
  });
  assert.equal(writes.length, 1);
  assert.equal(writes[0]![0], "x.safetensors");
  assert.deepEqual(writes[0]![1], snapshotToSafetensors(snap, learn));
  const { metadata } = decodeSafetensors(writes[0]![1]);
  assert.deepEqual(metadata, { format: "pt", "tempo.format": "1" });
});
