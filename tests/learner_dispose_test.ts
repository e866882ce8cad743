/** `using learn = new Learner(...)` frees the optimizer and batch tensors at the end of the block. */
import assert from "node:assert/strict";
import { Learner, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import type { TrainableOptimizer } from "../src/sched/mod.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

Deno.test("Learner[Symbol.dispose]: `using` frees the optimizer; the model stays usable", async () => {
  await gpu();
  using net = simpleNet(3);
  let opt: TrainableOptimizer | null = null;
  {
    using learn = new Learner(net, synthData({ nTrain: 32, nValid: 16 }));
    await learn.fitOptSched([new TrainingPhase({ epochs: 1, optimizer: SGD, lr: 1e-2 })], {
      log: false,
    });
    opt = learn.opt;
    assert.ok(opt);
    opt.zeroGrad(); // alive inside the block
  }
  assert.throws(() => opt!.zeroGrad(), /Cannot use SGD: it was disposed/);
  assert.equal(net.parameters().every((p) => !p.disposed), true, "the model is not the learner's");
});
