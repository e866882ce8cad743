/**
 * Private: a checkpoint on disk: `writeCheckpoint` encodes and writes it atomically
 * (`_atomic_write.ts`), `readCheckpoint` reads and validates it (`_checkpoint.ts`) and checks it
 * holds a model state.
 * @module
 */

import { atomicWriteFile } from "./_atomic_write.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./_checkpoint.ts";
import { CheckpointError } from "./checkpoint_error.ts";
import type { Saved } from "./_state.ts";

/** What a Learner checkpoint holds. */
export interface CheckpointState {
  /** The model's state. */
  model: Saved;
  /** The optimizer's state, when there was one. */
  opt?: Saved;
}

/** Writes `state` to `path` atomically (the old file survives any failure). */
export async function writeCheckpoint(path: string | URL, state: CheckpointState): Promise<void> {
  await atomicWriteFile(path, encodeCheckpoint({ model: state.model, opt: state.opt }));
}

/** Reads and validates the checkpoint at `path`; a {@linkcode CheckpointError} when it is bad. */
export async function readCheckpoint(path: string | URL): Promise<CheckpointState> {
  const what = String(path instanceof URL ? path.pathname : path);
  const saved = decodeCheckpoint(await Deno.readFile(path), what);
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
