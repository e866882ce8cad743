/**
 * The examples' command lines: every error of `parseLrFindArgs` (and of the other two parsers),
 * the `--help` texts, and the CLI's exit codes (no data set and no GPU work needed).
 */
import assert from "node:assert/strict";
import {
  LR_FIND_DEFAULTS,
  LR_FIND_USAGE,
  type LrFindArgs,
  parseLrFindArgs,
  UsageError,
} from "../examples/_lr_find_args.ts";
import { ONE_CYCLE_USAGE, parseOneCycleArgs } from "../examples/one_cycle.ts";
import { parseTourArgs, TOUR_USAGE } from "../examples/training_phase.ts";

const ok = (argv: string[]): LrFindArgs => {
  const a = parseLrFindArgs(argv);
  assert.notEqual(a, "help");
  return a as LrFindArgs;
};

Deno.test("lr_find args: defaults", () => {
  assert.deepEqual(ok([]), {
    dataset: "fashion-mnist",
    path: undefined,
    model: "cnn",
    startLr: 1e-7,
    endLr: 10,
    numIt: 100,
    epochs: undefined,
    linear: false,
    bs: 64,
    out: "out/lr_find.svg",
  });
});

Deno.test("lr_find args: every flag", () => {
  assert.deepEqual(
    ok([
      "--dataset=cifar10",
      "--path",
      "/data/c10",
      "--model",
      "resnet",
      "--start-lr",
      "1e-5",
      "--end-lr=1",
      "--epochs",
      "0.25",
      "--linear",
      "--bs",
      "32",
      "--out",
      "x/y.svg",
    ]),
    {
      dataset: "cifar10",
      path: "/data/c10",
      model: "resnet",
      startLr: 1e-5,
      endLr: 1,
      numIt: undefined,
      epochs: 0.25,
      linear: true,
      bs: 32,
      out: "x/y.svg",
    },
  );
  assert.equal(ok(["--num-it", "50"]).numIt, 50);
  assert.equal(ok(["--dataset", "folder", "--path", "imgs"]).dataset, "folder");
  for (const m of ["simplenet", "shallowconv", "resnet", "cnn"]) {
    assert.equal(ok(["--model", m]).model, m);
  }
});

Deno.test("lr_find args: --help and -h", () => {
  assert.equal(parseLrFindArgs(["--help"]), "help");
  assert.equal(parseLrFindArgs(["-h"]), "help");
  for (
    const flag of [
      "--dataset",
      "fashion-mnist",
      "cifar10",
      "folder",
      "--path",
      "--model",
      "simplenet",
      "shallowconv",
      "resnet",
      "cnn",
      "--start-lr",
      "--end-lr",
      "--num-it",
      "--epochs",
      "--linear",
      "--bs",
      "--out",
      LR_FIND_DEFAULTS.out,
      "--help",
    ]
  ) {
    assert.ok(LR_FIND_USAGE.includes(flag), `usage lacks ${flag}`);
  }
});

Deno.test("lr_find args: every error is a UsageError with a one-line message", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /bogus/],
    [["positional"], /positional|argument/i],
    [["--start-lr"], /start-lr/],
    [["--start-lr", "abc"], /--start-lr: expected a number, got 'abc'/],
    [["--end-lr", "1e-3x"], /--end-lr: expected a number/],
    [["--start-lr", "0"], /--start-lr: expected a number > 0/],
    [["--start-lr=-1"], /--start-lr: expected a number > 0/],
    [["--start-lr", "-1"], /ambiguous.*--start-lr=-XYZ/],
    [["--start-lr", "Infinity"], /--start-lr: expected a number/],
    [["--start-lr", "1", "--end-lr", "1"], /start-lr 1 >= end-lr 1/],
    [["--start-lr", "20"], /start-lr 20 >= end-lr 10/],
    [["--num-it", "10", "--epochs", "1"], /--num-it or --epochs, not both/],
    [["--num-it", "1"], /--num-it: expected an integer >= 2/],
    [["--num-it", "2.5"], /--num-it: expected an integer/],
    [["--epochs", "0"], /--epochs: expected a number > 0/],
    [["--bs", "0"], /--bs: expected an integer >= 1/],
    [["--bs", "x"], /--bs: expected an integer/],
    [["--dataset", "mnist"], /--dataset: expected one of fashion-mnist, cifar10, folder/],
    [["--model", "vgg"], /--model: expected one of simplenet, shallowconv, resnet, cnn/],
    [["--dataset", "folder"], /--dataset folder needs --path/],
    [["--linear=yes"], /linear/],
    [["--out", ""], /--out/],
  ];
  for (const [argv, re] of cases) {
    assert.throws(() => parseLrFindArgs(argv), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${argv.join(" ")}: ${e}`);
      assert.match(e.message, re, argv.join(" "));
      assert.ok(!e.message.includes("\n"), `multi-line message for ${argv.join(" ")}`);
      return true;
    });
  }
});

Deno.test("one_cycle and training_phase args", () => {
  assert.deepEqual(parseOneCycleArgs([]), {
    epochs: 3,
    bs: 128,
    lr: 0.1,
    out: "out/one_cycle",
    data: undefined,
  });
  assert.deepEqual(
    parseOneCycleArgs([
      "--epochs",
      "3",
      "--bs",
      "256",
      "--lr",
      "0.05",
      "--out",
      "o",
      "--data",
      "d",
    ]),
    { epochs: 3, bs: 256, lr: 0.05, out: "o", data: "d" },
  );
  assert.equal(parseOneCycleArgs(["--help"]), "help");
  for (const f of ["--epochs", "--bs", "--lr", "--out", "--data", "--help"]) {
    assert.ok(ONE_CYCLE_USAGE.includes(f), f);
  }
  for (const argv of [["--lr", "x"], ["--epochs", "0"], ["--bs", "1.5"], ["--nope"]]) {
    assert.throws(() => parseOneCycleArgs(argv), UsageError, argv.join(" "));
  }
  assert.deepEqual(parseTourArgs([]), { out: "out/training_phase", subset: 3000, data: undefined });
  assert.deepEqual(parseTourArgs(["--subset", "500", "--out", "t", "--data", "d"]), {
    out: "t",
    subset: 500,
    data: "d",
  });
  assert.equal(parseTourArgs(["-h"]), "help");
  for (const f of ["--out", "--subset", "--data", "--help"]) assert.ok(TOUR_USAGE.includes(f), f);
  for (const argv of [["--subset", "10"], ["--subset", "many"], ["--x"]]) {
    assert.throws(() => parseTourArgs(argv), UsageError, argv.join(" "));
  }
});

async function cli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../examples/lr_find.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("lr_find CLI: bad flags exit 2 with one error line and the usage on stderr", async () => {
  for (
    const [args, re] of [
      [["--start-lr", "abc"], /^error: --start-lr: expected a number, got 'abc'\n\nUsage:/],
      [["--start-lr", "1", "--end-lr", "0.1"], /^error: --start-lr must be below --end-lr/],
      [["--frobnicate"], /^error: .*frobnicate.*\n\nUsage:/],
    ] as [string[], RegExp][]
  ) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "");
    assert.match(r.stderr, re);
    assert.ok(r.stderr.includes(LR_FIND_USAGE));
  }
  const h = await cli(["--help"]);
  assert.equal(h.code, 0);
  assert.equal(h.stdout.trim(), LR_FIND_USAGE);
});
