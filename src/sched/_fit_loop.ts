/**
 * Private: the training loop of `Learner.fitOptSched` (fastai v0.7 `fit` with `OptimScheduler`).
 *
 * Per batch, on the CPU: `hypersAt(plan, k)` → `applyPhaseHypers(opt, h)` (one uniform write per
 * group) BEFORE the forward; the batch is written into reused GPU tensors; one `tidy()` holds
 * zeroGrad, forward, loss, backward and step; the loss is copied into a GPU ring and read back a
 * group at a time (see `_loss_ring.ts`), then fed in order to the smoother, the divergence check and
 * the recorder. Validation runs at the plan's epoch ends.
 *
 * A loss that is NaN or infinite stops the fit (fastai's `TerminateOnNaN`), whatever `stopDiv` says,
 * with a reason naming the batch, its epoch and its phase; it is found in the lagged readback, so it
 * costs no extra readback. Before the first step, the data's labels (when its loaders expose them)
 * are checked against the model's output count for the classification losses (one eval forward).
 * @module
 */

import { crossEntropy, device, nllLoss, noGrad, type Tensor, tidy, zeros } from "../tensor/mod.ts";
import { applyPhaseHypers } from "./apply_hypers.ts";
import { DivergenceDetector, type StopDivOptions } from "./divergence.ts";
import { hypersAt, type SchedulePlan } from "./schedule.ts";
import { SmoothLoss } from "./smooth_loss.ts";
import type { Recorder } from "./recorder.ts";
import type { BatchUploader } from "./_batch_gpu.ts";
import { LossRing } from "./_loss_ring.ts";
import { checkLabelRange, dataLabelRange } from "./_labels.ts";
import { fitViews } from "./_fit_views.ts";
import type { JupyterApi } from "./_jupyter.ts";
import type {
  LearnerData,
  LearnerModel,
  LossFn,
  NamedMetric,
  OptimizerClass,
  TrainableOptimizer,
} from "./learner_types.ts";

/** What the loop needs from the learner. */
export interface LoopContext {
  model: LearnerModel;
  lossFn: LossFn;
  metrics: readonly NamedMetric[];
  uploader: BatchUploader;
  groups: Tensor[][];
  /** Returns the optimizer to use for class `cls` (creating or re-creating it as needed). */
  optimizerFor(cls: OptimizerClass, lr: number): TrainableOptimizer;
}

/** Options of the loop (validated by the learner). */
export interface LoopOptions {
  plan: SchedulePlan;
  classes: readonly OptimizerClass[];
  dataList: readonly LearnerData[];
  recorder: Recorder;
  stopDiv: boolean;
  stopDivOptions?: StopDivOptions;
  log: ((line: string) => void) | null;
  progress: boolean;
  /** Deno.jupyter when the fit runs in the kernel (bar and table become notebook displays). */
  jupyter?: JupyterApi;
  /** In the kernel: the epoch table as one HTML table output instead of `log` lines. */
  htmlTable?: boolean;
  readEvery: number;
  onBatchEnd?: (iteration: number) => void;
  /** Stop when a loss is NaN or infinite (fastai's `TerminateOnNaN`). Default true. */
  stopOnNaN?: boolean;
}

/** The outcome of a scheduled fit. */
export type FitResult =
  | {
    stopped: false;
    /** Validation loss of the last epoch end. */
    valLoss: number;
    /** Metrics of the last epoch end, by name. */
    metrics: Record<string, number>;
    /** Smoothed training loss at the end. */
    trnLoss: number;
  }
  | {
    stopped: true;
    /**
     * Why the fit stopped: a NaN/infinite loss (`"loss is NaN at batch 37 (epoch 0, phase 1)"`) or
     * `stopDiv`'s divergence rule; batches, epochs and phases are counted from 0.
     */
    reason: string;
    /** Batches recorded before the one that diverged (fastai stops before recording it). */
    batches: number;
    /** Batches actually trained (the check runs on lagged losses, so a few more than `batches`). */
    trained: number;
  };

