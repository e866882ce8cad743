/**
 * A {@linkcode Learner}'s checkpoint as a safetensors file, the format of PyTorch and Hugging Face
 * (`learn.save(name, { path: "x.safetensors" })`, `learn.load(name, { path })`).
 *
 * What goes in:
 * - the model's parameters and buffers under their PyTorch `state_dict()` keys (`1.weight`,
 *   `0.1.running_mean`...), as F32. BatchNorm's `num_batches_tracked` is not written (tempo does not
 *   count batches; PyTorch's `load_state_dict(strict=True)` fills it in for a state dict without
 *   version metadata), and is ignored on load;
 * - the optimizer's state buffers under `optimizer.<group>.<param key>.<slot>` (`momentum_buffer`,
 *   `exp_avg`, `exp_avg_sq`, `square_avg`...), as F32;
 * - in `__metadata__`: `format: "pt"`, `tempo.format: "1"`, and (with an optimizer) `tempo.optimizer`,
 *   a JSON string with the optimizer class, each group's hyperparameters and parameter keys, and the
 *   training state of each parameter (its step count and update tag), so training continues exactly.
 *
 * A file without `tempo.optimizer` (a PyTorch state dict) loads the model only; the next fit starts
 * a fresh optimizer. Key or shape mismatches throw one `TypeError` listing the missing and unexpected
 * keys and the first shape mismatch, before anything is written. Not here: the byte format itself
 * (`src/io/safetensors.ts`) and other checkpoint formats (`_state.ts`).
 * @module
 */

import type { Tensor } from "../tensor/mod.ts";
import {
  type DecodedTensor,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsTensor,
} from "../io/safetensors.ts";
import { readBytes, writeBytesAtomic } from "../io/_files.ts";
import type { Saved } from "./_state.ts";
import type { LearnerModel, OptimizerClass, TrainableOptimizer } from "./learner_types.ts";
import type { OptimizerFactory } from "./types.ts";
import type { Snapshot } from "./learner.ts";

/** The version tempo writes under `__metadata__["tempo.format"]`. */
export const CHECKPOINT_FORMAT = "1";

/** What the checkpoint functions need of a {@linkcode Learner} (it fits). */
export interface CheckpointLearner {
  /** The model. */
  readonly model: LearnerModel;
  /** The current optimizer, if any. */
  readonly opt: TrainableOptimizer | null;
  /** The parameters of each layer group, as the optimizer has them. */
  layerGroups(): Tensor[][];
  /** The optimizer class of a name. */
  resolveOptimizer(factory: OptimizerFactory): OptimizerClass;
}

/** Writes bytes to a path (default: atomically, temporary file + fsync + rename). */
export type WriteBytes = (path: string | URL, bytes: Uint8Array) => Promise<void>;

interface OptimizerMeta {
  class: string;
  slots: string[];
  groups: { hypers: Record<string, unknown>; params: string[]; steps: number[]; tags: number[] }[];
}

interface SavedOptimizerState {
  optimizerName: string;
  groups: { hypers: Record<string, unknown>; params: number[] }[];
  state: { step: number; tag: number; buffers: Record<string, Float32Array> }[];
}

const TRACKED = "num_batches_tracked";

/** Whether `path` names a safetensors file (its name ends with `.safetensors`). */
export function isSafetensorsPath(path: string | URL): boolean {
  const name = path instanceof URL ? path.pathname : String(path);
  return /\.safetensors$/i.test(name);
}

/** `[key, tensor]` of the model's state: its PyTorch keys, or the parameter indices. */
function liveEntries(model: LearnerModel): [string, Tensor][] {
  const m = model as LearnerModel & {
    namedParameters?: () => [string, Tensor][];
    namedBuffers?: () => [string, Tensor][];
  };
  if (typeof m.namedParameters === "function") {
    return [...m.namedParameters(), ...(m.namedBuffers?.() ?? [])];
  }
  return model.parameters().map((t, i) => [String(i), t]);
}

/** The key of every live parameter. */
function keyMap(model: LearnerModel): Map<Tensor, string> {
  return new Map(liveEntries(model).map(([k, t]) => [t, k]));
}

function modelTensors(saved: Saved): [string, SafetensorsTensor][] {
  const entries = Array.isArray(saved)
    ? saved.map((v, i) => [String(i), v] as const)
    : Object.entries((saved ?? {}) as Record<string, Saved>);
  return entries.map(([k, v]) => {
    const t = v as { shape?: readonly number[]; data?: unknown };
    if (!(t?.data instanceof Float32Array) || !Array.isArray(t.shape)) {
      throw new TypeError(
        `Cannot write '${k}' to safetensors: expected a float32 tensor in the model state`,
      );
    }
    return [k, { dtype: "F32", shape: t.shape, data: t.data }];
  });
}

