/**
 * Private: reading a resumable checkpoint for `fitOptSched({ resume })` — the training state is
 * checked against the plan (same phases, data and layer groups) and the weights and optimizer state
 * against the model before anything is written into the learner.
 * @module
 */
import { decodeSafetensors } from "../io/safetensors.ts";
import { readBytes } from "../io/_files.ts";
import { type CheckpointLearner, safetensorsToSnapshot } from "./checkpoint_safetensors.ts";
import type { Snapshot } from "./learner.ts";
import { parseTrainingState, TRAINING_KEY, type TrainingState } from "./train_state.ts";

/** The snapshot and training state of a checkpoint, checked. */
export async function readResume(
  learn: CheckpointLearner,
  path: string | URL,
  fingerprint: string,
): Promise<{ snap: Snapshot; state: TrainingState }> {
  const where = `Cannot resume from ${String(path)}`;
  const bytes = await readBytes(path);
  const { metadata } = decodeSafetensors(bytes, String(path));
  const state = parseTrainingState(metadata[TRAINING_KEY], where);
  if (state.fingerprint !== fingerprint) {
    throw new TypeError(
      `${where}: the checkpoint was made for other phases or data (${state.fingerprint}), this fit has ${fingerprint}`,
    );
  }
  let snap: Snapshot;
  try {
    snap = safetensorsToSnapshot(bytes, learn, String(path));
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    throw new TypeError(`${where}: the checkpoint was made for another model (${e.message})`);
  }
  if (!snap.opt) throw new TypeError(`${where}: expected an optimizer state, got none`);
  return { snap, state };
}
