/**
 * Private: what the examples' command lines share: a typed usage error, number flags, the checks of
 * the files a run needs before it starts, and the exit path: `--help` exits 0; a bad command line
 * prints `error: <message>` and the usage on stderr and exits 2; any failure while running (a
 * missing data set, an unwritable output folder, a GPU error) prints one `error: <message>` line on
 * stderr, without a stack trace, and exits 1.
 * @module
 */

import { dirname, join } from "node:path";

/** A bad command line: `main` prints the message and the usage on stderr and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A decimal number: `12`, `-0.5`, `.5`, `1e-3` (no hex, binary, octal, `_`, or `Infinity`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number from flag `--name`'s text, or a {@linkcode UsageError}. */
export function numberFlag(
  name: string,
  text: string | undefined,
  o: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const v = DECIMAL.test(text) ? Number(text) : NaN;
  const kind = o.integer ? "an integer" : "a number";
  if (!Number.isFinite(v) || (o.integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name}: expected ${kind}, got '${text}'`);
  }
  if (o.min !== undefined && (o.exclusiveMin ? v <= o.min : v < o.min)) {
    throw new UsageError(
      `--${name}: expected ${kind} ${o.exclusiveMin ? ">" : ">="} ${o.min}, got ${text}`,
    );
  }
  return v;
}

/** Turns `node:util` parseArgs errors (unknown flag, missing value) into a {@linkcode UsageError}. */
export function usageFrom(e: unknown): never {
  if (e instanceof UsageError) throw e;
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === "string" && err.code.startsWith("ERR_PARSE_ARGS")) {
    throw new UsageError(String(err.message).replace(/\s*\n\s*/g, " ").trim());
  }
  throw e;
}

/** The message of a failure as one line (a multi-line GPU message is joined with spaces). */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, " ").trim() || (e instanceof Error ? e.name : "unknown error");
}

/**
 * Checks, before any training, that files can be written into folder `dir` (created if missing):
 * writes and removes a probe file. Throws an `Error` naming the flag and the folder.
 */
export async function checkWritableDir(dir: string, flag: string): Promise<void> {
  const probe = join(dir, `.tempo-write-probe-${Deno.pid}`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeFile(probe, new Uint8Array(1));
    await Deno.remove(probe);
  } catch (e) {
    throw new Error(`${flag} ${dir}: cannot write there (${oneLine(e)})`);
  }
}

/** {@linkcode checkWritableDir} on the folder of output file `file`; refuses a folder as `file`. */
export async function checkWritableFile(file: string, flag: string): Promise<void> {
  const st = await Deno.stat(file).catch(() => null);
  if (st?.isDirectory || /[\\/]$/.test(file)) {
    throw new Error(`${flag} ${file}: expected a file name, got a folder`);
  }
  await checkWritableDir(dirname(file), flag);
}

/** Throws an `Error` naming the flag unless `dir` is an existing folder. */
export async function checkFolder(dir: string | undefined, flag: string): Promise<void> {
  if (dir === undefined) return;
  const st = await Deno.stat(dir).catch((e) => {
    throw new Error(`${flag} ${dir}: no such folder (${oneLine(e)})`);
  });
  if (!st.isDirectory) throw new Error(`${flag} ${dir}: expected a folder, got a file`);
}

/**
 * Runs a CLI: `parse(argv)`; `--help` prints `usage` on stdout (exit 0); a {@linkcode UsageError}
 * prints `error: <message>` and the usage on stderr (exit 2); any other failure of `main` (thrown,
 * rejected, or an unhandled rejection) prints `error: <message>` on one line (exit 1).
 */
export async function runCli<T>(
  argv: string[],
  usage: string,
  parse: (argv: string[]) => T | "help",
  main: (opts: T) => Promise<unknown>,
): Promise<void> {
  const fail = (e: unknown): never => {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${usage}`);
      Deno.exit(2);
    }
    console.error(`error: ${oneLine(e)}`);
    Deno.exit(1);
  };
  globalThis.addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    fail(ev.reason);
  });
  globalThis.addEventListener("error", (ev) => {
    ev.preventDefault();
    fail(ev.error ?? ev.message);
  });
  let opts: T | "help";
  try {
    opts = parse(argv);
  } catch (e) {
    return fail(e);
  }
  if (opts === "help") {
    console.log(usage);
    return;
  }
  try {
    await main(opts);
  } catch (e) {
    fail(e);
  }
}