/**
 * A snapshot as safetensors bytes: the model under its PyTorch keys, the optimizer (if any) under
 * `optimizer.*` and `__metadata__["tempo.optimizer"]`.
 *
 * @param snap What {@linkcode Learner.snapshot} returned.
 * @param learn The learner it came from (for the parameter keys of the optimizer state).
 * @throws {TypeError} When the state is not float32 tensors or the optimizer state is not tempo's.
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, simpleNet } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * const bytes = snapshotToSafetensors(await learn.snapshot(), learn); // e.g. for a download
 * ```
 */
export function snapshotToSafetensors(snap: Snapshot, learn: CheckpointLearner): Uint8Array {
  const tensors = modelTensors(snap.model);
  const metadata: Record<string, string> = { format: "pt", "tempo.format": CHECKPOINT_FORMAT };
  if (snap.opt) {
    const st = snap.opt.state as unknown as SavedOptimizerState;
    if (!st || typeof st.optimizerName !== "string" || !Array.isArray(st.groups)) {
      throw new TypeError(
        "Cannot write the optimizer to safetensors: expected tempo's optimizer state " +
          "({ optimizerName, groups, state })",
      );
    }
    const keys = keyMap(learn.model);
    const params = (learn.opt as { params?: readonly Tensor[] } | null)?.params ??
      learn.layerGroups().flat();
    const keyOf = (i: number) => {
      const k = params[i] && keys.get(params[i]!);
      if (k === undefined) {
        throw new TypeError(
          `Cannot write the optimizer to safetensors: its parameter ${i} is not in the model`,
        );
      }
      return k;
    };
    const slots = Object.keys(st.state[0]?.buffers ?? {});
    const meta: OptimizerMeta = { class: st.optimizerName, slots, groups: [] };
    st.groups.forEach((g, gi) => {
      const names = g.params.map(keyOf);
      meta.groups.push({
        hypers: g.hypers,
        params: names,
        steps: g.params.map((i) => st.state[i]!.step),
        tags: g.params.map((i) => st.state[i]!.tag),
      });
      g.params.forEach((i, j) => {
        const shape = params[i]!.shape;
        for (const slot of slots) {
          const data = st.state[i]!.buffers[slot]!;
          tensors.push([`optimizer.${gi}.${names[j]}.${slot}`, { dtype: "F32", shape, data }]);
        }
      });
    });
    metadata["tempo.optimizer"] = JSON.stringify(meta);
  }
  return encodeSafetensors(tensors, { metadata });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function parseOptimizerMeta(text: string, where: string): OptimizerMeta {
  let m: OptimizerMeta;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new TypeError(
      `${where}: expected tempo.optimizer to be JSON, got ${(e as Error).message}`,
    );
  }
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === "string");
  const ints = (a: unknown, n: number) =>
    Array.isArray(a) && a.length === n && a.every((s) => Number.isSafeInteger(s) && s >= 0);
  const ok = m !== null && typeof m === "object" && typeof m.class === "string" &&
    strings(m.slots) && Array.isArray(m.groups) &&
    m.groups.every((g) =>
      g !== null && typeof g === "object" && g.hypers !== null && typeof g.hypers === "object" &&
      strings(g.params) && ints(g.steps, g.params.length) && ints(g.tags, g.params.length)
    );
  if (!ok) {
    throw new TypeError(
      `${where}: expected tempo.optimizer { class, slots, groups: [{ hypers, params, steps, tags }] }`,
    );
  }
  return m;
}

/** The model part of a snapshot from the file's tensors, checked against the live model. */
function modelFromFile(
  tensors: Map<string, DecodedTensor>,
  learn: CheckpointLearner,
  where: string,
): Saved {
  const live = liveEntries(learn.model);
  const own = new Map(live);
  const missing = live.map(([k]) => k).filter((k) => !tensors.has(k));
  const unexpected = [...tensors.keys()].filter((k) => !own.has(k));
  let mismatch = "";
  for (const [k, t] of tensors) {
    const p = own.get(k);
    if (!p) continue;
    if (!sameShape(t.shape, p.shape)) {
      mismatch = `'${k}' expected shape [${p.shape}], got [${t.shape}]`;
      break;
    }
    if (t.dtype !== "F32") {
      mismatch = `'${k}' expected a float tensor, got ${t.fileDtype}`;
      break;
    }
  }
  if (missing.length || unexpected.length || mismatch) {
    throw new TypeError(
      `${where}: missing keys [${missing.join(", ")}], unexpected keys [${unexpected.join(", ")}]${
        mismatch ? `, first shape mismatch ${mismatch}` : ""
      }`,
    );
  }
  const entry = (k: string) => {
    const t = tensors.get(k)!;
    return { shape: [...t.shape], data: t.data as Float32Array };
  };
  if (typeof (learn.model as { namedParameters?: unknown }).namedParameters !== "function") {
    return live.map(([k]) => ({ kind: "tensor", dtype: "f32", ...entry(k) }));
  }
  return Object.fromEntries(live.map(([k]) => [k, entry(k)]));
}

