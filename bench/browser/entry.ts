/**
 * The browser bench's page bundle (`bench/browser/page.html`): tempo, tfjs-webgpu and jax-js (WebGPU
 * and Wasm) on the same workloads as `deno task bench`, timed by the same harness (training benches
 * interleaved). `bench/browser/run.ts` drives it through `globalThis.bench.run`. No Deno API here.
 * @module
 */
import {
  benchConfig,
  errorLine,
  type Impl,
  measureInterleaved,
  type TrainSession,
} from "../_harness.ts";
import { ELEMENTWISE_N, TRAIN_BATCH } from "../_workloads.ts";
import * as tfjs from "../tfjs_peer.ts";
import { jaxBenches } from "../jax_peer.ts";
import { jaxTrainSession } from "../jax_train.ts";
import { tempoBenches } from "../tempo_peer.ts";
import { TRAIN_WORKLOADS, trainSession } from "../tempo_train.ts";
import { setAutotune } from "../../mod.ts";
import { formatKernelTimes, kernelTimes } from "../kernel_times.ts";

type Measure = () => Promise<number>;

const TFJS_OPS: Record<string, Measure> = {
  matmul_256: () => tfjs.matmulGflops(256, 256, 256),
  matmul_512: () => tfjs.matmulGflops(512, 512, 512),
  matmul_1024: () => tfjs.matmulGflops(1024, 1024, 1024),
  matmul_mlp_64x3072x40: () => tfjs.matmulGflops(64, 3072, 40),
  matmul_mlp_64x40x10: () => tfjs.matmulGflops(64, 40, 10),
  elementwise_add_4M: () => tfjs.elementwiseGBps(ELEMENTWISE_N),
  dispatch_small: tfjs.dispatchUs,
};
const TFJS_TRAIN: Record<string, () => Promise<TrainSession>> = {
  train_simplenet: tfjs.simpleNetSession,
  train_mlp784: tfjs.mlp784Session,
  train_shallowconv: tfjs.shallowConvSession,
};
const jaxGpu = jaxBenches("webgpu"), jaxWasm = jaxBenches("wasm");

function session(name: string, impl: Impl): (() => Promise<TrainSession>) | undefined {
  if (!TRAIN_WORKLOADS[name]) return undefined;
  if (impl === "tempo") return () => trainSession(TRAIN_WORKLOADS[name]!);
  if (impl === "tfjs-webgpu") return TFJS_TRAIN[name];
  if (impl === "jax-js-webgpu") return () => jaxTrainSession("webgpu", name);
  if (impl === "jax-js-wasm") return () => jaxTrainSession("wasm", name);
  return undefined;
}

function op(name: string, impl: Impl): Measure | undefined {
  if (impl === "tempo") return tempoBenches[name];
  if (impl === "tfjs-webgpu") return TFJS_OPS[name];
  if (impl === "jax-js-webgpu") return jaxGpu[name];
  if (impl === "jax-js-wasm") return jaxWasm[name];
  return undefined;
}

/** One bench for `impls` (tempo tuning its kernels when `autotune`): values by impl, failures as notes. */
export async function run(
  name: string,
  impls: Impl[],
  quick: boolean,
  autotune = false,
): Promise<{ values: Partial<Record<Impl, number>>; notes: { impl: string; message: string }[] }> {
  benchConfig.quick = quick;
  setAutotune(autotune);
  const values: Partial<Record<Impl, number>> = {};
  const notes: { impl: string; message: string }[] = [];
  if (TRAIN_WORKLOADS[name]) {
    const sessions: [Impl, TrainSession][] = [];
    try {
      for (const impl of impls) {
        try {
          sessions.push([impl, await session(name, impl)!()]);
        } catch (e) {
          notes.push({ impl, message: errorLine(e) });
        }
      }
      const ms = await measureInterleaved(
        sessions.map(([, s]) => s.run),
        TRAIN_WORKLOADS[name]!.spec.measure,
      );
      sessions.forEach(([impl, s], i) => {
        values[impl] = (s.steps * TRAIN_BATCH) / (ms[i]! / 1000);
      });
    } catch (e) {
      notes.push({ impl: "interleaved", message: errorLine(e) });
    } finally {
      for (const [, s] of sessions) s.dispose();
    }
    return { values, notes };
  }
  for (const impl of impls) {
    const f = op(name, impl);
    if (!f) continue;
    try {
      values[impl] = await f();
    } catch (e) {
      notes.push({ impl, message: errorLine(e) });
    }
  }
  return { values, notes };
}

/** The adapter the page got (vendor, architecture, description). */
export async function adapterInfo(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: GPU }).gpu;
  const a = await gpu?.requestAdapter();
  if (!a) return "no WebGPU adapter";
  const i = a.info;
  return [i.vendor, i.architecture, i.device, i.description].filter((s) => s).join(" / ");
}

/** One training step of `name`, kernel by kernel (`kernel_times.ts`), as text. */
export async function kernelProfile(name: string, reps = 10): Promise<string> {
  return formatKernelTimes(await kernelTimes(name, reps));
}
