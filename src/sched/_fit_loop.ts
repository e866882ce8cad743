/**
 * Private: the training loop of `Learner.fitOptSched` as a sequence of events (fastai v2's
 * `Learner._with_events`). The loop itself only walks the batch plan: per batch it looks up the
 * hyperparameters (`hypersAt`), switches the optimizer at a phase change, uploads the batch, and in
 * one `tidy()` runs zeroGrad (unless the previous batch skipped its step: gradient accumulation),
 * forward, loss, backward and step, copying the loss into the GPU ring (`_loss_ring.ts`). Everything
 * else is a callback (`callback.ts`): the uniform writes of the schedule, the recorder, the NaN and
 * divergence stops, the progress display, validation (`_builtin_callbacks.ts`) and the users' own.
 *
 * Lagged values: when a readback group comes back its losses are handed to the next `afterBatch`
 * as `ctx.losses` (with their batch's hyperparameters; the `LossSmoother` callback, order -55, fills
 * in their smoothed values, so a callback before it may drop losses, as the divergence guard does);
 * the ring is drained before each epoch's last `afterBatch`, so every loss is seen before validation.
 *
 * Resume: `trainingState()` is what a resumable checkpoint stores; `resume` restarts at its batch,
 * with the loaders' epochs, the smoother, the recorder and the losses still on the GPU back as saved.
 * @module
 */

import { crossEntropy, nllLoss, type Tensor, tidy } from "../tensor/mod.ts";
import { hypersAt, type SchedulePlan } from "./schedule.ts";
import { SmoothLoss } from "./smooth_loss.ts";
import { LossRing, type RingGroup } from "./_loss_ring.ts";
import { dataLabelRange } from "./_labels.ts";
import { checkOutputs, type ValidateContext } from "./_validate.ts";
import {
  type Callback,
  CancelBatch,
  CancelEpoch,
  CancelFit,
  CancelValidate,
  type FitContext,
  type LaggedLoss,
} from "./callback.ts";
import { Events } from "./_events.ts";
import type { Learner } from "./learner.ts";
import type { LearnerData, OptimizerClass, TrainableOptimizer } from "./learner_types.ts";
import { LossSmoother, type RecorderCallback } from "./_builtin_callbacks.ts";
import { captureLoaders, restoreLoaders, type TrainingState } from "./train_state.ts";
import {
  dropoutRngState,
  getAutotune,
  setDropoutRngState,
  tune,
  tunePending,
} from "../tensor/mod.ts";

/** What the loop needs from the learner. */
export interface LoopContext extends ValidateContext {
  learner: Learner;
  groups: Tensor[][];
  /** Returns the optimizer to use for class `cls` (creating or re-creating it as needed). */
  optimizerFor(cls: OptimizerClass, lr: number): TrainableOptimizer;
}

/** Options of the loop (validated by the learner). */
export interface LoopOptions {
  plan: SchedulePlan;
  /** A fingerprint of the plan (phases, batch counts, hypers), stored in resumable checkpoints. */
  fingerprint: string;
  classes: readonly OptimizerClass[];
  dataList: readonly LearnerData[];
  /** Every callback of the fit, built-ins included. */
  callbacks: readonly Callback[];
  /** The recorder callback (for the result's batch count). */
  recorder: RecorderCallback;
  readEvery: number;
  /** Validate at epoch ends (a `beforeValidate` callback may still skip one). */
  validate: boolean;
  /** Where to continue, from a resumable checkpoint. */
  resume?: TrainingState;
}

/** The outcome of a scheduled fit. */
export type FitResult =
  | {
    stopped: false;
    /** Validation loss of the last epoch end (`NaN` when validation was skipped). */
    valLoss: number;
    /** Metrics of the last epoch end, by name. */
    metrics: Record<string, number>;
    /** Smoothed training loss at the end. */
    trnLoss: number;
  }
  | {
    stopped: true;
    /**
     * Why the fit stopped: a NaN/infinite loss (`"loss is NaN at batch 37 (epoch 0, phase 1)"`),
     * `stopDiv`'s divergence rule, or the reason of a callback's `CancelFit`; batches, epochs and
     * phases are counted from 0.
     */
    reason: string;
    /** Batches recorded before the one that stopped the fit (fastai stops before recording it). */
    batches: number;
    /** Batches actually trained (the check runs on lagged losses, so a few more than `batches`). */
    trained: number;
  };

