/**
 * The two checks of the quality gate (`deno task ok`, tools/ok.ts) that no Deno subcommand does:
 * the size budget (no file over `limit` lines) and the `mod.ts` contract (each `mod.ts` only
 * re-exports, and re-exports exactly the public files of its folder). Both are pure functions of a
 * folder tree, so `_gate_test.ts` runs them on temporary folders. They report problems as lines;
 * they do not fix anything.
 */
import { join, relative } from "node:path";

/** One file that is over the size budget. */
export interface SizeProblem {
  /** The path, relative to the root. */
  file: string;
  /** Its line count. */
  lines: number;
}

/** Text files the size budget counts (binary fixtures and images are not code). */
const COUNTED = /\.(ts|js|wgsl|html|css|md)$/;

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile) yield path;
  }
}

/** The number of lines of a text: a final newline does not start a new line. */
export function lineCount(text: string): number {
  if (text === "") return 0;
  const n = text.split("\n").length;
  return text.endsWith("\n") ? n - 1 : n;
}

/**
 * Every counted file under `dirs` (relative to `root`) with more than `limit` lines, and how many
 * files were counted. `generated` files (relative paths) are not counted: their size is their
 * generator's.
 */
export async function sizeProblems(
  root: string,
  dirs: readonly string[],
  limit: number,
  generated: readonly string[] = [],
): Promise<{ counted: number; problems: SizeProblem[] }> {
  const problems: SizeProblem[] = [];
  let counted = 0;
  for (const dir of dirs) {
    for await (const path of walk(join(root, dir))) {
      if (!COUNTED.test(path) || generated.includes(relative(root, path))) continue;
      counted++;
      const lines = lineCount(await Deno.readTextFile(path));
      if (lines > limit) problems.push({ file: relative(root, path), lines });
    }
  }
  return { counted, problems };
}

/** Whether a `.ts` file is public: not `_`-prefixed, not a test, not a `mod.ts`. */
export function isPublicFile(name: string): boolean {
  return name.endsWith(".ts") && !name.startsWith("_") && !name.endsWith("_test.ts") &&
    !name.endsWith(".d.ts") && name !== "mod.ts";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * What the `mod.ts` of `dir` must re-export, as paths relative to `dir` ("./x.ts"): each public
 * file of the folder, and for each subfolder the subfolder's `mod.ts` when it has one, otherwise
 * (recursively) the subfolder's own public files. `only` limits the subfolders looked at (the
 * repository's root `mod.ts` covers `src` only, not `tests` or `tools`).
 */
export async function expectedExports(dir: string, only?: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (sub: string, top: boolean) => {
    const entries = [];
    for await (const e of Deno.readDir(join(dir, sub))) entries.push(e);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isFile && isPublicFile(e.name)) out.push(`./${rel}`);
      if (!e.isDirectory || e.name.startsWith(".") || e.name === "node_modules") continue;
      if (top && only && !only.includes(e.name)) continue;
      if (await exists(join(dir, rel, "mod.ts"))) out.push(`./${rel}/mod.ts`);
      else await visit(rel, false);
    }
  };
  await visit("", true);
  return out;
}

/** Removes comments, keeping string literals intact (mod.ts files hold no template literals). */
export function stripComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      const stop = end < 0 ? source.length : end + 1;
      out += source.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A re-export statement: `export * from "x"`, `export [type] { ... } from "x"`. */
const REEXPORT =
  /^export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s+from\s+(["'])([^"']+)\1$/;

/** The targets a `mod.ts` re-exports, and each statement of it that is not a re-export. */
export function parseModFile(source: string): { targets: string[]; others: string[] } {
  const targets: string[] = [];
  const others: string[] = [];
  for (const raw of stripComments(source).split(";")) {
    const stmt = raw.replace(/\s+/g, " ").trim();
    if (stmt === "") continue;
    const m = stmt.match(REEXPORT);
    if (m) targets.push(m[2]!);
    else others.push(stmt.length > 80 ? `${stmt.slice(0, 77)}...` : stmt);
  }
  return { targets, others };
}

/**
 * The problems of the `mod.ts` in `dir`: statements that are not re-exports, public files it
 * misses, and targets that are not the folder's public files (a private file, a test, another
 * folder's file, a missing file).
 */
export async function modProblems(dir: string, only?: readonly string[]): Promise<string[]> {
  const { targets, others } = parseModFile(await Deno.readTextFile(join(dir, "mod.ts")));
  const expected = await expectedExports(dir, only);
  const problems = others.map((s) => `does more than re-export: \`${s}\``);
  const got = new Set(targets);
  for (const e of expected) if (!got.has(e)) problems.push(`does not re-export ${e}`);
  const want = new Set(expected);
  for (const t of new Set(targets)) {
    if (!want.has(t)) problems.push(`re-exports ${t}, which is not a public file of its folder`);
  }
  return problems;
}

/**
 * Every `mod.ts` under `root`'s `dirs` (and the root's own, which covers `dirs` only), each with
 * its problems prefixed by its path.
 */
export async function allModProblems(
  root: string,
  dirs: readonly string[],
): Promise<{ checked: number; problems: string[] }> {
  const mods: string[] = [];
  if (await exists(join(root, "mod.ts"))) mods.push(root);
  for (const d of dirs) {
    for await (const path of walk(join(root, d))) {
      if (path.endsWith("/mod.ts")) mods.push(path.slice(0, -"/mod.ts".length));
    }
  }
  const problems: string[] = [];
  for (const dir of mods) {
    const name = relative(root, join(dir, "mod.ts"));
    const only = dir === root ? dirs : undefined;
    for (const p of await modProblems(dir, only)) problems.push(`${name}: ${p}`);
  }
  return { checked: mods.length, problems };
}
