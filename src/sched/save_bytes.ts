/**
 * A learner's model and optimizer state as bytes and back, with no file system: what
 * `learn.save(name, { path })` writes and `learn.load(name, { path })` reads, for a browser, where
 * the bytes become a downloaded `Blob` (or come from a user-picked `File`). The format is
 * `_checkpoint.ts`'s (a magic line, a JSON header, the raw tensor data, a CRC-32), validated on
 * load like a file.
 * @module
 */

import type { Learner, Snapshot } from "./learner.ts";
import type { OptimizerClass } from "./learner_types.ts";
import { checkpointBytes, checkpointFromBytes } from "./_checkpoint_file.ts";
import { guardOf } from "./fit_guard.ts";

/**
 * The learner's model and optimizer state, encoded as `learn.save(name, { path })` writes it.
 *
 * @example
 * ```ts ignore
 * const bytes = await saveBytes(learn);
 * const a = Object.assign(document.createElement("a"), {
 *   href: URL.createObjectURL(new Blob([bytes])),
 *   download: "model.tempo",
 * });
 * a.click();
 * ```
 */
export async function saveBytes(learn: Learner): Promise<Uint8Array> {
  const snap = await learn.snapshot();
  return checkpointBytes({ model: snap.model, opt: snap.opt?.state });
}

/**
 * Restores bytes from {@linkcode saveBytes} (or a file `learn.save` wrote): the model, and the
 * optimizer state into the learner's current optimizer if it has one (as `learn.load` with a path).
 * `name` labels errors.
 *
 * @example
 * ```ts ignore
 * const file = input.files[0];
 * await loadBytes(learn, new Uint8Array(await file.arrayBuffer()), file.name);
 * ```
 */
export async function loadBytes(
  learn: Learner,
  bytes: Uint8Array,
  name = "<bytes>",
): Promise<void> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`loadBytes: expected a Uint8Array, got ${typeof bytes}`);
  }
  guardOf(learn).assertIdle("loadBytes");
  const saved = checkpointFromBytes(bytes, name);
  const cls = learn.opt?.constructor as OptimizerClass | undefined;
  const snap: Snapshot = { model: saved.model };
  if (cls && saved.opt) snap.opt = { cls, state: saved.opt };
  await learn.restore(snap);
}
