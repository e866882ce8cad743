/**
 * Private tool: records the dispatches of one training step of a workload and times each one alone
 * (replayed `reps` times, then one wait; the floor of an empty wait is subtracted).
 * `deno run -A bench/_kernel_profile.ts train_shallowconv 10`
 * @module
 */
import { device, type Kernel } from "../mod.ts";
import { TRAIN_WORKLOADS, trainer } from "./tempo_train.ts";

const name = Deno.args[0] ?? "train_simplenet";
const reps = Number(Deno.args[1] ?? 10);
const t = await trainer(TRAIN_WORKLOADS[name]!);
const d = device();
type Grid = [number, number?, number?];
// Each call replays one recorded dispatch (plain buffers or explicit bind-group entries).
type Call = [Kernel, () => void, Grid];
const calls: Call[] = [];
const orig = d.dispatch.bind(d);
const origEntries = d.dispatchEntries.bind(d);
d.dispatch = (k, b, w) => {
  calls.push([k, () => orig(k, b, w), w]);
  orig(k, b, w);
};
d.dispatchEntries = (k, key, e, w) => {
  calls.push([k, () => origEntries(k, key, e, w), w]);
  origEntries(k, key, e, w);
};
for (let i = 0; i < 3; i++) {
  calls.length = 0;
  t.train().dispose();
}
const step = [...calls];
d.dispatch = orig;
d.dispatchEntries = origEntries;
await d.sync();
const wait = async () => {
  d.flush();
  await d.gpu.queue.onSubmittedWorkDone();
};
let t0 = performance.now();
await wait();
const floor = performance.now() - t0;
const rows: [string, number, string][] = [];
for (const [k, replay, g] of step) {
  await wait();
  t0 = performance.now();
  for (let i = 0; i < reps; i++) replay();
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
