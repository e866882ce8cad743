/**
 * Private: the compiled pipelines of a device, one per shader, entry point and override constants,
 * each with the names of the bindings its entry point uses (generated from the WGSL into
 * `bindings` of `_shaders.ts`), so that dispatches bind by name.
 * @module
 */
import { bindings, type ShaderName, shaders, writable } from "./_shaders.ts";
import type { ErrorScopes } from "./_errors.ts";
import { debugLevel, debugLog } from "./debug.ts";

/** A compiled compute pipeline with a stable id and its bindings by name. */
export interface Kernel {
  /** Stable id (for bind-group caching), from the device's one id space. */
  readonly id: number;
  /** Cache key: shader name, entry point and override constants. */
  readonly name: string;
  /** The compiled pipeline. */
  readonly pipeline: GPUComputePipeline;
  /** The binding names the entry point uses, in binding order. */
  readonly slots: readonly string[];
  /** Binding index of each name in `slots`. */
  readonly index: Readonly<Record<string, number>>;
  /** The names in `slots` the kernel may write (generated `writable`). */
  readonly writes: readonly string[];
}

/** The pipelines of one device; see the module doc. */
export class Kernels {
  #gpu: GPUDevice;
  #scopes: ErrorScopes;
  #ids: () => number;
  #cache = new Map<string, Kernel>();
  /** Pipelines compiled since the start. */
  created = 0;

  constructor(gpu: GPUDevice, scopes: ErrorScopes, ids: () => number) {
    this.#gpu = gpu;
    this.#scopes = scopes;
    this.#ids = ids;
  }

  /** The pipeline of shader `name` at `entryPoint` with these override constants, compiled once. */
  get(name: ShaderName, constants: Record<string, number>, entryPoint: string): Kernel {
    const key = `${name}|${entryPoint}|${JSON.stringify(constants)}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const table = bindings[name] as Record<string, Record<string, number>> | undefined;
    const entries = table?.[entryPoint];
    if (!entries) {
      throw new TypeError(
        `Cannot compile kernel '${key}': shader '${name}' has no entry point '${entryPoint}' ` +
          `(expected one of ${Object.keys(table ?? {}).join(", ") || "none: no such shader"})`,
      );
    }
    const code = shaders[name];
    if (debugLevel >= 2) debugLog(`[tempo] compiling '${key}':\n${code}`);
    let module: GPUShaderModule;
    const pipeline = this.#scopes.guard(
      () => `Compiling kernel '${key}'`,
      () => {
        module = this.#gpu.createShaderModule({ code, label: name });
        return this.#gpu.createComputePipeline({
          label: key,
          layout: "auto",
          compute: { module, entryPoint, constants },
        });
      },
      async (err) => {
        const info = await module.getCompilationInfo();
        const lines = info.messages.map((m) =>
          `  [${m.type} at ${m.lineNum}:${m.linePos}] ${m.message}`
        );
        return err.message.trim() + (lines.length ? `\n${lines.join("\n")}` : "");
      },
    );
    this.created++;
    const k: Kernel = {
      id: this.#ids(),
      name: key,
      pipeline,
      slots: Object.keys(entries),
      index: entries,
      writes: (writable[name] as readonly string[]).filter((b) => b in entries),
    };
    this.#cache.set(key, k);
    return k;
  }

  /** Forgets every pipeline. */
  clear(): void {
    this.#cache.clear();
  }
}
