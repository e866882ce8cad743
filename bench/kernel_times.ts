/**
 * Where a training step's GPU time goes, kernel by kernel: records the dispatches of one step of a
 * bench workload and times each one alone (replayed `reps` times, then one wait; the floor of an
 * empty wait is subtracted). Platform-neutral: `bench/_kernel_profile.ts` runs it in Deno, the
 * browser bench (`deno task bench --browser`) in Chromium, after its table.
 *
 * Not a timing of the step itself (the kernels' overlap, the submits and the readback are left
 * out; `profileTrain` in `tempo_train.ts` times those): a ranking of the kernels.
 *
 * @example
 * ```ts ignore
 * import { formatKernelTimes, kernelTimes } from "./kernel_times.ts";
 * console.log(formatKernelTimes(await kernelTimes("train_mlp784", 10)));
 * ```
 * @module
 */
import { device, type Kernel } from "../mod.ts";
import { TRAIN_WORKLOADS, trainer } from "./tempo_train.ts";

/** One dispatch of the step, timed alone. */
export interface KernelTime {
  /** The kernel's cache key: shader, entry point, override constants. */
  kernel: string;
  /** Workgroups, e.g. `2x49x1`. */
  grid: string;
  /** Milliseconds per run, the empty wait subtracted. */
  ms: number;
}

type Grid = [number, number?, number?];

/** Times each dispatch of one training step of `bench` (a `train_*` name), in step order. */
export async function kernelTimes(bench: string, reps = 10): Promise<KernelTime[]> {
  const w = TRAIN_WORKLOADS[bench];
  if (!w) {
    throw new RangeError(
      `No training bench '${bench}': expected one of ${Object.keys(TRAIN_WORKLOADS).join(", ")}`,
    );
  }
  const t = await trainer(w);
  const d = device();
  const calls: [Kernel, () => void, Grid][] = [];
  const orig = d.dispatch.bind(d);
  const origEntries = d.dispatchEntries.bind(d);
  d.dispatch = (k, b, g) => {
    calls.push([k, () => orig(k, b, g), g]);
    orig(k, b, g);
  };
  d.dispatchEntries = (k, key, e, g) => {
    calls.push([k, () => origEntries(k, key, e, g), g]);
    origEntries(k, key, e, g);
  };
  try {
    for (let i = 0; i < 3; i++) {
      calls.length = 0;
      t.train().dispose();
    }
  } finally {
    d.dispatch = orig;
    d.dispatchEntries = origEntries;
  }
  const step = [...calls];
  try {
    await d.sync();
    const wait = async () => {
      d.flush();
      await d.gpu.queue.onSubmittedWorkDone();
    };
    let t0 = performance.now();
    await wait();
    const floor = performance.now() - t0;
    const out: KernelTime[] = [];
    for (const [k, replay, g] of step) {
      await wait();
      t0 = performance.now();
      for (let i = 0; i < reps; i++) replay();
      await wait();
      out.push({
        kernel: k.name,
        grid: g.join("x"),
        ms: Math.max(0, (performance.now() - t0 - floor) / reps),
      });
    }
    return out;
  } finally {
    t.dispose();
  }
}

/** The times as lines (step order), with each kernel's share and the total. */
export function formatKernelTimes(times: readonly KernelTime[]): string {
  const total = times.reduce((s, x) => s + x.ms, 0);
  const lines = times.map((x) =>
    `${x.ms.toFixed(3).padStart(8)} ms ${(100 * x.ms / (total || 1)).toFixed(0).padStart(3)}%  ` +
    `${x.grid.padEnd(10)} ${x.kernel}`
  );
  lines.push(`total ${total.toFixed(2)} ms over ${times.length} dispatches`);
  return lines.join("\n");
}
