/**
 * The quality gate, `deno task ok`: formatting, lint, the public API's docs, the type check
 * (`noUncheckedIndexedAccess` on), the JSDoc and Markdown examples (type-checked, and run where
 * they are cheap), the size budget and the `mod.ts` contract. Each check prints one line with
 * pass/fail, a count and its time; a failing check also prints the end of its output. Exits 1 when
 * any check fails. It does not run the test suite (`deno task test` does).
 *
 * Usage: `deno task ok` (all checks) or `deno task ok fmt lint` (those only).
 */
import { join } from "node:path";
import { allModProblems, sizeProblems } from "./_gate.ts";
import { withTeardownReruns } from "./_teardown.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const deno = Deno.execPath();

/** Folders under the size budget, and the budget. */
const SIZE_DIRS = ["src", "shaders", "examples"];
const SIZE_LIMIT = 400;
/** Generated files, whose size is their generator's (`deno task gen:shaders`). */
const GENERATED = ["src/tensor/_shaders.ts"];

/**
 * Files whose JSDoc examples are type-checked but not run by the gate (Deno has no per-block
 * "check only" attribute, so this is per file), and why.
 */
const CHECK_ONLY: Record<string, string> = {
  "src/data/cifar10.ts": "reads CIFAR-10's binary batches from disk",
  "src/data/data_bunch.ts": "loads CIFAR-10, Fashion-MNIST or an image folder from disk",
  "src/data/fashion_mnist.ts": "loads (on a fresh machine: downloads) Fashion-MNIST",
  "src/data/idx.ts": "reads MNIST's IDX files from disk",
  "src/data/image_decode.ts": "decodes an image file from disk",
  "src/data/image_folder.ts": "reads an image folder from disk",
};

/** Markdown files whose `ts` blocks are type-checked (not run: they train on real data). */
const MARKDOWN = ["README.md", "CONTRIBUTING.md", "docs/examples.md", "docs/notebook_map.md"];

interface Result {
  ok: boolean;
  count: string;
  output?: string;
  /** Printed whether or not the check passed. */
  note?: string;
}

function strip(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

async function sh(args: string[]): Promise<{ code: number; signal: string | null; out: string }> {
  const { code, signal, stdout, stderr } = await new Deno.Command(deno, {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code, signal, out: strip(dec.decode(stdout) + dec.decode(stderr)) };
}

/** Runs deno with `input` on stdin; `out` is its stdout alone, undecorated. */
async function shStdin(args: string[], input: string): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(deno, {
    args,
    cwd: root,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { code, stdout } = await child.output();
  return { code, out: new TextDecoder().decode(stdout) };
}

/** The Jupyter notebooks of the repository (examples/ holds them all). */
async function notebookFiles(): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir(join(root, "examples"))) {
    if (e.isFile && e.name.endsWith(".ipynb")) found.push(`examples/${e.name}`);
  }
  return found.sort();
}

function num(out: string, re: RegExp): number | undefined {
  const m = out.match(re);
  return m ? Number(m[1]) : undefined;
}

/** mod.ts and every non-test module of src (the `_` ones too: `init` lives in `_init.ts`). */
async function sources(): Promise<string[]> {
  const files: string[] = ["mod.ts"];
  const visit = async (dir: string) => {
    const entries = [];
    for await (const e of Deno.readDir(join(root, dir))) entries.push(e);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) await visit(rel);
      else if (e.name.endsWith(".ts") && !/_test\.ts$|^_test_/.test(e.name)) files.push(rel);
    }
  };
  await visit("src");
  return files;
}

