import assert from "node:assert/strict";
import { atomicWriteFile, tempPathFor, writeAll } from "./_atomic_write.ts";

const leftovers = async (dir: string) => {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
};

Deno.test("atomicWriteFile replaces the file; a writer that fails midway leaves the old one whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const target = `${dir}/ckpt.bin`;
    await atomicWriteFile(target, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...await Deno.readFile(target)], [1, 2, 3]);
    await atomicWriteFile(target, [new Uint8Array([4]), new Uint8Array([5, 6, 7, 8])]);
    assert.deepEqual([...await Deno.readFile(target)], [4, 5, 6, 7, 8]);
    await assert.rejects(
      () =>
        atomicWriteFile(target, async (f) => {
          await writeAll(f, new Uint8Array(1000).fill(9));
          throw new Error("disk full");
        }),
      /disk full/,
    );
    assert.deepEqual([...await Deno.readFile(target)], [4, 5, 6, 7, 8]);
    assert.deepEqual(await leftovers(dir), ["ckpt.bin"]); // the temporary file was removed
    // a URL target works the same
    await atomicWriteFile(new URL(`file://${target}`), new Uint8Array([0]));
    assert.deepEqual([...await Deno.readFile(target)], [0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("atomicWriteFile: a missing folder fails and leaves nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => atomicWriteFile(`${dir}/missing/x.bin`, new Uint8Array([2])),
      Deno.errors.NotFound,
    );
    assert.deepEqual(await leftovers(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tempPathFor: beside the target, hidden, unique", () => {
  const a = tempPathFor("/a/b/c.bin"), b = tempPathFor("/a/b/c.bin");
  assert.match(a, new RegExp(`^/a/b/\\.c\\.bin\\.tmp-${Deno.pid}-[0-9a-z]+$`));
  assert.notEqual(a, b);
});
