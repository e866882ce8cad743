/**
 * The error tempo throws for anything the GPU device does wrong: no adapter, a WGSL compile failure,
 * a lost device, a validation error of a command. Bad user input is a `TypeError` or `RangeError` instead.
 * @module
 */

/** An error of the WebGPU device, with a message that says what to do about it. */
export class GpuError extends Error {
  /**
   * Creates a `GpuError` (its `name` is `"GpuError"`).
   * @param message What went wrong, in full.
   * @param options `cause`: the underlying WebGPU error, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GpuError";
  }
}

/** The message of a missing WebGPU adapter, with how to get one. */
export const NO_ADAPTER_MESSAGE: string =
  "Cannot find a WebGPU adapter: tempo needs one to run its kernels. " +
  "Install a GPU driver, or on a headless Linux machine Mesa's software Vulkan driver " +
  "(`apt-get install mesa-vulkan-drivers`), then check with " +
  "`deno eval 'console.log(await navigator.gpu.requestAdapter())'`";