/** Validation: one GPU slot per batch and value, one readback at the end. */
export async function validate(
  ctx: LoopContext,
  data: LearnerData,
  scratch: { buf: Tensor | null },
): Promise<{ valLoss: number; metrics: Record<string, number> }> {
  const { model, lossFn, metrics, uploader } = ctx;
  const loader = data.valid;
  const width = 1 + metrics.length;
  const need = Math.max(1, loader.length) * width;
  if (!scratch.buf || scratch.buf.size < need) {
    scratch.buf?.dispose();
    scratch.buf = zeros([need]);
  }
  const buf = scratch.buf;
  const d = device();
  const sizes: number[] = [];
  model.eval?.();
  try {
    for await (const b of loader) {
      if ((sizes.length + 1) * width > buf.size) {
        throw new RangeError(
          `Cannot validate: the loader gave more batches than its length ${loader.length}`,
        );
      }
      const { x, y } = uploader.upload(b);
      const slot = sizes.length * width;
      tidy(() =>
        noGrad(() => {
          const out = model.forward(x);
          const values = [lossFn(out, y), ...metrics.map((m) => m.fn(out, y))];
          values.forEach((v, j) => {
            if (v.size !== 1) {
              throw new TypeError(
                `Cannot validate: ${
                  j === 0 ? "the loss" : `metric ${metrics[j - 1]!.name}`
                } gave shape [${v.shape}], expected a scalar`,
              );
            }
            d.copy(v.buffer, 0, buf.buffer, (slot + j) * 4, 4);
          });
        })
      );
      sizes.push(b.shape[0]!);
    }
  } finally {
    model.train?.();
  }
  if (sizes.length === 0) {
    return { valLoss: NaN, metrics: Object.fromEntries(metrics.map((m) => [m.name, NaN])) };
  }
  const vals = new Float32Array(await d.read(buf.buffer, 0, sizes.length * width * 4));
  const total = sizes.reduce((a, b) => a + b, 0);
  const avg = (j: number) => sizes.reduce((s, n, i) => s + vals[i * width + j]! * n, 0) / total;
  return {
    valLoss: avg(0),
    metrics: Object.fromEntries(metrics.map((m, j) => [m.name, avg(j + 1)])),
  };
}

interface Segment {
  data: LearnerData;
  stop: number;
}

function segments(plan: SchedulePlan, dataList: readonly LearnerData[]): Segment[] {
  const out: Segment[] = [];
  for (const p of plan.phases) {
    const data = dataList[p.index]!;
    const stop = p.firstBatch + p.batchCount;
    const last = out.at(-1);
    if (last && last.data === data) last.stop = stop;
    else out.push({ data, stop });
  }
  return out;
}

/**
 * The data's labels against the model's output count: one forward in eval mode without a graph
 * (no batch-norm statistics move), once per fit, before the first step.
 */
function checkOutputs(
  model: LearnerModel,
  x: Tensor,
  labels: { min: number; max: number },
): void {
  model.eval?.();
  try {
    tidy(() => noGrad(() => checkLabelRange(labels, model.forward(x).shape)));
  } finally {
    model.train?.();
  }
}

