/**
 * Private tool: the GPU time of each dispatch of one training step (`kernel_times.ts`), in Deno.
 * `deno run -A bench/_kernel_profile.ts train_shallowconv 10`
 * @module
 */
import { formatKernelTimes, kernelTimes } from "./kernel_times.ts";

console.log(
  formatKernelTimes(
    await kernelTimes(Deno.args[0] ?? "train_simplenet", Number(Deno.args[1] ?? 10)),
  ),
);
