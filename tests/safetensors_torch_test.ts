/**
 * safetensors checkpoints against PyTorch (`fixtures/safetensors.json`, `fixtures/safetensors/`):
 * - PyTorch -> tempo: PyTorch's state dict files load into the tempo twins and give PyTorch's logits;
 * - tempo -> PyTorch: tempo then saves exactly the bytes the generator proved PyTorch reads
 *   strictly into the same logits (see fixtures/README.md);
 * - PyTorch's F16 / BF16 / F64 / I64 tensors read as float32 / int32;
 * - a Learner save/load round trip with the optimizer state continues training exactly;
 * - key, shape, class and version mismatches are refused before anything is written.
 */
import assert from "node:assert/strict";
import { Learner, TrainingPhase } from "../src/sched/mod.ts";
import type { BatchLoader, CpuBatch, LearnerData } from "../src/sched/mod.ts";
import { Adam, SGD } from "../src/optim/mod.ts";
import { type Sequential, shallowConvNet, simpleNet } from "../src/nn/mod.ts";
import { decodeSafetensors, encodeSafetensors } from "../src/io/mod.ts";
import { init } from "../src/tensor/mod.ts";
import {
  assertRel,
  type FixtureTensor,
  fromFixture,
  loadFixture,
} from "../src/nn/_fixture_util.ts";

interface Case {
  name: "simple_net" | "conv_bn";
  torch_file: string;
  tempo_file: string;
  keys: string[];
  input: FixtureTensor;
  logits: FixtureTensor;
}
interface Fixture {
  cases: Case[];
  dtypes: {
    file: string;
    tensors: Record<string, FixtureTensor & { file_dtype: string }>;
  };
}

await init();
const fx = await loadFixture<Fixture>("safetensors");
const fixtureUrl = (f: string) => new URL(`../fixtures/${f}`, import.meta.url);

const builders: Record<Case["name"], (seed: number) => Sequential> = {
  simple_net: (seed) => simpleNet([48, 16, 10], { seed }),
  conv_bn: (seed) => shallowConvNet({ inChannels: 3, widths: [4, 8], numClasses: 10, seed }),
};

/** A loader of `nb` fixed batches, the same on every pass (no shuffling). */
function fixedLoader(shape: readonly number[], nb: number, seed: number): BatchLoader {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const size = shape.reduce((a, b) => a * b, 1);
  const batches: CpuBatch[] = Array.from({ length: nb }, () => ({
    x: Float32Array.from({ length: size }, () => next() * 2 - 1),
    y: Int32Array.from({ length: shape[0]! }, () => Math.floor(next() * 10)),
    shape,
  }));
  return {
    length: nb,
    async *[Symbol.asyncIterator]() {
      yield* batches;
    },
  };
}

function fixedData(shape: readonly number[]): LearnerData {
  return { train: fixedLoader(shape, 4, 1), valid: fixedLoader(shape, 1, 2) };
}

const shapes: Record<Case["name"], number[]> = { simple_net: [6, 3, 4, 4], conv_bn: [4, 3, 8, 8] };

async function weights(net: Sequential): Promise<Record<string, number[]>> {
  const sd = await net.stateDict();
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, [...v.data]]));
}

function tmpFile(): string {
  return Deno.makeTempFileSync({ suffix: ".safetensors" });
}

