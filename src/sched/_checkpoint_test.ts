import assert from "node:assert/strict";
import { concatChunks, crc32, decodeCheckpoint, encodeCheckpoint } from "./_checkpoint.ts";
import { CheckpointError } from "./checkpoint_error.ts";
import type { Saved } from "./_state.ts";

const state: Saved = {
  model: {
    w: { kind: "tensor", dtype: "f32", shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    n: { kind: "tensor", dtype: "i32", shape: [2], data: Int32Array.from([7, -8]) },
  },
  opt: { step: 3, lr: [0.1, 0.2], moms: new Float64Array([0.9]), name: "SGD", none: null },
};

Deno.test("crc32 is zlib's (IEEE) and continues across chunks", () => {
  const b = new TextEncoder().encode("123456789");
  assert.equal(crc32(b), 0xcbf43926);
  assert.equal(crc32(b.subarray(4), crc32(b.subarray(0, 4))), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("encode/decode round trip of tensors, typed arrays and plain values", () => {
  const bytes = concatChunks(encodeCheckpoint(state));
  assert.deepEqual(decodeCheckpoint(bytes), state);
});

Deno.test("version 1 files (no length, no CRC) still load, and are length-checked", () => {
  const data = new Uint8Array(Float32Array.from([1.5, 2.5]).buffer);
  const header = JSON.stringify({ model: { w: { $blob: 0, bytes: 8, type: "f32", shape: [2] } } });
  const v1 = concatChunks([new TextEncoder().encode(`TEMPO-STATE-1\n${header}\n`), data]);
  const back = decodeCheckpoint(v1) as { model: { w: { data: Float32Array } } };
  assert.deepEqual([...back.model.w.data], [1.5, 2.5]);
  assert.throws(
    () => decodeCheckpoint(v1.subarray(0, v1.length - 3), "old.bin"),
    (e: Error) =>
      e instanceof CheckpointError && e.problem === "truncated" &&
      e.message ===
        "Cannot load old.bin: truncated: expected 8 bytes of tensor data after the header, found 5",
  );
});

Deno.test("a blob entry that does not match its shape or type is corrupt", () => {
  const enc = (entry: unknown) =>
    concatChunks([
      new TextEncoder().encode(
        `TEMPO-STATE-2\n${JSON.stringify({ dataBytes: 8, crc32: 0, state: { w: entry } })}\n`,
      ),
      new Uint8Array(8),
    ]);
  for (
    const entry of [
      { $blob: 0, bytes: 8, type: "f32", shape: [3] }, // 3 floats are 12 bytes
      { $blob: 0, bytes: 6, type: "f32" }, // not a whole number of floats
      { $blob: 0, bytes: 8, type: "u8" },
      { $blob: -1, bytes: 8, type: "f32" },
      { $blob: 4, bytes: 4, type: "f32" }, // not right after the previous entry
      { $blob: 0, bytes: 16, type: "f32" }, // past the declared data
    ]
  ) {
    assert.throws(
      () => decodeCheckpoint(enc(entry), "x"),
      (e: Error) =>
        e instanceof CheckpointError && e.problem === "corrupt" && /corrupt header/.test(e.message),
      JSON.stringify(entry),
    );
  }
});
