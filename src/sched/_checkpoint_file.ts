/**
 * Private: a checkpoint on disk: `writeCheckpoint` encodes and writes it atomically
 * (`src/io/_files.ts`), `readCheckpoint` reads and validates it (`_checkpoint.ts`) and checks it
 * holds a model state.
 * @module
 */

import { atomicWriteFile, readBytes } from "../io/_files.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./_checkpoint.ts";
import { CheckpointError } from "./checkpoint_error.ts";
import type { Saved } from "./_state.ts";
import {
  type CheckpointLearner,
  isSafetensorsPath,
  loadSafetensors,
  saveSafetensors,
} from "./checkpoint_safetensors.ts";
import type { OptimizerClass, Snapshot } from "./learner_types.ts";

/** What a Learner checkpoint holds. */
export interface CheckpointState {
  /** The model's state. */
  model: Saved;
  /** The optimizer's state, when there was one. */
  opt?: Saved;
}

/** Writes `state` to `path` atomically (the old file survives any failure). */
export async function writeCheckpoint(path: string | URL, state: CheckpointState): Promise<void> {
  await atomicWriteFile(
    path,
    encodeCheckpoint({ model: state.model, opt: state.opt }),
    "Learner.save({ path })",
  );
}

/** Reads and validates the checkpoint at `path`; a {@linkcode CheckpointError} when it is bad. */
export async function readCheckpoint(path: string | URL): Promise<CheckpointState> {
  const what = String(path instanceof URL ? path.pathname : path);
  return checkpointFromBytes(await readBytes(path, "Learner.load({ path })"), what);
}

/** The checkpoint in `bytes` (what `writeCheckpoint` wrote), validated; `what` names it in errors. */
export function checkpointFromBytes(bytes: Uint8Array, what: string): CheckpointState {
  const saved = decodeCheckpoint(bytes, what);
  if (saved === null || typeof saved !== "object" || Array.isArray(saved) || !("model" in saved)) {
    throw new CheckpointError(
      what,
      "corrupt",
      "corrupt header: expected a Learner state { model, opt }, got another structure",
    );
  }
  const s = saved as Record<string, Saved>;
  return { model: s.model, opt: s.opt ?? undefined };
}

/** The checkpoint bytes of `state`, as `writeCheckpoint` writes them (for a browser download). */
export function checkpointBytes(state: CheckpointState): Uint8Array {
  const chunks = encodeCheckpoint({ model: state.model, opt: state.opt });
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Writes a snapshot to `path`: safetensors for a `.safetensors` path, else tempo's own format (the
 * optimizer state without its class).
 */
export async function writeSnapshot(
  learn: CheckpointLearner,
  snap: Snapshot,
  path: string | URL,
): Promise<void> {
  if (isSafetensorsPath(path)) return await saveSafetensors(learn, snap, path);
  await writeCheckpoint(path, { model: snap.model, opt: snap.opt?.state });
}

/**
 * Reads a snapshot from `path` (checked, nothing restored yet); a tempo-format optimizer state goes
 * to the learner's current optimizer class, if it has one.
 */
export async function readSnapshot(
  learn: CheckpointLearner,
  path: string | URL,
): Promise<Snapshot> {
  if (isSafetensorsPath(path)) return await loadSafetensors(learn, path);
  const saved = await readCheckpoint(path);
  const cls = learn.opt?.constructor as OptimizerClass | undefined;
  const snap: Snapshot = { model: saved.model };
  if (cls && saved.opt) snap.opt = { cls, state: saved.opt };
  return snap;
}
