/** The PyTorch goldens of `fixtures/ops.json` for the ops of this folder (conv, pool and norm ops test theirs). */
import {
  assertClose,
  type FixtureTensor,
  fromFixture,
  loadFixture,
  testDevice,
} from "./_test_util.ts";
import type { Tensor } from "./tensor.ts";
import { backward } from "./autograd.ts";
import { tidy } from "./scope.ts";
import * as ew from "./ops/elementwise.ts";
import * as red from "./ops/reduce.ts";
import { matmul } from "./ops/matmul.ts";
import { logSoftmax, softmax } from "./ops/softmax.ts";
import { crossEntropy, nllLoss } from "./ops/losses.ts";

await testDevice();

interface OpCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  output: FixtureTensor;
  grad_output: FixtureTensor | null;
  grads: Record<string, FixtureTensor>;
}

const { cases } = await loadFixture<{ cases: OpCase[] }>("ops");

const impls: Record<string, (ins: Record<string, Tensor>, p: Record<string, unknown>) => Tensor> = {
  matmul: (i, p) => matmul(i.a!, i.b!, { transA: !!p.transA, transB: !!p.transB }),
  add: (i) => ew.add(i.a!, i.b!),
  sub: (i) => ew.sub(i.a!, i.b!),
  mul: (i) => ew.mul(i.a!, i.b!),
  div: (i) => ew.div(i.a!, i.b!),
  exp: (i) => ew.exp(i.x!),
  log: (i) => ew.log(i.x!),
  sqrt: (i) => ew.sqrt(i.x!),
  relu: (i) => ew.relu(i.x!),
  sigmoid: (i) => ew.sigmoid(i.x!),
  tanh: (i) => ew.tanh(i.x!),
  pow: (i, p) => ew.powScalar(i.x!, p.exponent as number),
  sum: (i, p) => red.sum(i.x!, p.axes as number[], { keepDim: !!p.keepdim }),
  mean: (i, p) => red.mean(i.x!, p.axes as number[], { keepDim: !!p.keepdim }),
  max: (i, p) => red.max(i.x!, p.axes as number[], { keepDim: !!p.keepdim }),
  argmax: (i, p) => red.argmax(i.x!, p.axis as number, { keepDim: !!p.keepdim }),
  log_softmax: (i, p) => logSoftmax(i.x!, p.dim as number),
  softmax: (i, p) => softmax(i.x!, p.dim as number),
  cross_entropy: (i) => crossEntropy(i.x!, i.targets!),
  nll_loss: (i) => nllLoss(i.x!, i.targets!),
};

for (const c of cases.filter((c) => c.op in impls)) {
  Deno.test(`${c.name} matches PyTorch forward and backward`, async () => {
    const ins: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.inputs)) {
      ins[k] = fromFixture(v, v.dtype !== "int32" && k in c.grads);
    }
    const out = impls[c.op]!(ins, c.params);
    assertClose(out.shape as number[], c.output.shape, { what: `${c.name} shape` });
    assertClose(await out.data(), c.output.data, {
      rtol: 1e-4,
      atol: 1e-5,
      what: `${c.name} output`,
    });
    if (c.grad_output) {
      const g = fromFixture(c.grad_output);
      tidy(() => backward(out, g.view(out.shape)));
      for (const [k, expected] of Object.entries(c.grads)) {
        assertClose(await ins[k]!.grad!.data(), expected.data, {
          rtol: 1e-4,
          atol: 1e-5,
          what: `${c.name} grad ${k}`,
        });
      }
      g.dispose();
    }
    out.dispose();
    for (const t of Object.values(ins)) t.dispose();
  });
}
