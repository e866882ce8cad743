/**
 * Private: writes a file so that a crash or a failing write never destroys the previous version.
 * The data goes to a temporary file beside the target (same folder, so the rename stays on one file
 * system), is flushed to the disk (`fsync`), closed, then renamed over the target in one step. On any
 * failure the temporary file is removed and the target is left as it was.
 *
 * It does not lock: two processes saving the same path at once both succeed, the last rename wins.
 * @module
 */

import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Writes the content into the open temporary file (called once). */
export type ContentWriter = (file: Deno.FsFile) => Promise<void>;

/** Writes every byte of `bytes` to `file` (a `write` may take fewer bytes than given). */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}

/** The path of a temporary file beside `target`: `.name.tmp-<pid>-<random>`. */
export function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(target), `.${basename(target)}.tmp-${Deno.pid}-${rand}`);
}

/**
 * Replaces `path` atomically by what `content` writes (bytes, a list of byte chunks, or a writer).
 * The old file stays complete until the new one is fully on the disk.
 *
 * @throws The error of the failed write, open or rename (the temporary file is removed first).
 */
export async function atomicWriteFile(
  path: string | URL,
  content: Uint8Array | readonly Uint8Array[] | ContentWriter,
): Promise<void> {
  const target = path instanceof URL ? fileURLToPath(path) : path;
  const tmp = tempPathFor(target);
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o644 });
  let closed = false;
  try {
    if (typeof content === "function") await content(file);
    else if (content instanceof Uint8Array) await writeAll(file, content);
    else for (const c of content) await writeAll(file, c);
    await file.sync();
    file.close();
    closed = true;
    await Deno.rename(tmp, target);
  } catch (e) {
    if (!closed) file.close();
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  // make the rename itself durable where the platform allows a directory sync (Linux)
  try {
    using dir = await Deno.open(dirname(target), { read: true });
    await dir.sync();
  } catch {
    // not supported here (Windows, some file systems): the data itself is already synced
  }
}