interface Meta {
  iteration: number;
  lrs: Float64Array;
  momentum: number;
  epoch: number;
  phase: number;
}

const NONE: readonly LaggedLoss[] = Object.freeze([]);

/** Runs a whole plan; see the module docs. */
export async function runPlan(lc: LoopContext, o: LoopOptions): Promise<FitResult> {
  const { plan } = o;
  const ends = plan.epochEnds;
  const smooth = new SmoothLoss();
  const ev = new Events([...o.callbacks, new LossSmoother(smooth)]);
  const ring = new LossRing(o.readEvery);
  const pending: Meta[] = [];
  const classify = lc.lossFn === nllLoss || lc.lossFn === crossEntropy;
  const labels = classify ? dataLabelRange(o.dataList) : null;
  let k = 0, e = 0, epochDone = false, needZero = true;
  let passEpoch: number | null = null;
  let carried: LaggedLoss[] = [];
  const ctx: FitContext = {
    learner: lc.learner,
    plan,
    iteration: 0,
    epoch: 0,
    phase: -1,
    data: null,
    hypers: null,
    opt: null,
    x: null,
    y: null,
    pred: null,
    loss: null,
    lossGrad: null,
    losses: NONE,
    smoothLoss: NaN,
    valLoss: NaN,
    metrics: {},
    validate: o.validate,
    validated: false,
    lrScale: 1,
    stepped: false,
    request: (t, fn) => ring.request(t, fn),
    trainingState: async () => {
      const raws = await ring.peek();
      const held = pending.slice(0, raws.length);
      return {
        version: 1,
        fingerprint: o.fingerprint,
        iteration: k,
        epoch: epochDone ? e + 1 : e,
        passEpoch,
        loaders: captureLoaders(o.dataList),
        smooth: smooth.state(),
        recorder: o.recorder.recorder.toJSON(),
        pending: held.map((m, i) => ({ ...m, lrs: [...m.lrs], raw: raws[i]! })),
        lrScale: ctx.lrScale,
        needZero,
        dropout: dropoutRngState(),
        valLoss: ctx.valLoss,
        metrics: { ...ctx.metrics },
      };
    },
  };

  if (o.resume) {
    const r = o.resume;
    k = ctx.iteration = r.iteration;
    e = ctx.epoch = r.epoch;
    passEpoch = r.passEpoch;
    needZero = r.needZero;
    ctx.lrScale = r.lrScale;
    ctx.valLoss = r.valLoss ?? NaN;
    ctx.metrics = { ...r.metrics };
    smooth.setState(r.smooth);
    o.recorder.restore(r.recorder);
    restoreLoaders(o.dataList, r.loaders);
    setDropoutRngState(r.dropout);
    ctx.smoothLoss = smooth.value;
    // losses the saved fit had computed but not read yet: delivered with the first afterBatch
    carried = r.pending.map((p) => ({
      ...p,
      raw: p.raw ?? NaN,
      lrs: Float64Array.from(p.lrs),
      smooth: NaN,
    }));
  }

  const lagged = (g: RingGroup | null): readonly LaggedLoss[] => {
    if (!g) return NONE;
    const out: LaggedLoss[] = carried;
    carried = [];
    for (const v of g.losses) out.push({ ...pending.shift()!, raw: v, smooth: NaN });
    for (const r of g.requests) r.fn(r.values);
    return out.length ? out : NONE;
  };

  const trainBatch = async (b: Parameters<typeof lc.uploader.upload>[0], last: boolean) => {
    const h = hypersAt(plan, k);
    ctx.hypers = h;
    if (h.phase !== ctx.phase) {
      ctx.phase = h.phase;
      ctx.data = o.dataList[h.phase]!;
      ctx.opt = lc.optimizerFor(o.classes[h.phase]!, h.lr[0]!);
    }
    const { x, y } = lc.uploader.upload(b);
    ctx.x = x;
    ctx.y = y;
    if (k === 0 && labels) checkOutputs(lc.model, x, labels);
    ctx.stepped = false;
    let cancelled = false;
    try {
      await ev.fire("beforeBatch", ctx);
      const opt = ctx.opt!;
      tidy(() => {
        if (needZero) opt.zeroGrad();
        ctx.pred = lc.model.forward(x);
        ev.fireSync("afterPred", ctx);
        const l = lc.lossFn(ctx.pred, y);
        if (l.size !== 1) {
          throw new TypeError(`Cannot train: the loss has shape [${l.shape}], expected a scalar`);
        }
        ctx.loss = ctx.lossGrad = l;
        ev.fireSync("afterLoss", ctx);
        pending.push({
          iteration: k + 1,
          lrs: h.lr,
          momentum: h.momentum,
          epoch: e,
          phase: h.phase,
        });
        ring.add(l);
        ctx.lossGrad!.backward();
        ev.fireSync("afterBackward", ctx);
        opt.step();
        ctx.stepped = true;
        ev.fireSync("afterStep", ctx);
      });
    } catch (err) {
      if (!(err instanceof CancelBatch)) throw err;
      cancelled = true;
    } finally {
      ctx.pred = ctx.loss = ctx.lossGrad = null;
    }
    needZero = ctx.stepped;
    k++;
    ctx.iteration = k;
    ctx.losses = lagged(last ? await ring.drain() : await ring.take());
    if (cancelled) await ev.fire("afterCancelBatch", ctx);
    await ev.fire("afterBatch", ctx);
    // setAutotune(true): time the matmul shape classes this batch used first (once per class).
    if (getAutotune() && tunePending()) await tune();
  };

  const trainEpoch = async (end: number, start: number) => {
    const loader = ctx.data?.train ?? o.dataList[hypersAt(plan, k).phase]!.train;
    let skip = k - start;
    // resuming mid-pass: the pass restarts at its epoch and skips the batches already trained
    if (skip > 0 && k < end && passEpoch !== null) (loader as { epoch?: number }).epoch = passEpoch;
    while (k < end) {
      const ep = (loader as { epoch?: unknown }).epoch;
      passEpoch = typeof ep === "number" ? ep : null;
      let got = 0;
      for await (const b of loader) {
        got++;
        if (skip > 0) {
          skip--;
          continue;
        }
        await trainBatch(b, k + 1 === end);
        if (k >= end) break;
      }
      if (got === 0) {
        throw new RangeError(
          `Cannot train: a training loader of length ${loader.length} gave no batch`,
        );
      }
    }
  };

  const validateUnit = async () => {
    ctx.validate = o.validate;
    ctx.validated = false;
    try {
      await ev.fire("beforeValidate", ctx);
    } catch (err) {
      if (!(err instanceof CancelValidate)) throw err;
      await ev.fire("afterCancelValidate", ctx);
    }
    await ev.fire("afterValidate", ctx);
  };

  let stop: string | null = null;
  lc.model.train?.();
  try {
    try {
      await ev.fire("beforeFit", ctx);
      for (; e < ends.length; e++) {
        const end = ends[e]!.iteration, start = e > 0 ? ends[e - 1]!.iteration : 0;
        ctx.epoch = e;
        epochDone = false;
        if (k < start) k = ctx.iteration = start; // after a CancelEpoch
        if (ctx.phase < 0 || k < end) {
          ctx.data = o.dataList[hypersAt(plan, Math.min(k, end - 1)).phase]!;
        }
        try {
          await ev.fire("beforeEpoch", ctx);
          await trainEpoch(end, start);
          await validateUnit();
        } catch (err) {
          if (!(err instanceof CancelEpoch)) throw err;
          ctx.losses = lagged(await ring.drain());
          await ev.fire("afterCancelEpoch", ctx);
          k = ctx.iteration = end;
        }
        epochDone = true;
        await ev.fire("afterEpoch", ctx);
      }
    } catch (err) {
      if (!(err instanceof CancelFit)) throw err;
      stop = err.reason;
      await ev.fire("afterCancelFit", ctx);
    }
    await ev.fire("afterFit", ctx);
  } finally {
    await ring.discard();
    ring.dispose();
  }
  if (stop !== null) {
    return { stopped: true, reason: stop, batches: o.recorder.recorder.iteration, trained: k };
  }
  return { stopped: false, valLoss: ctx.valLoss, metrics: ctx.metrics, trnLoss: smooth.value };
}