for (const c of fx.cases) {
  Deno.test(`safetensors: PyTorch's ${c.name} file gives tempo PyTorch's logits; tempo writes the proven bytes`, async () => {
    using net = builders[c.name](123); // other weights than the file's
    using learn = new Learner(net, fixedData(shapes[c.name]));
    const own = [...net.namedParameters(), ...net.namedBuffers()].map(([k]) => k);
    assert.deepEqual(
      Object.keys(await net.stateDict()),
      c.keys.filter((k) => !k.endsWith("num_batches_tracked")),
      "tempo's state_dict keys and order are PyTorch's",
    );
    assert.equal(own.length, Object.keys(await net.stateDict()).length);
    await learn.load("torch", { path: fixtureUrl(c.torch_file) });
    net.eval();
    const x = fromFixture(c.input);
    const out = net.forward(x);
    assertRel(await out.data(), c.logits.data, 1e-5, `${c.name} logits`);
    x.dispose();
    out.dispose();

    const file = tmpFile();
    try {
      await learn.save("tempo", { path: file });
      const mine = await Deno.readFile(file);
      const proven = await Deno.readFile(fixtureUrl(c.tempo_file));
      assert.equal(mine.length, proven.length, "file length");
      assert.deepEqual(
        mine,
        proven,
        "tempo's file is byte for byte the one PyTorch was shown to read",
      );
    } finally {
      Deno.removeSync(file);
    }
  });
}

Deno.test("safetensors: PyTorch's F16, BF16, F64, I64, I32, F32 tensors read as float32 / int32", async () => {
  const { tensors, metadata } = decodeSafetensors(
    await Deno.readFile(fixtureUrl(fx.dtypes.file)),
    fx.dtypes.file,
  );
  assert.deepEqual(metadata, { format: "pt" });
  assert.deepEqual([...tensors.keys()], Object.keys(fx.dtypes.tensors));
  for (const [k, want] of Object.entries(fx.dtypes.tensors)) {
    const t = tensors.get(k)!;
    assert.equal(t.fileDtype, want.file_dtype, k);
    assert.equal(t.dtype, want.dtype === "int32" ? "I32" : "F32", k);
    assert.deepEqual(t.shape, want.shape, k);
    assert.deepEqual([...t.data], want.data.map((v) => want.dtype ? v : Math.fround(v)), k);
  }
});

const roundTrips = [
  { name: "simple_net" as const, opt: Adam, slots: ["exp_avg", "exp_avg_sq"] },
  { name: "conv_bn" as const, opt: SGD, slots: ["momentum_buffer"] },
];

for (const r of roundTrips) {
  Deno.test(`safetensors: Learner save/load with ${r.opt.optimizerName} state continues ${r.name} training exactly`, async () => {
    const data = fixedData(shapes[r.name]);
    const phase = (epochs: number) =>
      new TrainingPhase({ epochs, optimizer: r.opt, lr: 1e-2, momentum: 0.9 });
    const fit = { log: false as const, progress: false };
    const file = tmpFile();
    try {
      using a = builders[r.name](1);
      using la = new Learner(a, data);
      await la.fitOptSched([phase(1.5)], fit); // 6 steps: momentum and moments are under way
      await la.save("mid", { path: file });
      await la.fitOptSched([phase(0.75)], fit); // 3 more steps
      const want = await weights(a);

      using b = builders[r.name](2);
      using lb = new Learner(b, data);
      await lb.load("mid", { path: file });
      assert.equal(lb.opt?.optimizerName, r.opt.optimizerName);
      await lb.fitOptSched([phase(0.75)], fit);
      assert.deepEqual(await weights(b), want, "3 steps after load = 3 steps without save/load");

      // the file: model keys as PyTorch's, optimizer slots under optimizer.<group>.<key>.<slot>
      const { tensors, metadata } = decodeSafetensors(await Deno.readFile(file));
      const keys = Object.keys(await b.stateDict());
      const groups = b.layerGroupParameters();
      const named = new Map(b.namedParameters().map(([k, t]) => [t, k]));
      const optKeys = groups.flatMap((g, gi) =>
        g.flatMap((t) => r.slots.map((s) => `optimizer.${gi}.${named.get(t)}.${s}`))
      );
      assert.deepEqual([...tensors.keys()], [...keys, ...optKeys]);
      assert.equal(metadata["tempo.format"], "1");
      const meta = JSON.parse(metadata["tempo.optimizer"]!);
      assert.equal(meta.class, r.opt.optimizerName);
      assert.deepEqual(meta.slots, r.slots);
      const steps = meta.groups.flatMap((g: { steps: number[] }) => g.steps);
      assert.deepEqual(steps, steps.map(() => 6), "every parameter took 6 steps");

      // without the optimizer state, the same 3 steps end elsewhere (the test can fail)
      using c = builders[r.name](3);
      using lc = new Learner(c, data);
      const { tensors: t2, metadata: m2 } = decodeSafetensors(await Deno.readFile(file));
      const modelOnly = [...t2].filter(([k]) => !k.startsWith("optimizer."));
      delete m2["tempo.optimizer"];
      await Deno.writeFile(file, encodeSafetensors(modelOnly, { metadata: m2 }));
      await lc.load("mid", { path: file });
      assert.equal(lc.opt, null, "a file without optimizer state loads the model only");
      await lc.fitOptSched([phase(0.75)], fit);
      assert.notDeepEqual(await weights(c), want);
    } finally {
      Deno.removeSync(file);
    }
  });
}

