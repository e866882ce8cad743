/**
 * The example CLIs never end in an uncaught exception: a bad command line exits 2 with one
 * `error:` line (and the usage), a failure while running (missing data set, unwritable `--out`, no
 * GPU) exits 1 with one `error:` line and no stack trace, and the output folder is checked before
 * any training. Numeric flags are decimal only.
 */
import assert from "node:assert/strict";
import { parseLrFindArgs, UsageError } from "../examples/_lr_find_args.ts";
import { parseOneCycleArgs } from "../examples/one_cycle.ts";
import { parseTourArgs } from "../examples/training_phase.ts";

const EXAMPLES = new URL("../examples/", import.meta.url);

async function run(script: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, EXAMPLES).pathname, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** stderr is exactly one `error: ...` line matching `re` (no stack trace, no usage). */
function oneErrorLine(stderr: string, re: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(stderr, /\n\s+at |Uncaught|\.ts:\d+:\d+/);
}

/** Four tiny IDX files of `n` images of 28 x 28 (a Fashion-MNIST folder for `--data`). */
async function tinyIdx(dir: string, n = 8): Promise<void> {
  const be = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
  const images = new Uint8Array([
    ...be(0x803),
    ...be(n),
    ...be(28),
    ...be(28),
    ...new Uint8Array(n * 784),
  ]);
  const labels = new Uint8Array([
    ...be(0x801),
    ...be(n),
    ...Array.from({ length: n }, (_, i) => i % 10),
  ]);
  await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, images);
  await Deno.writeFile(`${dir}/train-labels-idx1-ubyte`, labels);
  await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte`, images);
  await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, labels);
}

Deno.test("numeric flags take decimal numbers only", () => {
  for (
    const bad of ["0x10", "0b11", "0o7", "1_000", "Infinity", "1e", ".", "+", " 5", "5 ", "1,5"]
  ) {
    assert.throws(
      () => parseLrFindArgs(["--num-it", bad]),
      (e: Error) =>
        e instanceof UsageError && e.message === `--num-it: expected an integer, got '${bad}'`,
      bad,
    );
    assert.throws(() => parseOneCycleArgs(["--lr", bad]), /--lr: expected a number, got/, bad);
    assert.throws(() => parseTourArgs(["--subset", bad]), UsageError, bad);
  }
  for (const [text, v] of [["16", 16], ["+16", 16], ["1.6e1", 16], ["160e-1", 16]] as const) {
    assert.equal((parseLrFindArgs(["--num-it", text]) as { numIt: number }).numIt, v, text);
  }
  for (const [text, v] of [[".5", 0.5], ["0.5", 0.5], ["5.", 5], ["1E-3", 1e-3]] as const) {
    assert.equal((parseOneCycleArgs(["--lr", text]) as { lr: number }).lr, v, text);
  }
});

Deno.test("CLIs: a bad number exits 2 with the error and the usage, nothing else", async () => {
  for (
    const [script, args] of [["lr_find.ts", ["--num-it", "0x10"]], ["one_cycle.ts", [
      "--epochs",
      "0x10",
    ]]] as const
  ) {
    const r = await run(script, [...args]);
    assert.equal(r.code, 2, `${script} ${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^error: --(num-it|epochs): expected an? (integer|number), got '0x10'\n\nUsage:/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

Deno.test("CLIs: an unwritable --out fails with one line, exit 1, before loading data or the GPU", async () => {
  const cases: [string, string[], RegExp][] = [
    [
      "lr_find.ts",
      ["--out", "/etc/hostname/lr.svg"],
      /^error: --out \/etc\/hostname: cannot write there \(/,
    ],
    [
      "lr_find.ts",
      ["--out", "/tmp/"],
      /^error: --out \/tmp\/: expected a file name, got a folder$/,
    ],
    [
      "one_cycle.ts",
      ["--out", "/etc/hostname/run"],
      /^error: --out \/etc\/hostname\/run: cannot write there/,
    ],
    [
      "training_phase.ts",
      ["--out", "/etc/hostname/t"],
      /^error: --out \/etc\/hostname\/t: cannot write there/,
    ],
  ];
  for (const [script, args, re] of cases) {
    const t0 = performance.now();
    // the data flags point nowhere: the --out check must come first
    const r = await run(script, [
      ...args,
      script === "lr_find.ts" ? "--path" : "--data",
      "/nonexistent",
    ]);
    assert.equal(r.code, 1, `${script}: ${r.stderr}`);
    oneErrorLine(r.stderr, re);
    assert.equal(r.stdout, "");
    assert.ok(performance.now() - t0 < 30_000, "the check came after something slow");
  }
});

Deno.test("CLIs: a missing data set fails with one line, exit 1", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const empty = `${tmp}/empty`;
    await Deno.mkdir(empty);
    const cases: [string, string[], RegExp][] = [
      [
        "lr_find.ts",
        ["--dataset", "folder", "--path", "/nonexistent"],
        /^error: --path \/nonexistent: no such folder/,
      ],
      [
        "lr_find.ts",
        ["--dataset", "cifar10", "--path", empty],
        /^error: CIFAR-10 binary batches missing: /,
      ],
      ["lr_find.ts", ["--dataset", "fashion-mnist", "--path", empty], /lacks .*\(plain or \.gz\)$/],
      ["one_cycle.ts", ["--data", "/nonexistent"], /^error: --data \/nonexistent: no such folder/],
      ["one_cycle.ts", ["--data", empty], /lacks .*\(plain or \.gz\)$/],
    ];
    for (const [script, args, re] of cases) {
      const r = await run(script, [...args, "--out", `${tmp}/out/x.svg`]);
      assert.equal(r.code, 1, `${script} ${args.join(" ")}: ${r.stderr}`);
      oneErrorLine(r.stderr, re);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("CLIs: no GPU adapter fails with one line, exit 1", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await tinyIdx(tmp);
    const env = { DENO_WEBGPU_BACKEND: "dx12" }; // a backend Linux does not have: no adapter
    for (
      const [script, args] of [
        ["one_cycle.ts", ["--data", tmp, "--bs", "4", "--epochs", "1", "--out", `${tmp}/o`]],
        ["lr_find.ts", ["--path", tmp, "--bs", "4", "--num-it", "2", "--out", `${tmp}/l.svg`]],
      ] as const
    ) {
      const r = await run(script, [...args], env);
      assert.equal(r.code, 1, `${script}: ${r.stderr}`);
      oneErrorLine(r.stderr, /^error: Cannot find a WebGPU adapter/);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
