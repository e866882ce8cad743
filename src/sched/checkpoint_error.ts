/**
 * `CheckpointError`: a checkpoint file that cannot be read back as written (truncated, corrupt, or
 * not a tempo checkpoint). Thrown by `Learner.load(name, { path })`.
 * @module
 */

/** What is wrong with the file. */
export type CheckpointProblem = "truncated" | "corrupt" | "not-a-checkpoint";

/**
 * A checkpoint file that is truncated, corrupt, or not a tempo checkpoint. The message says what was
 * expected and what the file holds, e.g. `Cannot load ckpt.bin: truncated: expected 123456 bytes of
 * tensor data after the header, found 4096`.
 *
 * @example
 * ```ts
 * import { ImageClassifierData, init, Learner, simpleNet } from "../../mod.ts";
 * await init();
 * const x = Uint8Array.from({ length: 32 * 48 }, (_, i) => (i * 37) % 256), y = new Int32Array(32);
 * const data = ImageClassifierData.fromArrays({ train: [x, y], valid: [x, y], shape: [3, 4, 4], bs: 8 });
 * const learn = Learner.fromModelData(simpleNet([48, 8, 3], { seed: 0 }), data);
 * const path = await Deno.makeTempFile({ suffix: ".tempo" });
 * await learn.save("best", { path });
 * const full = await Deno.readFile(path);
 * await Deno.writeFile(path, full.subarray(0, full.length >> 1)); // a save cut short
 * try {
 *   await learn.load("best", { path });
 * } catch (e) {
 *   if (e instanceof CheckpointError && e.problem === "truncated") console.error("re-run the save");
 *   else throw e;
 * }
 * await Deno.remove(path);
 * ```
 */
export class CheckpointError extends Error {
  /** `"CheckpointError"`. */
  override name = "CheckpointError";
  /** `"truncated"`, `"corrupt"` or `"not-a-checkpoint"`. */
  readonly problem: CheckpointProblem;
  /** The file (or what the caller called it). */
  readonly file: string;

  /** `Cannot load <file>: <problem>: <detail>` (the problem word once). */
  constructor(file: string, problem: CheckpointProblem, detail: string) {
    const lead = problem === "not-a-checkpoint" || detail.startsWith(problem) ? "" : `${problem}: `;
    super(`Cannot load ${file}: ${lead}${detail}`);
    this.problem = problem;
    this.file = file;
  }
}
