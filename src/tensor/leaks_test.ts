import assert from "node:assert/strict";
import { init } from "./device.ts";
import { add, leakReport, type LiveTensor, liveTensors, trackTensors, zeros } from "./mod.ts";

Deno.test("liveTensors: an undisposed tensor is listed with the line that created it", async () => {
  await init();
  const before = zeros([2]); // created before tracking: not listed
  trackTensors(true);
  try {
    const kept = zeros([3, 4]); // the line the report must point at
    const line = Number(new Error().stack!.split("\n")[1]!.match(/leaks_test\.ts:(\d+)/)![1]) - 1;
    const gone = zeros([5]);
    gone.dispose();
    const sum = add(kept, kept); // made inside an op: the report names this file, not the op's
    const live = liveTensors();
    assert.deepEqual(live.map((t) => t.id), [kept.id, sum.id]);
    const [k, s] = live as [LiveTensor, LiveTensor];
    assert.deepEqual(k.shape, [3, 4]);
    assert.equal(k.dtype, "f32");
    assert.equal(k.bytes, 48);
    assert.match(k.createdAt, new RegExp(`^at .*src/tensor/leaks_test\\.ts:${line}:\\d+`));
    assert.match(s.createdAt, /leaks_test\.ts:\d+/);
    assert.doesNotMatch(s.stack, /ops[\\/]elementwise\.ts/);
    const report = leakReport();
    assert.match(report, /^2 live tensors, 96 bytes:\n/);
    assert.match(report, /1 x \[3,4\] \(48 bytes\) at .*leaks_test\.ts/);
    kept.dispose();
    sum.dispose();
    assert.deepEqual(liveTensors(), []);
    assert.equal(leakReport(), "no live tensors");
    zeros([1]);
    assert.equal(liveTensors().length, 1);
  } finally {
    trackTensors(false);
  }
  assert.deepEqual(liveTensors(), [], "turning tracking off forgets");
  zeros([1]).dispose();
  assert.deepEqual(liveTensors(), [], "nothing is recorded while off");
  before.dispose();
  assert.throws(() => trackTensors("yes" as never), TypeError);
});