const checks: Record<string, () => Promise<Result>> = {
  async fmt() {
    const { code, out } = await sh(["fmt", "--check"]);
    const files = num(out, /Checked (\d+) files?/) ??
      num(out, /not formatted files? in (\d+) files/);
    const bad = num(out, /Found (\d+) not formatted files?/) ?? 0;
    // Notebooks are excluded from `deno fmt --check` in deno.json: Deno 2.9's check reports every
    // .ipynb as unformatted on a fresh cache, even when formatting leaves it byte for byte the same.
    // So they are formatted through stdin here and compared.
    const notebooks = await notebookFiles();
    const badNotebooks: string[] = [];
    for (const nb of notebooks) {
      const text = await Deno.readTextFile(join(root, nb));
      const formatted = await shStdin(["fmt", "--ext", "ipynb", "-"], text);
      if (formatted.code !== 0 || formatted.out !== text) badNotebooks.push(nb);
    }
    const total = (files ?? 0) + notebooks.length;
    const unformatted = bad + badNotebooks.length;
    const notes = badNotebooks.map((nb) =>
      `${nb}: not formatted (run: deno fmt --no-config --line-width 100 ${nb})`
    );
    return {
      ok: code === 0 && badNotebooks.length === 0,
      count: unformatted ? `${unformatted} of ${total} files unformatted` : `${total} files`,
      output: [out, ...notes].join("\n"),
    };
  },
  async lint() {
    const { code, out } = await sh(["lint"]);
    const files = num(out, /Checked (\d+) files?/);
    const bad = num(out, /Found (\d+) problems?/);
    return { ok: code === 0, count: bad ? `${bad} problems` : `${files} files`, output: out };
  },
  async doc() {
    const { code, out } = await sh(["doc", "--lint", "mod.ts"]);
    const bad = num(out, /Found (\d+) documentation lint errors?/);
    return { ok: code === 0, count: bad ? `${bad} errors` : "public API documented", output: out };
  },
  async check() {
    const { code, out } = await sh(["task", "check"]);
    const errors = num(out, /Found (\d+) errors?/) ?? (out.includes("[ERROR]") ? 1 : 0);
    return { ok: code === 0, count: `${errors} type errors`, output: out };
  },
  async examples() {
    // Type-check every JSDoc and Markdown example (including those of CHECK_ONLY files)...
    const files = await sources();
    const typed = await sh(["check", "--doc-only", ...files, ...MARKDOWN]);
    if (typed.code !== 0) {
      const errors = num(typed.out, /Found (\d+) errors?/) ?? 1;
      return { ok: false, count: `${errors} type errors`, output: typed.out };
    }
    // ...then run the examples of the other files (each block is one test).
    const run = files.filter((f) => !(f in CHECK_ONLY));
    const args = ["test", "-A", "--doc", "--permit-no-files", ...run];
    const { status: r, notices } = await withTeardownReruns("examples", () => sh(args));
    const notice = notices.join("\n");
    const { code, signal, out } = r;
    const passed = num(out, /(\d+) passed/) ?? 0;
    const failed = num(out, /(\d+) failed/) ?? 0;
    const count = `${passed} run${failed ? `, ${failed} failed` : ""}, ` +
      `${Object.keys(CHECK_ONLY).length} files check-only`;
    return { ok: code === 0 && signal === null, count, output: out, note: notice || undefined };
  },
  async size() {
    const { counted, problems } = await sizeProblems(root, SIZE_DIRS, SIZE_LIMIT, GENERATED);
    const output = problems.map((p) => `${p.file}: ${p.lines} lines (budget ${SIZE_LIMIT})`)
      .join("\n");
    return {
      ok: problems.length === 0,
      count: problems.length ? `${problems.length} of ${counted} files over` : `${counted} files`,
      output,
    };
  },
  async mods() {
    const { checked, problems } = await allModProblems(root, ["src"]);
    return {
      ok: problems.length === 0,
      count: problems.length ? `${problems.length} problems` : `${checked} mod.ts files`,
      output: problems.join("\n"),
    };
  },
};

if (import.meta.main) {
  const wanted = Deno.args.length ? Deno.args : Object.keys(checks);
  const unknown = wanted.filter((w) => !(w in checks));
  if (unknown.length) {
    console.error(
      `ok: unknown check ${unknown.join(", ")}; expected some of ${Object.keys(checks).join(", ")}`,
    );
    Deno.exit(2);
  }
  let failed = 0;
  const t0 = performance.now();
  for (const name of wanted) {
    const t = performance.now();
    const r = await checks[name]!();
    const secs = ((performance.now() - t) / 1000).toFixed(1);
    console.log(`${r.ok ? "pass" : "FAIL"}  ${name.padEnd(9)} ${r.count} (${secs} s)`);
    if (r.note) console.log(`      ${r.note}`);
    if (!r.ok) {
      failed++;
      const lines = (r.output ?? "").trimEnd().split("\n");
      console.log(lines.slice(-40).map((l) => `      ${l}`).join("\n"));
    }
  }
  const total = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `${failed ? "FAIL" : "pass"}  ${
      wanted.length - failed
    } of ${wanted.length} checks (${total} s)`,
  );
  if (failed) Deno.exit(1);
}
