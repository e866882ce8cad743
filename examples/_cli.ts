/**
 * Private: what the examples' command lines share: a typed usage error, number flags, the exit path.
 * @module
 */

/** A bad command line: `main` prints the message and the usage on stderr and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A finite number from flag `--name`'s text, or a {@linkcode UsageError}. */
export function numberFlag(
  name: string,
  text: string | undefined,
  o: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const v = text.trim() === "" ? NaN : Number(text);
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

/**
 * Runs a CLI: `parse(argv)`; `--help` prints `usage` on stdout (exit 0); a {@linkcode UsageError}
 * prints `error: <message>` and the usage on stderr (exit 2).
 */
export async function runCli<T>(
  argv: string[],
  usage: string,
  parse: (argv: string[]) => T | "help",
  main: (opts: T) => Promise<unknown>,
): Promise<void> {
  let opts: T | "help";
  try {
    opts = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n\n${usage}`);
    Deno.exit(2);
  }
  if (opts === "help") {
    console.log(usage);
    return;
  }
  await main(opts);
}