/** The optimizer part of a snapshot, checked against the learner's layer groups. */
function optimizerFromFile(
  meta: OptimizerMeta,
  tensors: Map<string, DecodedTensor>,
  learn: CheckpointLearner,
  where: string,
): NonNullable<Snapshot["opt"]> {
  const cls = learn.resolveOptimizer({ optimizerName: meta.class });
  const keys = keyMap(learn.model);
  const groups = learn.layerGroups();
  const liveKeys = groups.map((g) => g.map((t) => keys.get(t) ?? "?"));
  const savedKeys = meta.groups.map((g) => g.params);
  if (JSON.stringify(liveKeys) !== JSON.stringify(savedKeys)) {
    throw new TypeError(
      `${where}: the optimizer state is for the layer groups ${
        JSON.stringify(savedKeys)
      }, the learner has ${JSON.stringify(liveKeys)}`,
    );
  }
  const used = new Set<string>();
  const state: SavedOptimizerState = { optimizerName: meta.class, groups: [], state: [] };
  meta.groups.forEach((g, gi) => {
    const params: number[] = [];
    g.params.forEach((k, j) => {
      const p = groups[gi]![j]!;
      const buffers: Record<string, Float32Array> = {};
      for (const slot of meta.slots) {
        const name = `optimizer.${gi}.${k}.${slot}`;
        const t = tensors.get(name);
        if (!t || t.dtype !== "F32" || !sameShape(t.shape, p.shape)) {
          throw new TypeError(
            `${where}: expected optimizer tensor '${name}' of shape [${p.shape}], got ${
              t ? `${t.fileDtype} [${t.shape}]` : "none"
            }`,
          );
        }
        used.add(name);
        buffers[slot] = t.data as Float32Array;
      }
      params.push(state.state.length);
      state.state.push({ step: g.steps[j]!, tag: g.tags[j]!, buffers });
    });
    state.groups.push({ hypers: g.hypers, params });
  });
  const extra = [...tensors.keys()].filter((k) => !used.has(k));
  if (extra.length) {
    throw new TypeError(`${where}: unexpected optimizer keys [${extra.join(", ")}]`);
  }
  return { cls, state: state as unknown as Saved };
}

/**
 * A snapshot from safetensors bytes, checked against `learn` (nothing is written to it).
 *
 * @param bytes A file tempo wrote, or a PyTorch state dict saved as safetensors.
 * @param learn The learner to restore into (its model keys and layer groups).
 * @param source How errors name the file.
 * @throws {TypeError|RangeError} On an invalid file, missing or unexpected keys, a shape mismatch,
 *   an unknown optimizer class or an optimizer state for other layer groups.
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, simpleNet } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * const bytes = snapshotToSafetensors(await learn.snapshot(), learn);
 * await learn.restore(safetensorsToSnapshot(bytes, learn));
 * ```
 */
export function safetensorsToSnapshot(
  bytes: Uint8Array,
  learn: CheckpointLearner,
  source = "safetensors data",
): Snapshot {
  const where = `Cannot load ${source}`;
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const version = metadata["tempo.format"];
  if (version !== undefined && version !== CHECKPOINT_FORMAT) {
    throw new TypeError(
      `${where}: expected tempo.format ${CHECKPOINT_FORMAT}, got ${JSON.stringify(version)}`,
    );
  }
  const optText = metadata["tempo.optimizer"];
  const model = new Map<string, DecodedTensor>();
  const opt = new Map<string, DecodedTensor>();
  for (const [k, t] of tensors) {
    if (optText !== undefined && k.startsWith("optimizer.")) opt.set(k, t);
    else if (k !== TRACKED && !k.endsWith(`.${TRACKED}`)) model.set(k, t);
  }
  const snap: Snapshot = { model: modelFromFile(model, learn, where) };
  if (optText !== undefined) {
    snap.opt = optimizerFromFile(parseOptimizerMeta(optText, where), opt, learn, where);
  }
  return snap;
}

/**
 * Writes a snapshot of `learn` as a safetensors file (atomically unless `write` says otherwise).
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, simpleNet } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" }); // or "model.safetensors"
 * await saveSafetensors(learn, await learn.snapshot(), path);
 * await Deno.remove(path);
 * ```
 */
export async function saveSafetensors(
  learn: CheckpointLearner,
  snap: Snapshot,
  path: string | URL,
  write: WriteBytes = writeBytesAtomic,
): Promise<void> {
  await write(path, snapshotToSafetensors(snap, learn));
}

/**
 * Reads a safetensors file into a snapshot for `learn.restore()` (checked, nothing written yet).
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, simpleNet } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" }); // or "model.safetensors"
 * await saveSafetensors(learn, await learn.snapshot(), path);
 * await learn.restore(await loadSafetensors(learn, path));
 * await Deno.remove(path);
 * ```
 */
export async function loadSafetensors(
  learn: CheckpointLearner,
  path: string | URL,
): Promise<Snapshot> {
  return safetensorsToSnapshot(await readBytes(path), learn, String(path));
}
