/**
 * SimpleNet, ShallowConvNet and the ResNet against PyTorch 1.13 (`fixtures/models.json`): built by the
 * builders, loaded with `loadStateDict`, then output, loss, every parameter gradient and the running
 * statistics after the forward (training mode).
 */
import assert from "node:assert/strict";
import { nllLoss, resnet, type Sequential, shallowConvNet, simpleNet } from "./mod.ts";
import { backward, init } from "../tensor/mod.ts";
import { assertRel, type FixtureTensor, fromFixture, loadFixture } from "./_fixture_util.ts";

interface ModelCase {
  name: "SimpleNet" | "ShallowConvNet" | "ResNet";
  state_dict: Record<string, FixtureTensor>;
  input: FixtureTensor;
  targets: FixtureTensor;
  output: FixtureTensor;
  loss: number;
  grads: Record<string, FixtureTensor>;
  buffers_after: Record<string, FixtureTensor>;
}

await init();
const { cases } = await loadFixture<{ cases: ModelCase[] }>("models");

const builders: Record<ModelCase["name"], () => Sequential> = {
  SimpleNet: () => simpleNet([192, 40, 10], { seed: 1 }),
  ShallowConvNet: () => shallowConvNet({ seed: 2 }),
  ResNet: () =>
    resnet({ layers: [1, 1, 1], widths: [8, 16, 32], inChannels: 3, numClasses: 10, seed: 3 }),
};

/** Conv biases that feed a training-mode BatchNorm have a true gradient of 0 (fixtures/README.md). */
const ZERO_GRAD = new Set(["0.0.bias", "2.0.bias"]);

for (const c of cases) {
  Deno.test(`nn model vs PyTorch: ${c.name}`, async () => {
    const net = builders[c.name]();
    try {
      const keys = [...net.namedParameters(), ...net.namedBuffers()].map(([k]) => k).sort();
      assert.deepEqual(keys, Object.keys(c.state_dict).sort());
      assert.deepEqual(net.namedParameters().map(([k]) => k), Object.keys(c.grads));
      net.loadStateDict(c.state_dict);
      net.train();
      const x = fromFixture(c.input), y = fromFixture(c.targets);
      const out = net.forward(x);
      const loss = nllLoss(out, y);
      backward(loss);
      assertRel(await out.data(), c.output.data, 1e-5, `${c.name} output`);
      assertRel([await loss.item()], [c.loss], 1e-5, `${c.name} loss`);
      for (const [k, p] of net.namedParameters()) {
        const want = c.grads[k]!;
        const got = await p.grad!.data();
        if (ZERO_GRAD.has(k) && c.name === "ShallowConvNet") {
          for (const v of got) assert.ok(Math.abs(v) < 1e-6, `${k} grad ${v} should be ~0`);
        } else {
          assertRel(got, want.data, 1e-5, `${c.name} grad ${k}`);
        }
      }
      const buffers = new Map(net.namedBuffers());
      for (const [k, want] of Object.entries(c.buffers_after)) {
        assertRel(await buffers.get(k)!.data(), want.data, 1e-5, `${c.name} ${k}`);
      }
      for (const t of [x, y, out, loss]) t.dispose();
    } finally {
      net.dispose();
    }
  });
}
