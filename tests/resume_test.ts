/**
 * Resume mid-schedule: a fit interrupted by `CancelFit` right after `SaveCheckpoint` wrote at the
 * same batch, resumed by a NEW learner (a model initialised from another seed, fresh data objects),
 * ends with the weights of one straight fit — bit-equal: the resumed fit runs the same kernels in
 * the same order on the same batches (same shuffled order, augmentation and dropout masks) from the
 * same weights and optimizer state, and lavapipe's kernels are deterministic. Once in this process,
 * once in a child process. A checkpoint of other phases, of another model, or without training
 * state is refused.
 */
import assert from "node:assert/strict";
import { type Callback, CancelFit, SaveCheckpoint } from "../src/sched/mod.ts";
import { setDropoutRngState } from "../src/tensor/mod.ts";
import { allWeights, resumeLearner, resumePhases } from "./_resume_fixture.ts";

const DROPOUT = { seed: 1234, counter: 0 };

/** The straight fit (dropout's stream reset first, as before the interrupted one). */
async function straight(): Promise<{ w: Float32Array; raw: number[] }> {
  setDropoutRngState(DROPOUT);
  const learn = await resumeLearner(0);
  const r = await learn.fitOptSched(resumePhases(), { log: false });
  assert.equal(r.stopped, false);
  return { w: await allWeights(learn), raw: [...learn.sched.recorder.rawLosses] };
}

/** A fit that writes a checkpoint every `every` batches and is cancelled at batch `k`. */
async function interrupted(path: string, every: number, k: number): Promise<void> {
  setDropoutRngState(DROPOUT);
  const learn = await resumeLearner(0);
  const kill: Callback = {
    order: 1000,
    afterBatch: (ctx) => {
      if (ctx.iteration === k) throw new CancelFit(`killed at ${k}`);
    },
  };
  const save = new SaveCheckpoint({ path, everyBatches: every });
  const r = await learn.fitOptSched(resumePhases(), { log: false, callbacks: [save, kill] });
  assert.ok(r.stopped && r.reason === `killed at ${k}`);
  assert.equal(save.saved.at(-1), k);
}

const dir = Deno.makeTempDirSync({ prefix: "tempo_resume_" });
const ref = await straight();

for (const k of [9, 6, 3]) {
  // 9: mid phase 1 (Adam) and mid epoch 1; 6: the end of epoch 0, before its validation; 3: phase 0
  Deno.test(`a fit killed at batch ${k} and resumed by a new learner ends bit-equal to a straight fit`, async () => {
    const path = `${dir}/k${k}.safetensors`;
    await interrupted(path, k === 9 ? 3 : k, k);
    setDropoutRngState({ seed: 1, counter: 999 }); // the resume restores the saved stream
    const learn = await resumeLearner(99);
    const r = await learn.fitOptSched(resumePhases(), { log: false, resume: path });
    assert.equal(r.stopped, false);
    assert.deepEqual(learn.sched.recorder.rawLosses, ref.raw, "the same losses, batch by batch");
    assert.deepEqual(await allWeights(learn), ref.w);
    assert.equal(learn.sched.recorder.epochIterations.length, 3);
  });
}

Deno.test("a checkpoint written at an epoch end (after validation) resumes bit-equal too", async () => {
  const path = `${dir}/epoch.safetensors`;
  setDropoutRngState(DROPOUT);
  const first = await resumeLearner(0);
  const kill: Callback = {
    order: 1000,
    afterEpoch: (ctx) => {
      if (ctx.epoch === 1) throw new CancelFit("killed after epoch 1");
    },
  };
  const save = new SaveCheckpoint({ path, everyEpochs: 1 });
  await first.fitOptSched(resumePhases(), { log: false, callbacks: [save, kill] });
  assert.deepEqual(save.saved, [6, 12]);
  const learn = await resumeLearner(98);
  const r = await learn.fitOptSched(resumePhases(), { log: false, resume: path });
  assert.equal(r.stopped, false);
  assert.deepEqual(learn.sched.recorder.rawLosses, ref.raw);
  assert.deepEqual(learn.sched.recorder.epochIterations, [6, 12, 15]);
  assert.deepEqual(await allWeights(learn), ref.w);
});

Deno.test("a new process resumes the checkpoint and ends bit-equal to a straight fit", async () => {
  const path = `${dir}/child.safetensors`, out = `${dir}/child.f32`;
  await interrupted(path, 4, 8);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_resume_child.ts", import.meta.url).pathname, path, out],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
  const w = new Float32Array(Deno.readFileSync(out).buffer);
  assert.deepEqual(w, ref.w);
  assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${out}.json`)), ref.raw);
});

Deno.test("a checkpoint of other phases, another model or without training state is refused", async () => {
  const path = `${dir}/k6.safetensors`;
  const learn = await resumeLearner(0);
  const other = resumePhases().slice(0, 1);
  await assert.rejects(
    () => learn.fitOptSched(other, { log: false, resume: path }),
    /Cannot resume from .*k6\.safetensors: the checkpoint was made for other phases or data/,
  );
  const wider = await resumeLearner(0, 32);
  await assert.rejects(
    () => wider.fitOptSched(resumePhases(), { log: false, resume: path }),
    /the checkpoint was made for another model \(.*expected shape \[32,192\], got \[24,192\]/,
  );
  await learn.save("plain", { path: `${dir}/plain.safetensors` });
  await assert.rejects(
    () => learn.fitOptSched(resumePhases(), { log: false, resume: `${dir}/plain.safetensors` }),
    /expected a resumable checkpoint \(written by SaveCheckpoint/,
  );
});
