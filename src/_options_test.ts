import assert from "node:assert/strict";
import { ANY, checkOptions, describe, nearestKey, pickOptions } from "./_options.ts";

Deno.test("nearestKey: case/underscore folding, synonyms, edit distance, nothing near", () => {
  const fit = ["stopDiv", "stopDivOptions", "log", "progress", "readEvery", "onBatchEnd"];
  assert.equal(nearestKey("stop_div", fit), "stopDiv");
  assert.equal(nearestKey("StopDiv", fit), "stopDiv");
  assert.equal(nearestKey("stop-div-options", fit), "stopDivOptions");
  assert.equal(nearestKey("read_evry", fit), "readEvery");
  assert.equal(nearestKey("weight_decay", ["lr", "weightDecay"]), "weightDecay");
  assert.equal(nearestKey("weight_decay", ["lr", "wd"]), "wd");
  assert.equal(nearestKey("learning_rate", ["lr", "momentum"]), "lr");
  assert.equal(nearestKey("show_moms", ["showText", "showMoms", "title"]), "showMoms");
  assert.equal(nearestKey("zzz", fit), undefined);
  assert.equal(nearestKey("x", ["lr"]), undefined);
});

Deno.test("checkOptions: unknown key names the nearest and lists the known ones", () => {
  assert.throws(
    () => checkOptions("fitOptSched", { stop_div: true }, { stopDiv: "boolean", log: "function" }),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot use fitOptSched option 'stop_div': unknown option, did you mean 'stopDiv'? (expected one of stopDiv, log)",
  );
  assert.throws(
    () => checkOptions("f", { qqq: 1 }, { a: "number" }),
    /^TypeError: Cannot use f option 'qqq': unknown option \(expected one of a\)$/,
  );
});

Deno.test("checkOptions: wrong kinds say what was expected and what came", () => {
  const spec = {
    log: ["false", "function"],
    n: "number",
    k: "integer",
    mode: { oneOf: ["a", "b"] },
    p: "path",
    xs: "numbers",
    odd: { test: (v: unknown) => v === 1 || v === 3, expected: "1 or 3" },
    any: ANY,
  } as const;
  const bad: [string, unknown, string][] = [
    ["log", "yes", `expected false or a function, got "yes" (string)`],
    ["log", true, "expected false or a function, got true (boolean)"],
    ["n", "1", `expected a number, got "1" (string)`],
    ["k", 1.5, "expected an integer, got 1.5 (number)"],
    ["mode", "c", `expected one of "a", "b", got "c" (string)`],
    ["p", 5, "expected a path (string or URL), got 5 (number)"],
    ["xs", [1, "2"], "expected a number or an array of numbers, got an array of length 2"],
    ["odd", 2, "expected 1 or 3, got 2 (number)"],
    ["n", null, "expected a number, got null"],
  ];
  for (const [k, v, words] of bad) {
    assert.throws(
      () => checkOptions("f", { [k]: v }, spec),
      (e: Error) => e instanceof TypeError && e.message === `Cannot use f option '${k}': ${words}`,
      `${k}: ${String(v)}`,
    );
  }
  // accepted values, undefined entries and an absent options object pass
  checkOptions("f", {
    log: false,
    n: NaN,
    k: 2,
    mode: "b",
    p: new URL("file:///x"),
    xs: new Float64Array(2),
    odd: 3,
    any: Symbol(),
    n2: undefined,
  } as never, { ...spec, n2: "number" });
  checkOptions("f", undefined, spec);
  assert.throws(() => checkOptions("f", null, spec), /f options: expected an object, got null/);
  assert.throws(() => checkOptions("f", [1], spec), /expected an object, got an array of length 1/);
});

Deno.test("describe and pickOptions", () => {
  assert.equal(describe(() => 0), "a function");
  assert.equal(describe(new Map()), "an object (Map)");
  assert.deepEqual(pickOptions({ a: 1, b: 2, c: 3 }, { a: "number", c: "number" }), { a: 1, c: 3 });
});
