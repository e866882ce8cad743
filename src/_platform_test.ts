import assert from "node:assert/strict";
import { extname, join } from "node:path";
import { deno, extName, joinPath, needDeno } from "./_platform.ts";

Deno.test("joinPath and extName agree with node:path on the paths tempo builds", () => {
  const cases = [
    ["a", "b"],
    ["/usr/share/datasets/fashion-mnist", "t10k-labels-idx1-ubyte.gz"],
    ["data/", "/x/", "y.bin"],
    ["a/./b", "../c"],
    ["../up", "x"],
    ["/", "..", "etc"],
    ["", "rel"],
  ];
  for (const c of cases) assert.equal(joinPath(...c), join(...c), c.join(" | "));
  for (const p of ["a/b.png", "b.JPG", ".hidden", "dir.d/file", "x.tar.gz", "noext"]) {
    assert.equal(extName(p), extname(p), p);
  }
});

Deno.test("needDeno hands out Deno here and names the browser way when there is none", () => {
  assert.equal(deno(), Deno);
  assert.equal(needDeno("readIdx", "pass bytes"), Deno);
  const saved = Object.getOwnPropertyDescriptor(globalThis, "Deno")!;
  // deno-lint-ignore no-explicit-any
  delete (globalThis as any).Deno;
  try {
    assert.equal(deno(), undefined);
    assert.throws(
      () => needDeno("readIdx", "In a browser, pass bytes to decodeIdx."),
      (e: Error) =>
        e instanceof TypeError && /readIdx .*needs Deno.*pass bytes to decodeIdx/.test(e.message),
    );
  } finally {
    Object.defineProperty(globalThis, "Deno", saved);
  }
});
