/**
 * `deno task serve`: a static server for the browser demo (`examples/browser/index.html`) and the
 * browser tests. It serves the repository, the browser build (`dist/`, rebuilt at start as
 * `deno task bundle` does), and Fashion-MNIST's four IDX files under `/data/fashion-mnist/`: Debian's
 * `dataset-fashion-mnist` when installed, else a small generated stand-in (`source.json` says which).
 * Only 127.0.0.1 is listened on. No caching, no directory listings, no paths outside the roots.
 *
 * Usage: `deno task serve [--port 8000]`, then open http://127.0.0.1:8000/examples/browser/
 */
import { join, normalize } from "node:path";
import { parseArgs } from "node:util";
import { bundleTempo } from "../../tools/bundle.ts";

const root = new URL("../..", import.meta.url).pathname;

/** Where the Debian package puts Fashion-MNIST. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".gz": "application/gzip",
};

function typeOf(path: string): string {
  const m = path.match(/\.[a-z0-9]+$/i);
  return (m && TYPES[m[0].toLowerCase()]) ?? "application/octet-stream";
}

/** IDX bytes (uint8) of `shape`. */
function idx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const v = new DataView(out.buffer);
  out.set([0, 0, 8, shape.length]);
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/**
 * A Fashion-MNIST-shaped stand-in: `n` 28x28 images in 10 classes, each a class's blurred random
 * blob pattern plus noise (learnable, not clothes), as the four IDX files (not gzipped).
 */
export function syntheticMnist(nTrain = 6000, nTest = 1000): Record<string, Uint8Array> {
  let s = 20240601;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const protos = Array.from({ length: 10 }, () => {
    const p = new Float32Array(784);
    for (let b = 0; b < 6; b++) {
      const cy = 4 + 20 * r(), cx = 4 + 20 * r(), rad = 2 + 5 * r();
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          p[y * 28 + x]! += Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * rad * rad));
        }
      }
    }
    return p;
  });
  const split = (n: number) => {
    const im = new Uint8Array(n * 784), lb = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(r() * 10);
      lb[i] = c;
      for (let j = 0; j < 784; j++) {
        im[i * 784 + j] = Math.max(
          0,
          Math.min(255, 255 * (0.8 * protos[c]![j]! + 0.5 * (r() - 0.5))),
        );
      }
    }
    return [idx([n, 28, 28], im), idx([n], lb)] as const;
  };
  const [trI, trL] = split(nTrain), [teI, teL] = split(nTest);
  return {
    "train-images-idx3-ubyte": trI,
    "train-labels-idx1-ubyte": trL,
    "t10k-images-idx3-ubyte": teI,
    "t10k-labels-idx1-ubyte": teL,
  };
}

/** Options of {@linkcode serveFiles}. */
export interface ServeOptions {
  /** Port, default 8000 (0: any free one). */
  port?: number;
  /** Extra URL prefixes (e.g. `"/gen/t/"`) served from folders. */
  mounts?: Record<string, string>;
  /** The Fashion-MNIST folder (default {@linkcode FASHION_MNIST_DIR}); missing: the stand-in. */
  fashionMnistDir?: string;
  /** Called with the base URL once listening. */
  onListen?: (url: string) => void;
  /** Stops the server. */
  signal?: AbortSignal;
}

async function fileResponse(path: string): Promise<Response> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) return new Response("not found", { status: 404 });
    const file = await Deno.open(path, { read: true });
    return new Response(file.readable, {
      headers: { "content-type": typeOf(path), "cache-control": "no-store" },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

/** Serves the repository, `dist/` and Fashion-MNIST on 127.0.0.1; returns the server. */
export function serveFiles(options: ServeOptions = {}): Deno.HttpServer<Deno.NetAddr> {
  const dataDir = options.fashionMnistDir ?? FASHION_MNIST_DIR;
  let real = false;
  try {
    real = Deno.statSync(join(dataDir, "train-images-idx3-ubyte.gz")).isFile;
  } catch { /* the stand-in */ }
  let synthetic: Record<string, Uint8Array> | null = null;
  const mounts = Object.entries(options.mounts ?? {});
  return Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 8000,
    signal: options.signal,
    onListen: ({ port }) => options.onListen?.(`http://127.0.0.1:${port}`),
  }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    if (path === "/favicon.ico") return new Response(null, { status: 204 });
    if (path === "/") return Response.redirect(new URL("/examples/browser/", req.url), 302);
    if (path.startsWith("/data/fashion-mnist/")) {
      const name = path.slice("/data/fashion-mnist/".length);
      if (name === "source.json") {
        return Response.json({
          source: real ? "dataset-fashion-mnist" : "synthetic",
          dir: real ? dataDir : null,
        });
      }
      if (real) return await fileResponse(join(dataDir, normalize(name)));
      synthetic ??= syntheticMnist();
      const bytes = synthetic[name.replace(/\.gz$/, "")];
      return bytes
        ? new Response(bytes as Uint8Array<ArrayBuffer>, {
          headers: { "content-type": "application/octet-stream" },
        })
        : new Response("not found", { status: 404 });
    }
    for (const [prefix, dir] of mounts) {
      if (path.startsWith(prefix)) return await fileResponse(join(dir, path.slice(prefix.length)));
    }
    const file = join(root, path.endsWith("/") ? path + "index.html" : path);
    return await fileResponse(file);
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  const port = Number(values.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--port: expected an integer 0..65535, got ${values.port}`);
  }
  console.log("building dist/tempo.js (deno task bundle)...");
  await bundleTempo();
  serveFiles({
    port,
    onListen: (url) => console.log(`tempo demo: ${url}/examples/browser/  (Ctrl-C stops)`),
  });
}
