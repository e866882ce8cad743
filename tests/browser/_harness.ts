/**
 * Shared by the browser tests: builds the test bundles, serves them with the repository
 * (`examples/browser/serve.ts`), and launches Debian's Chromium headless through playwright-core
 * with WebGPU on (Dawn; on a machine without a GPU, its SwiftShader adapter). A missing Chromium is
 * a failure, never a skip. `TEMPO_CHROMIUM` overrides the executable.
 * @module
 */
import { join } from "node:path";
import { type Browser, chromium } from "npm:playwright-core@1.65.1";
import { bundleFile } from "../../tools/bundle.ts";
import { serveFiles } from "../../examples/browser/serve.ts";

/** Chromium's path: `$TEMPO_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM = Deno.env.get("TEMPO_CHROMIUM") ?? "/usr/bin/chromium";

/** The flags: WebGPU on, and nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  "--enable-unsafe-webgpu",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Launches headless Chromium; throws (saying how to install it) when it is not there. */
export async function launchChromium(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the browser tests need it ('apt-get install chromium', ` +
        "or set TEMPO_CHROMIUM to a Chromium/Chrome executable)",
    );
  }
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Bundles `entries` (paths from the repository root) into `dir`, each as `<basename>.js`, and points
 * the test files' `Deno.test`, `Deno.readTextFile` and `node:assert/strict` at the page's shims.
 * Throws when any other `Deno` use or a `node:`/`npm:` import is left.
 */
export async function buildBundles(dir: string, entries: string[]): Promise<void> {
  for (const entry of entries) {
    const out = join(dir, entry.replace(/^.*\//, "").replace(/\.ts$/, ".js"));
    await bundleFile(entry, out);
    let text = await Deno.readTextFile(out);
    text = text
      .replace(/^import (\w+) from "node:assert\/strict";$/gm, "const $1 = globalThis.__assert;")
      .replace(/\bDeno\.(test|readTextFile)\(/g, "globalThis.__shim.$1(");
    const left = text.match(/^import .* from "(node|npm):.*$|(?<![\w$."'`])Deno\s*(\.|\?\.|\[)/m);
    if (left) throw new Error(`${out}: left after the shims: ${left[0]}`);
    await Deno.writeTextFile(out, text);
  }
}

/**
 * Serves the repository with `dir` under `/gen/t/` on a free port (and `dist` as `/dist/` when
 * given); `close()` stops it.
 */
export function serveWith(
  dir: string,
  opts: { dist?: string } = {},
): { url: string; close: () => Promise<void> } {
  const ac = new AbortController();
  let url = "";
  const server = serveFiles({
    port: 0,
    mounts: { "/gen/t/": dir, ...(opts.dist ? { "/dist/": opts.dist } : {}) },
    signal: ac.signal,
    onListen: (u) => (url = u),
  });
  url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    close: async () => {
      ac.abort();
      await server.finished;
    },
  };
}
