import assert from "node:assert/strict";
import { type BenchCase, type BenchNote, formatTable, ratio, runCases } from "./_harness.ts";

const quiet = () => {
  const err = console.error;
  console.error = () => {};
  return () => (console.error = err);
};

Deno.test("runCases: a failing impl leaves no value and one note; the others still run", async () => {
  const cases: BenchCase[] = [{
    name: "train_x",
    unit: "samples/s",
    higherIsBetter: true,
    together: () => Promise.resolve({ tempo: 100, "tfjs-webgpu": 20 }),
    run: {
      tempo: () => Promise.reject(new Error("not called: tempo ran interleaved")),
      "jax-js-webgpu": () => Promise.reject(new Error("no adapter\nsecond line")),
      "jax-js-wasm": () => Promise.resolve(25),
    },
  }];
  const notes: BenchNote[] = [];
  const seen: string[] = [];
  const restore = quiet();
  const results = await runCases(cases, (r) => seen.push(r.impl), notes).finally(restore);
  assert.deepEqual(results.map((r) => [r.impl, r.value]), [
    ["tempo", 100],
    ["tfjs-webgpu", 20],
    ["jax-js-wasm", 25],
  ]);
  assert.deepEqual(seen, ["tempo", "tfjs-webgpu", "jax-js-wasm"]);
  assert.deepEqual(notes, [{ bench: "train_x", impl: "jax-js-webgpu", message: "no adapter" }]);
});

Deno.test("formatTable: one ratio column per peer, seconds lower-is-better, notes below", () => {
  const cases: BenchCase[] = [
    { name: "train_x", unit: "samples/s", higherIsBetter: true, run: {} },
    { name: "first_step_x", unit: "s", higherIsBetter: false, run: {} },
  ];
  const text = formatTable(cases, [
    { bench: "train_x", impl: "tempo", value: 1000, unit: "samples/s" },
    { bench: "train_x", impl: "jax-js-webgpu", value: 250, unit: "samples/s" },
    { bench: "first_step_x", impl: "tempo", value: 2, unit: "s" },
    { bench: "first_step_x", impl: "jax-js-webgpu", value: 5, unit: "s" },
  ], {
    impls: ["tempo", "jax-js-webgpu"],
    notes: [{ bench: "train_x", impl: "jax-js-wasm", message: "boom" }],
  });
  const lines = text.split("\n");
  assert.match(lines[0]!, /\| bench +\| tempo \| jax-js-webgpu \| tempo\/jax-gpu \|$/);
  assert.match(lines[2]!, /^\| train_x \[samples\/s\] .*\| +1,000 \| +250 \| +4\.00x \|$/);
  assert.match(lines[3]!, /^\| first_step_x \[s\] .*\| +2\.00 \| +5\.00 \| +2\.50x \|$/);
  assert.ok(lines.includes("- train_x / jax-js-wasm: boom"), text);
  assert.equal(ratio(2, 5, false), 2.5);
  assert.equal(ratio(undefined, 5, true), undefined);
});
