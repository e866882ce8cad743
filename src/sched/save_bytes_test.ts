import assert from "node:assert/strict";
import { ImageClassifierData } from "../data/mod.ts";
import { simpleNet } from "../nn/mod.ts";
import { init } from "../tensor/mod.ts";
import { CheckpointError, Learner, loadBytes, saveBytes } from "./mod.ts";

await init();

const data = ImageClassifierData.fromArrays({
  train: [
    new Float32Array(8 * 4).map((_, i) => (i % 7) / 7),
    Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]),
  ],
  valid: [new Float32Array(4 * 4), Int32Array.from([0, 1, 2, 0])],
  shape: [1, 2, 2],
  bs: 4,
});

const weights = async (l: Learner) =>
  (await Promise.all(l.model.parameters().map((p) => p.data()))).flatMap((d) => [...d]);

Deno.test("saveBytes / loadBytes carry the weights from one learner to another", async () => {
  const a = Learner.fromModelData(simpleNet([4, 5, 3], { seed: 1 }), data);
  const b = Learner.fromModelData(simpleNet([4, 5, 3], { seed: 2 }), data);
  try {
    const wa = await weights(a);
    assert.notDeepEqual(await weights(b), wa);
    const bytes = await saveBytes(a);
    assert.ok(bytes instanceof Uint8Array && bytes.length > 4 * wa.length);
    await loadBytes(b, bytes, "a.tempo");
    assert.deepEqual(await weights(b), wa);
  } finally {
    a.dispose();
    b.dispose();
  }
});

Deno.test("loadBytes names what it got when the bytes are not a tempo state", async () => {
  const a = Learner.fromModelData(simpleNet([4, 3], { seed: 1 }), data);
  try {
    await assert.rejects(
      loadBytes(a, new TextEncoder().encode("PK\x03\x04 a zip"), "upload.zip"),
      (e: Error) =>
        e instanceof CheckpointError && e.problem === "not-a-checkpoint" &&
        /upload\.zip: .*expected a tempo checkpoint/.test(e.message),
    );
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      loadBytes(a, "bytes" as any),
      (e: Error) => e instanceof TypeError && /expected a Uint8Array, got string/.test(e.message),
    );
  } finally {
    a.dispose();
  }
});
