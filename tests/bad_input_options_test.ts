/**
 * Every options object of the public API rejects a misspelled key with a `TypeError` naming the
 * near key (`stop_div`: did you mean `stopDiv`?) and a value of the wrong kind with a `TypeError`
 * saying what was expected and what came. The table must cover every `export interface *Options`
 * of src/ (the last test greps for them), so a new options type cannot be forgotten. The cases are in
 * `_option_cases_train.ts` (sched, optim, plot, tensor ops) and `_option_cases_layers.ts` (nn, data).
 */
import assert from "node:assert/strict";
import { type Case, learner, phase, TRAIN_CASES } from "./_option_cases_train.ts";
import { LAYER_CASES } from "./_option_cases_layers.ts";
import { plotLr } from "../src/plot/mod.ts";
import { sampleData } from "../src/plot/_test_data.ts";

const CASES: Case[] = [...TRAIN_CASES, ...LAYER_CASES];

/**
 * Options types checked elsewhere: tensor creation and pooling (their own branch), and the internal
 * `RawOptions`.
 */
const ELSEWHERE = new Set([
  "CreateOptions",
  "RandomOptions",
  "RawOptions", // @internal: of matmulRaw, the graph-free kernel the ops call
  "Pool2dOptions",
  "AvgPool2dOptions",
]);

/** The `.ts` files under `dir`, recursively. */
async function* walk(dir: URL): AsyncGenerator<{ name: string; path: URL }> {
  for await (const e of Deno.readDir(dir)) {
    const path = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) yield* walk(path);
    else if (e.name.endsWith(".ts")) yield { name: e.name, path };
  }
}

/** Runs `f`; returns what it threw or rejected with (or fails when it did not). */
async function failure(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an error, got none");
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const c of CASES) {
  const [key, value, near] = c.typo;
  Deno.test(`${c.what}: '${key}' is refused, naming '${near}'`, async () => {
    if (c.cheap) await c.call(c.good); // the good options pass
    const e = await failure(() => c.call({ ...c.good, [key]: value }));
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${e}`);
    assert.match(
      e.message,
      new RegExp(
        `^Cannot use ${esc(c.what)} option '${esc(key)}': unknown option, did you mean '${
          esc(near)
        }'\\?`,
      ),
    );
  });
  if (c.wrong) {
    const [wk, wv, words] = c.wrong;
    Deno.test(`${c.what}: a wrong kind for '${wk}' is refused`, async () => {
      const e = await failure(() => c.call({ ...c.good, [wk]: wv }));
      assert.ok(e instanceof TypeError, `expected a TypeError, got ${e}`);
      assert.match(e.message, new RegExp(`option '${esc(wk)}': `));
      assert.match(e.message, words);
    });
  }
}

Deno.test("a non-object options argument is a TypeError", async () => {
  assert.throws(
    () => plotLr(sampleData(), 5 as never),
    /plotLr options: expected an object, got 5/,
  );
  await assert.rejects(
    () => learner().fitOptSched([phase()], "fast" as never),
    /fitOptSched options: expected an object, got "fast" \(string\)/,
  );
});

Deno.test("the table covers every exported *Options interface of src/", async () => {
  const found = new Set<string>();
  for await (const file of walk(new URL("../src/", import.meta.url))) {
    if (file.name.startsWith("_") || file.name.endsWith("_test.ts")) continue;
    const text = await Deno.readTextFile(file.path);
    for (const m of text.matchAll(/export interface (\w+Options)\b/g)) found.add(m[1]!);
  }
  assert.ok(found.size > 30, `found only ${found.size} options types`);
  const covered = new Set(CASES.flatMap((c) => c.types));
  const missing = [...found].filter((t) => !covered.has(t) && !ELSEWHERE.has(t));
  assert.deepEqual(missing, [], `options types without a bad-input case: ${missing.join(", ")}`);
  const stale = [...covered, ...ELSEWHERE].filter((t) => !found.has(t));
  assert.deepEqual(stale, [], `cases name types that no longer exist: ${stale.join(", ")}`);
});
