/** `Module`: key names, state dicts, layer groups, freezing, modes, and the accuracy metric. */
import assert from "node:assert/strict";
import {
  accuracy,
  BatchNorm2d,
  Linear,
  resnet,
  type Sequential,
  shallowConvNet,
  simpleNet,
} from "./mod.ts";
import { init, tensor } from "../tensor/mod.ts";

await init();

Deno.test("nn module: state dict round trip and load errors", async () => {
  const a = simpleNet([12, 5, 3], { seed: 1 }), b = simpleNet([12, 5, 3], { seed: 2 });
  try {
    const sd = await a.stateDict();
    assert.deepEqual(Object.keys(sd), ["1.weight", "1.bias", "3.weight", "3.bias"]);
    b.loadStateDict(sd);
    assert.deepEqual(
      Array.from((await b.stateDict())["3.bias"]!.data),
      Array.from(sd["3.bias"]!.data),
    );
    const { "1.bias": _drop, ...missing } = sd;
    assert.throws(
      () => b.loadStateDict({ ...missing, "9.weight": { shape: [1], data: [0] } }),
      (e) =>
        e instanceof TypeError && /missing keys \[1\.bias\]/.test(e.message) &&
        /unexpected keys \[9\.weight\]/.test(e.message),
    );
    assert.throws(
      () => b.loadStateDict({ ...sd, "1.bias": { shape: [4], data: [0, 0, 0, 0] } }),
      (e) => e instanceof TypeError && /1\.bias.*\[5\].*\[4\]/.test(e.message),
    );
  } finally {
    a.dispose();
    b.dispose();
  }
});

Deno.test("nn module: seeded init follows PyTorch's bounds", async () => {
  const l = new Linear(16, 4, { seed: 3 });
  const w = await l.weight.data(), bias = await l.bias!.data();
  assert.ok(w.every((v) => Math.abs(v) <= 0.25) && bias.every((v) => Math.abs(v) <= 0.25));
  assert.deepEqual(Array.from(await new Linear(16, 4, { seed: 3 }).weight.data()), Array.from(w));
  const bn = new BatchNorm2d(3);
  assert.deepEqual(Array.from(await bn.weight.data()), [1, 1, 1]);
  assert.deepEqual(Array.from(await bn.runningVar.data()), [1, 1, 1]);
  l.dispose();
  bn.dispose();
});

Deno.test("nn module: layer groups, freezeTo, train/eval", () => {
  const net = resnet({ seed: 0 });
  const s = shallowConvNet({ seed: 0 });
  try {
    const groups = net.layerGroups();
    assert.equal(groups.length, 3);
    assert.deepEqual(groups.map((g) => g.length), [4, 2, 4]);
    assert.equal(s.layerGroups().length, 8); // fastai v0.7: one group per top-level child
    const ps = net.layerGroupParameters();
    assert.equal(ps.flat().length, net.parameters().length);
    net.freeze();
    assert.ok(ps[0]!.every((p) => !p.requiresGrad) && ps[1]!.every((p) => !p.requiresGrad));
    assert.ok(ps[2]!.every((p) => p.requiresGrad));
    net.freezeTo(1);
    assert.ok(ps[0]!.every((p) => !p.requiresGrad) && ps[1]!.every((p) => p.requiresGrad));
    net.unfreeze();
    assert.ok(net.parameters().every((p) => p.requiresGrad));
    assert.throws(() => net.freezeTo(4), RangeError);
    net.eval();
    assert.ok(!(net.at(3) as Sequential).at(0).training);
    net.train();
    assert.ok(net.children().every((c) => c.training));
    assert.match(String(net.at(4)), /downsample/);
  } finally {
    net.dispose();
    s.dispose();
  }
});

Deno.test("nn metrics: accuracy is a GPU scalar", async () => {
  const out = tensor([[0.1, 0.9, 0], [2, 1, 0], [0, 0, 5], [1, 3, 2]]);
  const y = tensor([1, 0, 1, 1], { dtype: "i32" });
  const acc = accuracy(out, y);
  assert.deepEqual(acc.shape, []);
  assert.ok(Math.abs((await acc.item()) - 0.75) < 1e-6);
  for (const t of [out, y, acc]) t.dispose();
});