/** Runs a whole plan; see the module docs. */
export async function runPlan(ctx: LoopContext, o: LoopOptions): Promise<FitResult> {
  const { plan, recorder } = o;
  const smooth = new SmoothLoss();
  const detector = o.stopDiv ? new DivergenceDetector(o.stopDivOptions) : null;
  const ring = new LossRing(o.readEvery);
  const views = fitViews({
    jupyter: o.jupyter,
    log: o.log,
    htmlTable: o.htmlTable ?? false,
    progress: o.progress,
  });
  const bar = views.bar;
  let displayError: unknown = null;
  const scratch: { buf: Tensor | null } = { buf: null };
  const pending: { lrs: Float64Array; momentum: number; epoch: number; phase: number }[] = [];
  const stopOnNaN = o.stopOnNaN ?? true;
  const classify = ctx.lossFn === nllLoss || ctx.lossFn === crossEntropy;
  const labels = classify ? dataLabelRange(o.dataList) : null;
  let seen = 0;
  const ends = plan.epochEnds;
  let stop: string | null = null;
  let k = 0, e = 0, phase = -1;
  let opt: TrainableOptimizer | null = null;
  let last = { valLoss: NaN, metrics: {} as Record<string, number> };

  const consume = (values: Float32Array | null) => {
    if (!values || stop !== null) return;
    for (const v of values) {
      const h = pending.shift()!;
      const at = `(epoch ${h.epoch}, phase ${h.phase})`;
      const i = seen++;
      const s = smooth.add(v);
      let reason = stopOnNaN && !Number.isFinite(v) ? `loss is ${v} at batch ${i}` : undefined;
      reason ??= detector?.update(s);
      if (reason !== undefined) {
        stop = `${reason} ${at}`;
        pending.length = 0;
        return;
      }
      recorder.recordBatch({ lrs: h.lrs, momentum: h.momentum, loss: s, rawLoss: v });
    }
  };
  views.stats.header(ctx.metrics.map((m) => m.name));
  ctx.model.train?.();
  try {
    for (const seg of segments(plan, o.dataList)) {
      while (k < seg.stop && stop === null) {
        const loader = seg.data.train;
        bar.start(Math.min(loader.length, seg.stop - k));
        let inPass = 0;
        for await (const b of loader) {
          const h = hypersAt(plan, k);
          if (h.phase !== phase) {
            phase = h.phase;
            opt = ctx.optimizerFor(o.classes[phase]!, h.lr[0]!);
          }
          applyPhaseHypers(opt!, h);
          const { x, y } = ctx.uploader.upload(b);
          if (k === 0 && labels) checkOutputs(ctx.model, x, labels);
          const o2 = opt!;
          const loss = tidy(() => {
            o2.zeroGrad();
            const out = ctx.model.forward(x);
            const l = ctx.lossFn(out, y);
            if (l.size !== 1) {
              throw new TypeError(
                `Cannot train: the loss has shape [${l.shape}], expected a scalar`,
              );
            }
            l.backward();
            o2.step();
            return l;
          });
          pending.push({ lrs: h.lr, momentum: h.momentum, epoch: e, phase: h.phase });
          const got = ring.push(loss);
          loss.dispose();
          consume(await got);
          k++;
          inPass++;
          bar.update(inPass, smooth.value);
          o.onBatchEnd?.(k);
          if (stop !== null) break;
          if (ends[e] !== undefined && ends[e]!.iteration === k) {
            consume(await ring.drain());
            if (stop !== null) break;
            bar.end();
            last = await validate(ctx, o.dataList[ends[e]!.phase]!, scratch);
            recorder.recordEpoch({ valLoss: last.valLoss, metrics: last.metrics });
            views.stats.row(e, [smooth.value, last.valLoss, ...Object.values(last.metrics)]);
            e++;
            if (k < seg.stop) bar.start(Math.min(loader.length - inPass, seg.stop - k));
          }
          if (k >= seg.stop) break;
        }
        if (inPass === 0) {
          throw new RangeError(
            `Cannot train: a training loader of length ${loader.length} gave no batch`,
          );
        }
      }
      if (stop !== null) break;
    }
  } finally {
    scratch.buf?.dispose();
    if (stop !== null) await ring.discard();
    ring.dispose();
    bar.end(stop !== null); // a stop keeps the bar's last state
    // every notebook update must reach the cell before it ends; an error here must not hide one
    // of the loop's own
    await views.flush().catch((e) => void (displayError = e));
  }
  if (displayError !== null) throw displayError;
  if (stop !== null) {
    return { stopped: true, reason: stop, batches: recorder.iteration, trained: k };
  }
  return { stopped: false, valLoss: last.valLoss, metrics: last.metrics, trnLoss: smooth.value };
}
