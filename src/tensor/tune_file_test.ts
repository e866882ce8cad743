/** `saveTuning` / `loadTuning`: the tuning table through a file (Deno only; tune_test.ts runs in browsers too). */
import assert from "node:assert/strict";
import { exportTuning, importTuning, init, loadTuning, saveTuning, tuningKey } from "./mod.ts";
import { resetTuning } from "./ops/_matmul_tune.ts";

await init();

Deno.test("saveTuning / loadTuning round-trip through a file", async () => {
  resetTuning();
  importTuning({
    format: "tempo-tuning",
    version: 1,
    adapters: { [tuningKey()]: { matmul: { "16x16x16:tb": "tiled64" } } },
  });
  const want = JSON.stringify(exportTuning());
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await saveTuning(path);
    resetTuning();
    await loadTuning(path);
    assert.equal(JSON.stringify(exportTuning()), want);
    await Deno.writeTextFile(path, '{"format":"tempo-tuning","version":1,"adapters":[]}');
    await assert.rejects(() => loadTuning(path), TypeError);
  } finally {
    await Deno.remove(path);
  }
});
