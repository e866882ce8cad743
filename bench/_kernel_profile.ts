/**
 * Private tool: records the dispatches of one training step of a workload and times each one alone
 * (replayed `reps` times, then one wait; the floor of an empty wait is subtracted).
 * `deno run -A bench/_kernel_profile.ts train_shallowconv 10`
 * @module
 */
import { device, type Kernel, type PooledBuffer } from "../mod.ts";
import { TRAIN_WORKLOADS, trainer } from "./tempo_train.ts";

const name = Deno.args[0] ?? "train_simplenet";
const reps = Number(Deno.args[1] ?? 10);
const t = await trainer(TRAIN_WORKLOADS[name]!);
const d = device();
type Call = [Kernel, (PooledBuffer | null)[], [number, number?, number?]];
const calls: Call[] = [];
const orig = d.dispatch.bind(d);
d.dispatch = (k, b, w) => {
  calls.push([k, b, w]);
  orig(k, b, w);
};
for (let i = 0; i < 3; i++) {
  calls.length = 0;
  t.train().dispose();
}
const step = [...calls];
d.dispatch = orig;
await d.sync();
const wait = async () => {
  d.flush();
  await d.gpu.queue.onSubmittedWorkDone();
};
let t0 = performance.now();
await wait();
const floor = performance.now() - t0;
const rows: [string, number, string][] = [];
for (const [k, b, g] of step) {
  await wait();
  t0 = performance.now();
  for (let i = 0; i < reps; i++) orig(k, b, g);
  await wait();
  rows.push([k.name, (performance.now() - t0 - floor) / reps, g.join("x")]);
}
let total = 0;
for (const [n, ms, g] of rows) {
  total += ms;
  console.log(`${ms.toFixed(3).padStart(8)} ms  ${g.padEnd(12)} ${n}`);
}
console.log(
  `total ${total.toFixed(2)} ms over ${rows.length} dispatches (floor ${floor.toFixed(3)})`,
);
t.dispose();
