/**
 * `deno task bundle`: the browser build. `dist/tempo.js` is `mod.ts` bundled by `deno bundle
 * --platform browser` into one ES module (npm packages inlined, no `node:`/`npm:` import left),
 * `dist/tempo.d.ts` its declarations (emitted by TypeScript from the sources into `dist/types/`).
 * `bundleFile` is also what the browser tests use to build their pages.
 *
 * Usage: `deno run -A tools/bundle.ts [outDir]` (default `dist/`).
 */
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

async function run(args: string[], what: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${what} failed (exit ${out.code}):\n${text}`);
  return text;
}

/** Bundles `entry` (a path from the repository root) for browsers into the ES module `outFile`. */
export async function bundleFile(entry: string, outFile: string): Promise<void> {
  await run(
    ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "--output", outFile, entry],
    `deno bundle ${entry}`,
  );
}

/** Writes `dist/tempo.js` and `dist/tempo.d.ts` (with `dist/types/`) under `outDir`. */
export async function bundleTempo(outDir = join(root, "dist")): Promise<void> {
  await Deno.mkdir(outDir, { recursive: true });
  await bundleFile("mod.ts", join(outDir, "tempo.js"));
  const types = join(outDir, "types");
  await Deno.remove(types, { recursive: true }).catch(() => {});
  await run([
    "run",
    "-A",
    "--no-lock",
    "npm:typescript@5.9.3/tsc",
    "mod.ts",
    "--declaration",
    "--emitDeclarationOnly",
    "--noCheck",
    "--allowImportingTsExtensions",
    "--target",
    "es2022",
    "--module",
    "esnext",
    "--moduleResolution",
    "bundler",
    "--lib",
    "es2023,dom,esnext.disposable",
    "--skipLibCheck",
    "--outDir",
    types,
  ], "tsc (declarations)");
  // The declarations keep the sources' `.ts` specifiers; `.js` ones resolve to the `.d.ts` files for
  // any TypeScript configuration.
  for await (const file of walk(types)) {
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(
      file,
      text.replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2"),
    );
  }
  await Deno.writeTextFile(
    join(outDir, "tempo.d.ts"),
    '// Declarations of tempo.js (WebGPU types: @webgpu/types, or Deno\'s own).\nexport * from "./types/mod.js";\n',
  );
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else if (e.name.endsWith(".d.ts")) yield p;
  }
}

if (import.meta.main) {
  const outDir = Deno.args[0] ?? join(root, "dist");
  await bundleTempo(outDir);
  const size = (await Deno.stat(join(outDir, "tempo.js"))).size;
  console.log(`${join(outDir, "tempo.js")}: ${(size / 1024).toFixed(0)} KiB, with tempo.d.ts`);
}
