/**
 * Private: the one place tempo looks at the Deno namespace. The core (tensors, layers, optimizers,
 * the scheduler, plots) runs wherever WebGPU does, a browser or a Web Worker included; only the
 * file-system parts (dataset readers, `{ file }` / `{ path }` options) need Deno, and they get it
 * through {@linkcode needDeno}, which fails with a message saying what to do instead.
 * Nothing else in `src/` names `Deno` at run time (`tests/platform_neutral_test.ts` checks the
 * browser bundle for it).
 * @module
 */

/** The Deno namespace, or `undefined` in a browser or worker. */
export function deno(): typeof Deno | undefined {
  return (globalThis as { Deno?: typeof Deno }).Deno;
}

/**
 * The Deno namespace for `what` (e.g. `"readIdx"`), or a `TypeError` saying that it needs Deno and
 * what to do in a browser instead (`instead`).
 */
export function needDeno(what: string, instead: string): typeof Deno {
  const d = deno();
  if (d) return d;
  throw new TypeError(
    `${what} reads or writes files, which needs Deno; this runtime has no Deno (a browser?). ${instead}`,
  );
}

/** Joins path segments with `/` (what `node:path` `join` does for the relative and POSIX paths tempo builds). */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((p) => p !== "");
  if (kept.length === 0) return ".";
  const abs = kept[0]!.startsWith("/");
  const out: string[] = [];
  for (const seg of kept.join("/").split(/[\\/]+/)) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length && out[out.length - 1] !== "..") out.pop();
    else if (seg !== ".." || !abs) out.push(seg);
  }
  const s = (abs ? "/" : "") + out.join("/");
  return s === "" ? "." : s;
}

/** The extension of the last path segment, dot included (`"a/b.png"` → `".png"`), as `node:path` `extname`. */
export function extName(path: string): string {
  const base = path.slice(path.search(/[^\\/]*$/));
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot);
}
