/** Validation of the optimizers: errors name the bad value and come before any GPU work. */
import assert from "node:assert/strict";
import { Adam, RMSProp, SGD } from "./mod.ts";
import { device, init, zeros } from "../tensor/mod.ts";

await init();

Deno.test("optim validation: setHypers rejects bad values before any GPU work and keeps the old ones", () => {
  const p = zeros([3], { requiresGrad: true });
  const opt = new SGD([[p], []], { lr: 0.1, momentum: 0.9 });
  try {
    const before = device().stats();
    assert.throws(
      () => opt.setHypers(0, { lr: -1 }),
      (e) => e instanceof RangeError && /lr.*-1/.test(e.message),
    );
    assert.throws(
      () => opt.setHypers(0, { momentum: 1 }),
      (e) => e instanceof RangeError && /momentum.*1/.test(e.message),
    );
    assert.throws(() => opt.setHypers(0, { momentum: -0.1 }), RangeError);
    assert.throws(() => opt.setHypers(0, { beta: 1.5 }), RangeError);
    assert.throws(() => opt.setHypers(0, { eps: 0 }), RangeError);
    assert.throws(() => opt.setHypers(0, { weightDecay: -1 }), RangeError);
    assert.throws(() => opt.setHypers(0, { lr: Number.NaN }), TypeError);
    assert.throws(() => opt.setHypers(0, { decoupledWd: 1 as unknown as boolean }), TypeError);
    assert.throws(
      () => opt.setHypers(2, { lr: 1 }),
      (e) => e instanceof RangeError && /group 2/.test(e.message),
    );
    assert.throws(() => opt.setHypers(-1, { lr: 1 }), RangeError);
    assert.throws(() => opt.setHypers(0.5, { lr: 1 }), TypeError);
    assert.throws(
      () => opt.setHypers(0, { learningRate: 1 } as never),
      (e) => e instanceof TypeError && /learningRate/.test(e.message),
    );
    const after = device().stats();
    assert.deepEqual(after, before);
    assert.equal(opt.getHypers(0).lr, 0.1);
    assert.equal(opt.getHypers(0).momentum, 0.9);
    assert.equal(opt.groupCount, 2);
    assert.equal(SGD.optimizerName, "SGD");
    assert.equal(opt.optimizerName, "SGD");
  } finally {
    opt.dispose();
    p.dispose();
  }
});

Deno.test("optim validation: constructors", () => {
  const p = zeros([3], { requiresGrad: true });
  try {
    assert.throws(() => new SGD([], {}), TypeError);
    assert.throws(() => new SGD([p], { lr: -0.1 }), RangeError);
    assert.throws(
      () => new SGD([p], { nesterov: true }),
      (e) => e instanceof RangeError && /nesterov/.test(e.message),
    );
    assert.throws(
      () => new SGD([p], { momentum: 0.9, nesterov: true, dampening: 0.1 }),
      RangeError,
    );
    assert.throws(
      () => new SGD([[p], [p]]),
      (e) => e instanceof TypeError && /more than one/.test(e.message),
    );
    assert.throws(() => new Adam([p], { betas: [0.9, 1] }), RangeError);
    assert.throws(() => new RMSProp([p], { alpha: -1 }), RangeError);
    const a = new Adam([{ params: [p], lr: 0.5 }], { betas: [0.8, 0.9] });
    assert.deepEqual(a.getHypers(0), {
      lr: 0.5,
      momentum: 0.8,
      beta: 0.9,
      weightDecay: 0,
      decoupledWd: false,
      eps: 1e-8,
    });
    assert.equal(Adam.optimizerName, "Adam");
    assert.equal(RMSProp.optimizerName, "RMSProp");
    a.dispose();
    assert.throws(() => a.step(), ReferenceError);
  } finally {
    p.dispose();
  }
});

Deno.test("optim: a parameter without a gradient is skipped; state dict round trip", async () => {
  const p = zeros([5], { requiresGrad: true }), q = zeros([2], { requiresGrad: true });
  const opt = new Adam([p, q], { lr: 0.1 });
  try {
    p.grad = zeros([5]).write([1, 2, 3, 4, 5]);
    opt.step();
    assert.deepEqual(Array.from(await q.data()), [0, 0]);
    const sd = await opt.stateDict();
    assert.deepEqual(sd.state.map((s) => s.step), [1, 0]);
    const opt2 = new Adam([p, q]);
    opt2.loadStateDict(sd);
    assert.deepEqual(opt2.getHypers(0).lr, 0.1);
    assert.deepEqual(
      Array.from((await opt2.stateDict()).state[0]!.buffers.exp_avg!),
      Array.from(sd.state[0]!.buffers.exp_avg!),
    );
    assert.throws(() => new SGD([p, q]).loadStateDict(sd), TypeError);
    opt2.dispose();
  } finally {
    opt.dispose();
    p.dispose();
    q.dispose();
  }
});
