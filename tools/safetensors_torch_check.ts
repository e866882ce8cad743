/**
 * tempo -> PyTorch with freshly trained weights: trains the two models of the safetensors goldens a
 * few steps (Adam, SGD with momentum), saves each with `learn.save(..., { path: "x.safetensors" })`,
 * and has PyTorch read the file (`tools/gen_goldens_safetensors.py --check`: strict
 * `load_state_dict`, the optimizer tensors' shapes) and compare its logits on the fixture's input with
 * tempo's. Needs Debian's torch (`/usr/bin/python3`); the tests never run it (they use the fixtures).
 *
 * Usage:
 * ```sh
 * deno task check:torch-safetensors      # = deno run -A tools/safetensors_torch_check.ts
 * deno run -A tools/safetensors_torch_check.ts --python /usr/bin/python3 --keep
 * ```
 */
import { parseArgs } from "node:util";
import { Learner, TrainingPhase } from "../src/sched/mod.ts";
import type { BatchLoader, OptimizerClass } from "../src/sched/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { type Sequential, shallowConvNet, simpleNet } from "../src/nn/mod.ts";
import { init, tensor } from "../src/tensor/mod.ts";

const { values } = parseArgs({
  options: {
    python: { type: "string", default: "/usr/bin/python3" },
    keep: { type: "boolean", default: false },
  },
  strict: true,
});

interface Case {
  name: string;
  input: { shape: number[]; data: number[] };
}

const root = new URL("../", import.meta.url);
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("fixtures/safetensors.json", root)),
) as { cases: Case[] };

const runs: { name: string; net: () => Sequential; opt: OptimizerClass; batch: number[] }[] = [
  {
    name: "simple_net",
    net: () => simpleNet([48, 16, 10], { seed: 7 }),
    opt: Adam,
    batch: [6, 3, 4, 4],
  },
  {
    name: "conv_bn",
    net: () => shallowConvNet({ inChannels: 3, widths: [4, 8], numClasses: 10, seed: 8 }),
    opt: SGD,
    batch: [4, 3, 8, 8],
  },
];

function loader(shape: number[], nb: number): BatchLoader {
  const size = shape.reduce((a, b) => a * b, 1);
  const batches = Array.from({ length: nb }, (_, b) => ({
    x: Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + b)),
    y: Int32Array.from({ length: shape[0]! }, (_, i) => (i * 7 + b) % 10),
    shape,
  }));
  return {
    length: nb,
    async *[Symbol.asyncIterator]() {
      yield* batches;
    },
  };
}

await init();
let failed = 0;
for (const r of runs) {
  const c = fixture.cases.find((x) => x.name === r.name)!;
  using net = r.net();
  using learn = new Learner(net, { train: loader(r.batch, 5), valid: loader(r.batch, 1) });
  await learn.fitOptSched(
    [new TrainingPhase({ epochs: 1, optimizer: r.opt, lr: 1e-2, momentum: 0.9 })],
    { log: false, progress: false },
  );
  const dir = Deno.makeTempDirSync({ prefix: "tempo_safetensors_" });
  const file = `${dir}/${r.name}.safetensors`;
  await learn.save(r.name, { path: file });
  net.eval();
  const x = tensor(c.input.data, { shape: c.input.shape });
  const out = net.forward(x);
  const logits = [...await out.data()];
  out.dispose();
  x.dispose();
  const logitsFile = `${dir}/${r.name}.logits.json`;
  await Deno.writeTextFile(logitsFile, JSON.stringify({ logits }));
  const py = new Deno.Command(values.python!, {
    args: [
      new URL("tools/gen_goldens_safetensors.py", root).pathname,
      "--check",
      file,
      logitsFile,
      r.name,
    ],
  });
  const res = await py.output();
  await Deno.stdout.write(res.stdout);
  await Deno.stderr.write(res.stderr);
  if (!res.success) failed++;
  if (values.keep) console.log(`kept ${dir}`);
  else Deno.removeSync(dir, { recursive: true });
}
console.log(
  failed ? `FAILED: ${failed} of ${runs.length}` : `ok: ${runs.length} of ${runs.length}`,
);
Deno.exit(failed ? 1 : 0);
