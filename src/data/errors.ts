/**
 * Errors raised while locating or reading datasets.
 * @module
 */

/**
 * A dataset file exists but its content is wrong: bad magic number, truncated, corrupt image, wrong size.
 * `file` names the offending file.
 *
 * @example
 * ```ts
 * import { DatasetFormatError, parseIdx } from "./mod.ts";
 * try {
 *   parseIdx(new Uint8Array([1, 2, 3, 4]), "x.idx");
 * } catch (e) {
 *   if (e instanceof DatasetFormatError) console.log(e.file); // "x.idx"
 * }
 * ```
 */
export class DatasetFormatError extends Error {
  /** `"DatasetFormatError"`. */
  override name = "DatasetFormatError";
  /** The file (or a label for an in-memory buffer) that is wrong. */
  readonly file: string;
  /**
   * Creates the error; the message is `` `${file}: ${problem}` ``.
   *
   * @param file The file (or a label for an in-memory buffer) that is wrong.
   * @param problem What is wrong with it.
   * @param options Standard error options (`cause`).
   */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

/**
 * A dataset could not be found (nor downloaded). The message says what to install or which option to pass.
 *
 * @example
 * ```ts
 * import { DatasetNotFoundError, loadFashionMnist } from "./mod.ts";
 * try {
 *   await loadFashionMnist({ path: "/nowhere" });
 * } catch (e) {
 *   if (e instanceof DatasetNotFoundError) console.error(e.message);
 * }
 * ```
 */
export class DatasetNotFoundError extends Error {
  /** `"DatasetNotFoundError"`. */
  override name = "DatasetNotFoundError";
}
