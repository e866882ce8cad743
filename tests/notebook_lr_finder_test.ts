/**
 * Notebook section "A customized LR Finder": one EXPONENTIAL (or LINEAR) phase with stopDiv between
 * `learn.save('tmp')` and `learn.load('tmp')`, `learn.sched.plot()`, and `lrFind` (automatic restore
 * of the model and the optimizer, suggestions).
 */
import assert from "node:assert/strict";
import { DecayType, Learner, lrFind, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import type { Tensor } from "../src/tensor/mod.ts";
import { close, formulas, gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

const NB = 20;

async function weights(ps: Tensor[]): Promise<Float32Array[]> {
  return await Promise.all(ps.map(async (p) => (await p.data()) as Float32Array));
}

function sameWeights(a: Float32Array[], b: Float32Array[]): void {
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(b[i], w, `parameter ${i} restored exactly`));
}

Deno.test("LR finder by phases: save, fitOptSched with stopDiv, load, sched.plot()", async (t) => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  const before = await weights(learn.model.parameters());

  await t.step("EXPONENTIAL 1e-5 -> 100 stops early and is undone by load", async () => {
    const phases = [
      new TrainingPhase({
        epochs: 6,
        optimizer: SGD,
        lr: { start: 1e-5, end: 100 },
        lrDecay: DecayType.EXPONENTIAL,
        momentum: 0.9,
      }),
    ];
    await learn.save("tmp");
    const r = await learn.fitOptSched(phases, { stopDiv: true, log: false });
    assert.equal(r.stopped, true);
    if (!r.stopped) return;
    assert.match(r.reason, /NaN|above the divergence threshold|Infinity/);
    assert.ok(r.batches < 6 * NB, `stopped after ${r.batches} of ${6 * NB} batches`);
    assert.ok(r.trained >= r.batches && r.trained < 6 * NB, `trained ${r.trained}`);
    const rec = learn.sched.recorder;
    assert.equal(rec.lrs.length, r.batches);
    close(rec.lrs, rec.lrs.map((_, i) => formulas.exponential(1e-5, 100)(i, 6 * NB)), 1e-12);
    assert.ok(rec.losses.every(Number.isFinite));
    assert.ok(rec.valLosses.length < 6, "no validation after the stop");
    assert.notDeepEqual(await weights(learn.model.parameters()), before);
    await learn.load("tmp");
    sameWeights(before, await weights(learn.model.parameters()));
    const svg = learn.sched.plot();
    assert.match(svg, /learning rate \(log scale\)/);
    assert.match(learn.sched.plot({ linear: true }), />learning rate</);
  });

  await t.step("LINEAR 1e-3 -> 2 stops early and plots on a linear axis", async () => {
    const phases = [
      new TrainingPhase({
        epochs: 6,
        optimizer: SGD,
        lr: { start: 1e-3, end: 2 },
        lrDecay: DecayType.LINEAR,
        momentum: 0.9,
      }),
    ];
    await learn.save("tmp");
    const r = await learn.fitOptSched(phases, { stopDiv: true, log: false });
    assert.equal(r.stopped, true);
    assert.ok(!r.stopped || r.trained < 6 * NB);
    await learn.load("tmp");
    sameWeights(before, await weights(learn.model.parameters()));
    const rec = learn.sched.recorder;
    close(rec.lrs, rec.lrs.map((_, i) => formulas.linear(1e-3, 2)(i, 6 * NB)), 1e-12);
    const svg = learn.sched.plot({ nSkip: 0, nSkipEnd: 0 });
    assert.doesNotMatch(svg, /log scale/);
  });

  await t.step("stopDiv also works in a regular fit that does not diverge", async () => {
    const r = await learn.fitOptSched([new TrainingPhase({ optimizer: SGD, lr: 1e-2 })], {
      stopDiv: true,
      log: false,
    });
    assert.equal(r.stopped, false);
  });
});

Deno.test("lrFind restores model and optimizer exactly and suggests lrs", async () => {
  await gpu();
  const learn = new Learner(simpleNet(), synthData());
  // give the optimizer some state first (momentum buffers)
  await learn.fitOptSched([new TrainingPhase({ epochs: 0.5, optimizer: SGD, lr: 1e-2 })], {
    log: false,
  });
  const before = await weights(learn.model.parameters());
  const opt = learn.opt!;
  const optBefore = await (opt as unknown as { stateDict(): Promise<unknown> }).stateDict();
  const r = await lrFind(learn, { startLr: 1e-5, endLr: 100, numIt: 120 });
  assert.equal(r.stopped, true, "100 is far too high an lr");
  assert.ok(r.lrs.length < 120 && r.lrs.length === r.losses.length);
  close([r.lrs[0]!], [1e-5], 1e-12);
  sameWeights(before, await weights(learn.model.parameters()));
  assert.equal(learn.opt, opt, "same optimizer object");
  assert.deepEqual(
    await (learn.opt as unknown as { stateDict(): Promise<unknown> }).stateDict(),
    optBefore,
  );
  const { valley, steep, minimum } = r.suggestions;
  assert.ok(valley && steep && minimum);
  for (const s of [valley, steep, minimum]) assert.ok(s.lr > 1e-6 && s.lr < 100);
  close([minimum.lr], [minimum.point.lr / 10], 1e-12);
  const svg = r.svg();
  assert.match(svg, /valley: /);
  assert.match(svg, /steep: /);
  assert.match(svg, /minimum: /);
  assert.match(svg, /log scale/);
  // linear, on a fresh learner (no optimizer yet: none is left behind)
  const fresh = new Learner(simpleNet(), synthData());
  const w0 = await weights(fresh.model.parameters());
  const lin = await lrFind(fresh, { startLr: 1e-3, endLr: 2, epochs: 6, linear: true });
  assert.equal(lin.stopped, true);
  assert.equal(fresh.opt, null);
  close(lin.lrs, lin.lrs.map((_, i) => formulas.linear(1e-3, 2)(i, 6 * NB)), 1e-12);
  assert.doesNotMatch(lin.svg(), /log scale/);
  sameWeights(w0, await weights(fresh.model.parameters()));
});
