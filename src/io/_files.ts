/**
 * Private: the file layer of tempo (reading a file, replacing one atomically). It reaches Deno only
 * through `src/_platform.ts`, so importing it in a browser works and only calling it throws, with a
 * message saying what to use there instead (bytes: `encodeSafetensors`, `saveBytes`...).
 *
 * Atomic replacement: the data goes to a hidden temporary file beside the target (same folder, so
 * the rename stays on one file system), is flushed to the disk (`fsync`), closed, then renamed over
 * the target in one step; on any failure the temporary file is removed and the target is left as it
 * was. It does not lock: two processes saving one path at once both succeed, the last rename wins.
 * @module
 */

import { deno as denoNs, needDeno } from "../_platform.ts";

const IN_BROWSER = "In a browser, work on bytes (encodeSafetensors / decodeSafetensors, " +
  "saveBytes / loadBytes) and download or fetch them.";

/** Writes the content into the open temporary file (called once). */
export type ContentWriter = (file: Deno.FsFile) => Promise<void>;

/** Reads a whole file (a `TypeError` naming `what` without Deno). */
export function readBytes(path: string | URL, what = `read ${String(path)}`): Promise<Uint8Array> {
  return needDeno(what, IN_BROWSER).readFile(path);
}

/** Writes every byte of `bytes` to `file` (a `write` may take fewer bytes than given). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}

/** A file path of `path` (a `file:` URL becomes its decoded path). */
function filePath(path: string | URL): string {
  return path instanceof URL ? decodeURIComponent(path.pathname) : path;
}

/** The folder part of a path (`"a/b.bin"` → `"a"`, `"b.bin"` → `"."`). */
function folderOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/** The path of a temporary file beside `target`: `.name.tmp-<pid>-<random>`. */
export function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  const i = target.lastIndexOf("/");
  const pid = denoNs()?.pid ?? 0;
  return `${target.slice(0, i + 1)}.${target.slice(i + 1)}.tmp-${pid}-${rand}`;
}

/**
 * Replaces `path` atomically by what `content` writes (bytes, a list of byte chunks, or a writer).
 * The old file stays complete until the new one is fully on the disk.
 *
 * @throws The error of the failed write, open or rename (the temporary file is removed first); a
 *   `TypeError` without Deno.
 */
export async function atomicWriteFile(
  path: string | URL,
  content: Uint8Array | readonly Uint8Array[] | ContentWriter,
  what = `write ${String(path)}`,
): Promise<void> {
  const D = needDeno(what, IN_BROWSER);
  const target = filePath(path);
  const tmp = tempPathFor(target);
  const file = await D.open(tmp, { write: true, createNew: true, mode: 0o644 });
  let closed = false;
  try {
    if (typeof content === "function") await content(file);
    else if (content instanceof Uint8Array) await writeAll(file, content);
    else for (const c of content) await writeAll(file, c);
    await file.sync();
    file.close();
    closed = true;
    await D.rename(tmp, target);
  } catch (e) {
    if (!closed) file.close();
    await D.remove(tmp).catch(() => {});
    throw e;
  }
  // make the rename itself durable where the platform allows a directory sync (Linux)
  try {
    using dir = await D.open(folderOf(target), { read: true });
    await dir.sync();
  } catch {
    // not supported here (Windows, some file systems): the data itself is already synced
  }
}

/** {@linkcode atomicWriteFile} of bytes (the `WriteBytes` of the safetensors layer). */
export function writeBytesAtomic(path: string | URL, bytes: Uint8Array): Promise<void> {
  return atomicWriteFile(path, bytes);
}
