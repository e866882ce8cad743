/**
 * The guard of the browser build: `mod.ts` bundled for browsers (as `deno task bundle` does) keeps no
 * `node:` or `npm:` import and names `Deno` only in `src/_platform.ts`'s `globalThis.Deno` (every
 * file-system use goes through `needDeno`, which fails with the browser way in its message).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bundleFile } from "../tools/bundle.ts";

/** The offending lines of a bundle: imports of `node:`/`npm:`, and uses of `Deno` as a value. */
export function platformLeaks(bundle: string): string[] {
  const out: string[] = [];
  bundle.split("\n").forEach((line, i) => {
    const imp = /(?:^|[\s;])(?:import|export)\b[^"'`]*["'](node|npm|jsr):[^"']*["']/.test(line) ||
      /\bimport\(\s*["'](node|npm|jsr):/.test(line) || /\brequire\(\s*["'](node|npm):/.test(line);
    const deno = /(?<![\w$."'`])Deno\s*(\.|\?\.|\[)|\btypeof\s+Deno\b/.test(line) ||
      (/\bglobalThis\.Deno\b/.test(line) && !/^\s*return globalThis\.Deno;$/.test(line));
    if (imp || deno) out.push(`${i + 1}: ${line.trim().slice(0, 160)}`);
  });
  return out;
}

Deno.test("the browser bundle of mod.ts has no node:/npm: import and no direct Deno use", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tempo_bundle_" });
  try {
    const file = join(dir, "tempo.js");
    await bundleFile("mod.ts", file);
    const text = await Deno.readTextFile(file);
    assert.deepEqual(platformLeaks(text), []);
    assert.equal(text.match(/globalThis\.Deno\b/g)?.length, 1, "one Deno look-up, in _platform.ts");
    assert.ok(text.includes("needs Deno"), "the file readers keep their browser hint");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("platformLeaks catches what would break a browser", () => {
  const bad = [
    'import { join } from "node:path";',
    'import jpeg from "npm:jpeg-js@0.4.4";',
    "const b = await Deno.readFile(p);",
    "if (Deno?.stdout) x();",
    "const D = globalThis.Deno ?? null;",
    "x = typeof Deno;",
    'const m = await import("node:fs");',
  ];
  for (const line of bad) assert.equal(platformLeaks(line).length, 1, line);
  const fine = [
    "  return globalThis.Deno;",
    "  throw new TypeError(`${what} reads or writes files, which needs Deno; this runtime has no Deno (a browser?). ${instead}`);",
    "const delayDenominator = 3;",
    'const INSPECT = Symbol.for("Deno.customInspect");',
    "/** shown through `Deno.jupyter` when given */",
    'const s = "import from node:path in a comment-like string";',
  ];
  for (const line of fine) assert.deepEqual(platformLeaks(line), [], line);
});
