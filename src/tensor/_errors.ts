/**
 * Error scopes of the device: each WebGPU call that can fail (pipeline creation, bind-group creation,
 * buffer creation, a submit) runs inside a validation and an out-of-memory scope, labelled with what tempo
 * was doing (the op and its shapes). A captured error becomes a `GpuError` naming that op, thrown at the
 * next `checkErrors()` (every `read()` and `sync()`), never at a later, innocent op. Scopes wrap only
 * cache misses and submits, so the hot path of a training step pays one scope per submit.
 * @module
 */
import { GpuError } from "./gpu_error.ts";

/** Collects the outcome of error scopes; the first error found is thrown by {@linkcode check}. */
export class ErrorScopes {
  #gpu: GPUDevice;
  #open = new Set<Promise<void>>();
  #first: GpuError | null = null;

  /** Watches the error scopes of `gpu`. */
  constructor(gpu: GPUDevice) {
    this.#gpu = gpu;
  }

  /**
   * Runs `fn` inside a validation and an out-of-memory scope. An error it raises becomes a `GpuError`
   * whose message starts with `what()` (called only then), or with `describe(error)` when given.
   */
  guard<T>(what: () => string, fn: () => T, describe?: (e: GPUError) => Promise<string>): T {
    const gpu = this.#gpu;
    gpu.pushErrorScope("out-of-memory");
    gpu.pushErrorScope("validation");
    try {
      return fn();
    } finally {
      const validation = gpu.popErrorScope();
      const oom = gpu.popErrorScope();
      this.watch(
        Promise.all([validation, oom]).then(async ([v, o]) => {
          const e = v ?? o;
          if (!e) return null;
          const kind = e === o ? "ran out of GPU memory" : "was rejected by WebGPU";
          const detail = describe ? await describe(e) : e.message.trim();
          return new GpuError(`${what()} ${kind}: ${detail}`, { cause: e });
        }),
      );
    }
  }

  /** Keeps the first `GpuError` that `p` resolves to (for {@linkcode check}). */
  watch(p: Promise<GpuError | null>): void {
    const done: Promise<void> = p.then((e) => {
      if (e) this.#first ??= e;
    }, (e) => {
      this.#first ??= new GpuError(`An error scope of the WebGPU device failed: ${e}`);
    }).finally(() => this.#open.delete(done));
    this.#open.add(done);
  }

  /** Waits for every open scope and throws (and forgets) the first error they captured. */
  async check(): Promise<void> {
    while (this.#open.size > 0) await Promise.all([...this.#open]);
    const e = this.#first;
    this.#first = null;
    if (e) throw e;
  }
}
