/**
 * Time to the first training step (`first_step_*` rows of `deno task bench`): seconds from the
 * backend's init to the end of the first step's loss readback, in a FRESH Deno process with Mesa's
 * shader cache off (`MESA_SHADER_CACHE_DISABLE=true`), so every pipeline compiles cold, as on a
 * user's first run. Includes building the model and uploading the batch; excludes Deno's start and
 * the module loading.
 *
 * Run as a script it measures one impl and prints one JSON line:
 * `deno run -A bench/first_step.ts <impl> <workload>` → `{"seconds": 1.23}`.
 *
 * @example
 * ```ts
 * import { firstStepSeconds } from "./first_step.ts";
 * console.log(await firstStepSeconds("tempo", "train_simplenet"), "s");
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import type { Impl } from "./_harness.ts";

/** The impls with a cold-start measurement (the GPU ones: Wasm compiles no shaders). */
export const FIRST_STEP_IMPLS: readonly Impl[] = ["tempo", "tfjs-webgpu", "jax-js-webgpu"];

const SCRIPT = fileURLToPath(import.meta.url);

/** Runs the measurement of `impl` on `workload` in a fresh process; returns seconds. */
export async function firstStepSeconds(impl: Impl, workload: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, impl, workload],
    env: { MESA_SHADER_CACHE_DISABLE: "true" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const text = dec.decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success) {
    const err = dec.decode(out.stderr).trim().split("\n").filter((l) => /error/i.test(l));
    throw new Error(`first_step.ts ${impl} ${workload} exited ${out.code}: ${err.at(0) ?? text}`);
  }
  const o = JSON.parse(text) as { seconds?: unknown };
  if (typeof o.seconds !== "number") {
    throw new TypeError(`first_step.ts printed ${text}, expected {"seconds": <number>}`);
  }
  return o.seconds;
}

/** In this process: init, build, one step, read the loss; seconds. */
async function measureHere(impl: string, workload: string): Promise<number> {
  if (impl === "tempo") {
    const { TRAIN_WORKLOADS, trainer } = await import("./tempo_train.ts");
    const w = TRAIN_WORKLOADS[workload];
    if (!w) throw new RangeError(`unknown workload "${workload}"`);
    const t1 = performance.now(); // module loading is not counted
    const t = await trainer(w);
    const loss = t.train();
    await loss.item();
    const s = (performance.now() - t1) / 1000;
    loss.dispose();
    t.dispose();
    return s;
  }
  const make = impl === "tfjs-webgpu"
    ? async () => {
      const tfjs = await import("./tfjs_peer.ts");
      const f = {
        train_simplenet: tfjs.simpleNetSession,
        train_mlp784: tfjs.mlp784Session,
        train_shallowconv: tfjs.shallowConvSession,
      }[workload];
      if (!f) throw new RangeError(`unknown workload "${workload}"`);
      return f;
    }
    : impl === "jax-js-webgpu" || impl === "jax-js-wasm"
    ? async () => {
      const { jaxTrainSession } = await import("./jax_train.ts");
      return () => jaxTrainSession(impl === "jax-js-webgpu" ? "webgpu" : "wasm", workload);
    }
    : undefined;
  if (!make) throw new RangeError(`no first-step measurement for "${impl}"`);
  const session = await make();
  const t1 = performance.now();
  // Each peer's session runs (and reads) its first step before returning.
  const s = await session();
  const seconds = (performance.now() - t1) / 1000;
  s.dispose();
  return seconds;
}

if (import.meta.main) {
  const [impl, workload] = Deno.args;
  if (!impl || !workload) {
    console.error("Usage: deno run -A bench/first_step.ts <impl> <workload>");
    Deno.exit(2);
  }
  console.log(JSON.stringify({ seconds: await measureHere(impl, workload) }));
  Deno.exit(0); // tfjs and jax-js keep timers alive
}
