/**
 * Saves that cannot destroy data: `Learner.save(name, { path })` replaces the file atomically (a
 * failed save keeps the previous checkpoint whole), and `Learner.load` refuses a truncated, corrupt
 * or foreign file with a `CheckpointError` that says what was expected, restoring nothing.
 */
import assert from "node:assert/strict";
import { CheckpointError, Learner, TrainingPhase } from "../src/sched/mod.ts";
import { SGD } from "../src/optim/mod.ts";
import { gpu, simpleNet, synthData } from "./_notebook_helpers.ts";

const MAGIC_LEN = "TEMPO-STATE-2\n".length;

async function weights(learn: Learner): Promise<number[][]> {
  return await Promise.all(learn.model.parameters().map(async (p) => [...await p.data()]));
}

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function expectBad(
  learn: Learner,
  file: string,
  bytes: Uint8Array,
  problem: string,
  words: RegExp,
): Promise<void> {
  await Deno.writeFile(file, bytes);
  const before = await weights(learn);
  const e = await learn.load("x", { path: file }).then(() => null, (e) => e as Error);
  assert.ok(e instanceof CheckpointError, `${words}: expected a CheckpointError, got ${e}`);
  assert.equal(e.name, "CheckpointError");
  assert.equal(e.problem, problem, e.message);
  assert.match(e.message, words);
  assert.ok(e.message.startsWith(`Cannot load ${file}: `), e.message);
  assert.deepEqual(await weights(learn), before, "a refused load changed the weights");
}

Deno.test("a truncated checkpoint is refused at every cut, saying how many bytes were expected", async () => {
  await gpu();
  await withDir(async (dir) => {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 32 }));
    await learn.fitOptSched([new TrainingPhase({ optimizer: SGD, lr: 1e-2, epochs: 1 })], {
      log: false,
    }); // an optimizer with state, saved too
    const good = `${dir}/good.bin`;
    await learn.save("a", { path: good });
    const full = await Deno.readFile(good);
    const nl = full.indexOf(10, MAGIC_LEN);
    const data = full.length - nl - 1;
    assert.ok(data > 1000, `tensor data of ${data} bytes`);
    const bad = `${dir}/bad.bin`;
    await expectBad(learn, bad, full.subarray(0, 0), "truncated", /truncated: the file is empty/);
    await expectBad(learn, bad, full.subarray(0, 5), "truncated", /magic line/);
    await expectBad(
      learn,
      bad,
      full.subarray(0, MAGIC_LEN + 20),
      "truncated",
      /truncated: expected a JSON header line after the magic, found 20 bytes/,
    );
    for (const keep of [0, 4096 % data, Math.floor(data / 2), data - 1]) {
      await expectBad(
        learn,
        bad,
        full.subarray(0, nl + 1 + keep),
        "truncated",
        new RegExp(
          `truncated: expected ${data} bytes of tensor data after the header, found ${keep}$`,
        ),
      );
    }
    // the good file still loads, and restores the saved weights
    const saved = await weights(learn);
    learn.model.parameters()[0]!.write(new Float32Array(learn.model.parameters()[0]!.size));
    await learn.load("a", { path: good });
    assert.deepEqual(await weights(learn), saved);
    learn.dispose();
  });
});

Deno.test("corrupt header, corrupt data, extra bytes and foreign files are refused", async () => {
  await gpu();
  await withDir(async (dir) => {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 32 }));
    const good = `${dir}/good.bin`;
    await learn.save("a", { path: good });
    const full = await Deno.readFile(good);
    const nl = full.indexOf(10, MAGIC_LEN);
    const bad = `${dir}/bad.bin`;
    const flip = (at: number, to: number) => {
      const b = full.slice();
      b[at] = to;
      return b;
    };
    // a broken JSON header (its opening brace)
    await expectBad(learn, bad, flip(MAGIC_LEN, 0x78), "corrupt", /corrupt header: .*JSON/);
    // a header that parses but lies about a length
    const text = new TextDecoder().decode(full.subarray(MAGIC_LEN, nl));
    const lying = text.replace(/"bytes":(\d+)/, (_, n) => `"bytes":${Number(n) + 4}`);
    const enc = new TextEncoder();
    await expectBad(
      learn,
      bad,
      new Uint8Array([...full.subarray(0, MAGIC_LEN), ...enc.encode(lying), ...full.subarray(nl)]),
      "corrupt",
      /: corrupt header: the entry at state\.model\.1\.bias\.data starts at byte 30720 of the data, expected 30724/,
    );
    // one flipped bit in the tensor data
    await expectBad(
      learn,
      bad,
      flip(nl + 10, full[nl + 10]! ^ 1),
      "corrupt",
      /corrupt: the tensor data has CRC-32 \d+, expected \d+/,
    );
    await expectBad(
      learn,
      bad,
      new Uint8Array([...full, 0, 0, 0, 0]),
      "corrupt",
      /found \d+ \(4 extra\)/,
    );
    await expectBad(
      learn,
      bad,
      enc.encode('{"model": 1}'),
      "not-a-checkpoint",
      /expected a tempo checkpoint starting with "TEMPO-STATE-2\\n", got "\{\\"model\\": 1\}"/,
    );
    // a valid checkpoint of something that is not a Learner state
    const other = enc.encode(
      `TEMPO-STATE-2\n${JSON.stringify({ dataBytes: 0, crc32: 0, state: [1, 2] })}\n`,
    );
    await expectBad(learn, bad, other, "corrupt", /expected a Learner state \{ model, opt \}/);
    learn.dispose();
  });
});

Deno.test("a save that fails keeps the previous checkpoint; a save replaces it whole", async () => {
  await gpu();
  await withDir(async (dir) => {
    const learn = new Learner(simpleNet(), synthData({ nTrain: 32 }));
    const file = `${dir}/ckpt.bin`;
    await learn.save("a", { path: file });
    const first = await Deno.readFile(file);
    // the rename target is a folder: the write of the temporary file succeeds, the rename fails
    const blocked = `${dir}/blocked.bin`;
    await Deno.mkdir(blocked);
    await assert.rejects(() => learn.save("b", { path: blocked }));
    // a missing folder
    await assert.rejects(
      () => learn.save("b", { path: `${dir}/nope/ckpt.bin` }),
      Deno.errors.NotFound,
    );
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["blocked.bin", "ckpt.bin"], "a temporary file was left behind");
    assert.deepEqual(await Deno.readFile(file), first);
    // new weights, saved over the old file: the file is the new checkpoint, complete
    learn.model.parameters()[0]!.write(
      new Float32Array(learn.model.parameters()[0]!.size).fill(0.5),
    );
    await learn.save("c", { path: file });
    const second = await Deno.readFile(file);
    assert.notDeepEqual(second, first);
    await learn.load("c", { path: file });
    assert.ok((await learn.model.parameters()[0]!.data()).every((v) => v === 0.5));
    learn.dispose();
  });
});
