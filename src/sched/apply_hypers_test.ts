import assert from "node:assert/strict";
import { applyPhaseHypers } from "./apply_hypers.ts";
import { hypersAt, planSchedule } from "./schedule.ts";
import { TrainingPhase } from "./training_phase.ts";
import { DecayType } from "./decay_type.ts";
import type { GroupHypers, ScheduledOptimizer } from "./types.ts";

class FakeOptimizer implements ScheduledOptimizer {
  readonly writes: [number, Partial<GroupHypers>][] = [];
  readonly groups: GroupHypers[];
  constructor(
    readonly optimizerName: string,
    readonly groupCount: number,
    wd = 0,
    decoupledWd = false,
  ) {
    this.groups = Array.from({ length: groupCount }, () => ({
      lr: 1e-3,
      momentum: 0.9,
      beta: 0.999,
      weightDecay: wd,
      decoupledWd,
      eps: 1e-8,
    }));
  }
  setHypers(group: number, h: Partial<GroupHypers>): void {
    this.writes.push([group, h]);
    Object.assign(this.groups[group]!, h);
  }
  getHypers(group: number): Readonly<GroupHypers> {
    return this.groups[group]!;
  }
}

const SGD = { optimizerName: "SGD" };
const Adam = { optimizerName: "Adam" };

Deno.test("writes lr, momentum and wd mode of every group, beta and wd only when defined", () => {
  const plan = planSchedule([
    new TrainingPhase({ optimizer: SGD, lr: [1e-3, 1e-2], lrDecay: DecayType.LINEAR }),
    new TrainingPhase({ optimizer: Adam, lr: 1e-3, beta: 0.99, wds: [0, 1e-2], wdLoss: false }),
  ], { nbBatches: 4, groupCount: 2 });
  const opt = new FakeOptimizer("SGD", 2, 5e-4);
  applyPhaseHypers(opt, hypersAt(plan, 2));
  assert.deepEqual(opt.writes, [
    [0, { lr: 5e-4, momentum: 0.9, decoupledWd: false }],
    [1, { lr: 5e-3, momentum: 0.9, decoupledWd: false }],
  ]);
  assert.equal(opt.getHypers(1).weightDecay, 5e-4); // wd left as is
  assert.equal(opt.getHypers(1).beta, 0.999); // beta left as is

  const adam = new FakeOptimizer("Adam", 2); // a fresh optimizer: L2 by default
  applyPhaseHypers(adam, hypersAt(plan, 4));
  assert.deepEqual(adam.groups.map((g) => [g.lr, g.beta, g.weightDecay, g.decoupledWd]), [
    [1e-3, 0.99, 0, true],
    [1e-3, 0.99, 1e-2, true],
  ]);
});

Deno.test("the decoupled mode survives a new optimizer (v0.7 trap)", () => {
  const plan = planSchedule([
    new TrainingPhase({ optimizer: Adam, wds: 1e-2, wdLoss: false }),
    new TrainingPhase({ optimizer: SGD }),
  ], { nbBatches: 2, groupCount: 1 });
  const sgd = new FakeOptimizer("SGD", 1, 0, false);
  applyPhaseHypers(sgd, hypersAt(plan, 2));
  assert.equal(sgd.getHypers(0).decoupledWd, true);
  assert.equal(sgd.getHypers(0).weightDecay, 1e-2);
});

Deno.test("applyPhaseHypers rejects mismatched group counts and bad values", () => {
  const opt = new FakeOptimizer("SGD", 2);
  const base = { lr: new Float64Array([1, 1]), momentum: 0.9, decoupledWd: false };
  assert.throws(
    () => applyPhaseHypers(opt, { ...base, lr: new Float64Array([1]) }),
    { name: "RangeError", message: /expected 2 lrs \(one per group\), got 1/ },
  );
  assert.throws(
    () => applyPhaseHypers(opt, { ...base, wd: new Float64Array(3) }),
    /expected 2 wds/,
  );
  assert.throws(() => applyPhaseHypers(opt, { ...base, momentum: 1 }), RangeError);
  assert.throws(
    () => applyPhaseHypers(opt, { ...base, decoupledWd: undefined as unknown as boolean }),
    TypeError,
  );
  assert.equal(opt.writes.length, 0);
});
