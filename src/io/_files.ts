/**
 * Private: the Deno-only file layer of `src/io` (reading a file, writing one atomically). Everything
 * else in `src/io` is pure; this file is the one place that touches `Deno`, through `globalThis`
 * feature detection, so importing `src/io` in a browser works and only calling these throws.
 * @module
 */

interface DenoFs {
  readFile(path: string | URL): Promise<Uint8Array>;
  open(
    path: string | URL,
    options: { write: true; create: true; truncate: true },
  ): Promise<{ write(p: Uint8Array): Promise<number>; sync(): Promise<void>; close(): void }>;
  rename(from: string | URL, to: string | URL): Promise<void>;
  remove(path: string | URL): Promise<void>;
}

/** `Deno`, or a `TypeError` saying that files need it. */
export function denoFs(what: string): DenoFs {
  const deno = (globalThis as { Deno?: DenoFs }).Deno;
  if (!deno || typeof deno.readFile !== "function" || typeof deno.open !== "function") {
    throw new TypeError(
      `Cannot ${what}: files need Deno (got no globalThis.Deno); in a browser, use ` +
        "encodeSafetensors / decodeSafetensors on bytes instead",
    );
  }
  return deno;
}

/** Reads a whole file. */
export function readBytes(path: string | URL): Promise<Uint8Array> {
  return denoFs(`read ${String(path)}`).readFile(path);
}

/**
 * Writes `bytes` to `path` atomically: to a temporary file beside it, flushed to disk (fsync), then
 * renamed over `path`, so a crash leaves the old file or the new one, never a torn one.
 */
export async function writeBytesAtomic(path: string | URL, bytes: Uint8Array): Promise<void> {
  const deno = denoFs(`write ${String(path)}`);
  const target = path instanceof URL ? path : String(path);
  const tmp = target instanceof URL
    ? new URL(`${target.href}.tmp-${crypto.randomUUID()}`)
    : `${target}.tmp-${crypto.randomUUID()}`;
  const file = await deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
    await file.sync();
  } catch (e) {
    file.close();
    await deno.remove(tmp).catch(() => {});
    throw e;
  }
  file.close();
  try {
    await deno.rename(tmp, target);
  } catch (e) {
    await deno.remove(tmp).catch(() => {});
    throw e;
  }
}
