import assert from "node:assert/strict";
import { epochPath } from "./save_model.ts";
import { improves, modeOf } from "./_monitor.ts";

Deno.test("epochPath: {epoch} replaced, else _<epoch> before the extension", () => {
  assert.equal(epochPath("run/{epoch}.safetensors", 3), "run/3.safetensors");
  assert.equal(epochPath("run/m.safetensors", 3), "run/m_3.safetensors");
  assert.equal(epochPath("run.d/model", 2), "run.d/model_2");
  assert.equal(String(epochPath(new URL("file:///x/m.bin"), 1)), "file:///x/m_1.bin");
});

Deno.test("monitor modes: losses are minimised, metrics maximised; NaN never improves", () => {
  assert.equal(modeOf("valLoss"), "min");
  assert.equal(modeOf("accuracy"), "max");
  assert.ok(improves(0.5, 1, "min", 0) && !improves(0.95, 1, "min", 0.1));
  assert.ok(improves(0.9, 0.8, "max", 0.05) && !improves(NaN, 1, "min", 0));
});
