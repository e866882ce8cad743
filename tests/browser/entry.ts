/**
 * The test page's bundle (`tests/browser/page.html`): `checkShaders()` compiles every WGSL kernel with
 * the browser's compiler (Chrome: Tint), and the op and optimizer test files themselves are bundled
 * in, their `Deno.test` / `Deno.readTextFile` / `node:assert/strict` pointed at the page's shims
 * (`shims.js`) by `_harness.ts`, so each runs there as in Deno: the GPU result against its
 * plain-TypeScript twin (and the PyTorch fixtures).
 * @module
 */
import { shaders } from "../../src/tensor/_shaders.ts";
import { init } from "../../src/tensor/mod.ts";
import { MULTI_SLOTS } from "../../src/optim/_packs.ts";
import "../../src/tensor/ops/matmul_test.ts";
import "../../src/tensor/ops/conv_test.ts";
import "../../src/tensor/ops/conv_bn_test.ts";
import "../../src/tensor/ops/pool_test.ts";
import "../../src/tensor/ops/batch_norm_test.ts";
import "../../src/tensor/ops/softmax_test.ts";
import "../../src/tensor/ops/elementwise_test.ts";
import "../../src/tensor/ops/reduce_test.ts";
import "../../src/optim/optimizers_test.ts";
import "../../src/tensor/ops/losses_test.ts";
import "../../src/tensor/tune_test.ts";
import "../../src/tensor/tune_families_test.ts";
import "../../src/tensor/tune_reduce_test.ts";
import "../../src/tensor/tune_conv_test.ts";
import "../../src/optim/tune_optim_test.ts";
import { autotune, randn, type TuneChoice, tuningKey } from "../../src/tensor/mod.ts";
import { matmulPlanned } from "../../src/tensor/ops/matmul.ts";

/**
 * What the autotuner keeps on this browser's adapter for the products of the benches (MLP and
 * conv-as-GEMM training shapes, a square product, a batched one): `[label, choice]` per shape.
 */
export async function tuneReport(): Promise<{ key: string; rows: [string, TuneChoice][] }> {
  await init();
  const shapes: [string, number, number, number, boolean, boolean, number][] = [
    ["256x256x256", 256, 256, 256, false, false, 1],
    ["64x256x784:tb (linear 784->256)", 64, 256, 784, false, true, 1],
    ["64x784x256 (its dX)", 64, 784, 256, false, false, 1],
    ["256x784x64:ta (its dW)", 256, 784, 64, true, false, 1],
    ["64x10x256:tb (linear 256->10)", 64, 10, 256, false, true, 1],
    ["4096x128x576 (conv 64->128 as GEMM)", 4096, 128, 576, false, false, 1],
    ["64x64x64:b8 (batched)", 64, 64, 64, false, false, 8],
  ];
  const rows: [string, TuneChoice][] = [];
  for (const [label, m, n, k, ta, tb, batch] of shapes) {
    const lead = batch > 1 ? [batch] : [];
    const a = randn([...lead, ...(ta ? [k, m] : [m, k])], { seed: 1 });
    const b = randn([...lead, ...(tb ? [n, k] : [k, n])], { seed: 2 });
    const got = await autotune(
      () => matmulPlanned(a, b, { transA: ta, transB: tb }).dispose(),
      { rounds: 1, reps: 3, families: ["matmul"] }, // short: Chrome runs every test of the page first
    );
    for (const c of got) rows.push([label, c]);
    a.dispose();
    b.dispose();
  }
  return { key: tuningKey(), rows };
}

/** One shader's compilation: every entry point's pipeline, or the compiler's messages. */
export interface ShaderResult {
  name: string;
  entryPoints: string[];
  ok: boolean;
  error?: string;
  /** Entry points whose pipeline this device cannot bind (and tempo does not use on it). */
  skipped?: string[];
}

/**
 * Compiles every shader of `src/tensor/_shaders.ts` and creates the pipeline of each of its
 * `@compute` entry points (layout `auto`, default override values) on tempo's device.
 */
export async function checkShaders(): Promise<ShaderResult[]> {
  const gpu = (await init()).gpu;
  const multiOk = gpu.limits.maxStorageBuffersPerShaderStage >= 5 * MULTI_SLOTS;
  const out: ShaderResult[] = [];
  for (const [name, code] of Object.entries(shaders)) {
    const entryPoints = [...code.matchAll(/@compute\s+@workgroup_size\([^)]*\)\s*fn\s+(\w+)/g)]
      .map((m) => m[1]!);
    if (entryPoints.length === 0) continue; // an include, compiled as part of the others
    if (/^\s*enable subgroups;/m.test(code) && !gpu.features.has("subgroups")) {
      out.push({ name, entryPoints, ok: true, skipped: entryPoints }); // tempo runs it only there
      continue;
    }
    const module = gpu.createShaderModule({ code, label: name });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === "error")
      .map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
    if (errors.length) {
      out.push({ name, entryPoints, ok: false, error: errors.join("\n") });
      continue;
    }
    const failed: string[] = [], skipped: string[] = [];
    for (const entryPoint of entryPoints) {
      try {
        await gpu.createComputePipelineAsync({
          label: `${name}:${entryPoint}`,
          layout: "auto",
          compute: { module, entryPoint },
        });
      } catch (e) {
        const msg = (e as Error).message;
        // the fused multi-tensor optimizer step binds 20 storage buffers; tempo uses it only where the
        // device allows that many (SwiftShader in Chrome allows 10): its WGSL was validated above
        if (/storage buffers \(\d+\) in the Compute stage exceeds/.test(msg) && !multiOk) {
          skipped.push(entryPoint);
        } else failed.push(`${entryPoint}: ${msg}`);
      }
    }
    out.push({
      name,
      entryPoints,
      ok: failed.length === 0,
      error: failed.join("\n") || undefined,
      skipped: skipped.length ? skipped : undefined,
    });
  }
  return out;
}