Deno.test("safetensors: mismatched keys, shapes, classes and versions are refused before writing", async () => {
  const torchFile = fixtureUrl(fx.cases.find((c) => c.name === "simple_net")!.torch_file);
  const file = tmpFile();
  try {
    using wide = simpleNet([48, 17, 10], { seed: 4 });
    using lw = new Learner(wide, fixedData(shapes.simple_net));
    const before = await weights(wide);
    await assert.rejects(
      () => lw.load("x", { path: torchFile }),
      (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(
          e.message,
          /missing keys \[\], unexpected keys \[\], first shape mismatch '1\.weight' expected shape \[17,48\], got \[16,48\]/,
        );
        return true;
      },
    );
    assert.deepEqual(await weights(wide), before, "nothing was written");

    using conv = builders.conv_bn(5);
    using lc = new Learner(conv, fixedData(shapes.conv_bn));
    await assert.rejects(
      () => lc.load("x", { path: torchFile }),
      /missing keys \[0\.0\.weight, 0\.0\.bias, .*\], unexpected keys \[1\.weight, 1\.bias, 3\.weight, 3\.bias\]/,
    );

    // an optimizer class the learner does not know, and another format version
    using net = simpleNet([48, 16, 10], { seed: 6 });
    using ln = new Learner(net, fixedData(shapes.simple_net), { optimizers: [SGD] });
    await ln.fitOptSched([new TrainingPhase({ epochs: 0.5, optimizer: SGD, lr: 1e-2 })], {
      log: false,
    });
    await ln.save("s", { path: file });
    const { tensors, metadata } = decodeSafetensors(await Deno.readFile(file));
    const rewrite = async (m: Record<string, string>) =>
      await Deno.writeFile(file, encodeSafetensors(tensors, { metadata: m }));
    const opt = JSON.parse(metadata["tempo.optimizer"]!);
    await rewrite({ ...metadata, "tempo.optimizer": JSON.stringify({ ...opt, class: "Lion" }) });
    await assert.rejects(() => ln.load("s", { path: file }), /Cannot use optimizer "Lion"/);
    await rewrite({ ...metadata, "tempo.format": "2" });
    await assert.rejects(() => ln.load("s", { path: file }), /expected tempo.format 1, got "2"/);
    await rewrite({ ...metadata, "tempo.optimizer": "{" });
    await assert.rejects(() => ln.load("s", { path: file }), /expected tempo.optimizer to be JSON/);
    // an optimizer tensor missing
    const dropped = new Map(tensors);
    dropped.delete("optimizer.1.1.weight.momentum_buffer");
    await Deno.writeFile(file, encodeSafetensors(dropped, { metadata }));
    await assert.rejects(
      () => ln.load("s", { path: file }),
      /expected optimizer tensor 'optimizer\.1\.1\.weight\.momentum_buffer' of shape \[16,48\], got none/,
    );
    // a truncated file
    await Deno.writeFile(file, encodeSafetensors(tensors, { metadata }).subarray(0, 1000));
    await assert.rejects(() => ln.load("s", { path: file }), RangeError);
  } finally {
    Deno.removeSync(file);
  }
});
