/**
 * Private: the command line of `examples/lr_find.ts` (`deno task lrfind`), parsed by `node:util`
 * `parseArgs` into {@linkcode LrFindArgs}, or a {@linkcode UsageError}.
 * @module
 */

import { parseArgs } from "node:util";
import { MODEL_NAMES, type ModelName } from "./_models.ts";
import { numberFlag, UsageError, usageFrom } from "./_cli.ts";

export { UsageError };

/** Data sets the LR finder can read. */
export const DATASETS = ["fashion-mnist", "cifar10", "folder"] as const;
/** One of {@linkcode DATASETS}. */
export type DatasetName = typeof DATASETS[number];

/** What `parseLrFindArgs` returns (everything defaulted but `path`, `numIt` / `epochs`). */
export interface LrFindArgs {
  dataset: DatasetName;
  /** Data folder (required for `folder`; optional for the others). */
  path?: string;
  model: ModelName;
  startLr: number;
  endLr: number;
  /** Batches to run; undefined when `epochs` is given. */
  numIt?: number;
  epochs?: number;
  linear: boolean;
  bs: number;
  /** SVG file to write. */
  out: string;
}

/** Defaults of the flags. */
export const LR_FIND_DEFAULTS = {
  dataset: "fashion-mnist",
  model: "cnn",
  startLr: 1e-7,
  endLr: 10,
  numIt: 100,
  bs: 64,
  out: "out/lr_find.svg",
} as const;

/** The `--help` text. */
export const LR_FIND_USAGE = `Usage: deno task lrfind [flags]
       deno run -A examples/lr_find.ts [flags]

Runs the LR finder (one EXPONENTIAL or LINEAR TrainingPhase with stopDiv, model restored after),
prints the suggested learning rates (valley, steep, minimum) and writes the loss/lr plot as SVG.

Flags:
  --dataset NAME   fashion-mnist | cifar10 | folder (default ${LR_FIND_DEFAULTS.dataset})
  --path DIR       data folder: Fashion-MNIST IDX files, CIFAR-10 binary batches, or an image
                   folder with train/ and valid/ class sub-folders (required for folder)
  --model NAME     simplenet | shallowconv | resnet | cnn (default ${LR_FIND_DEFAULTS.model})
  --start-lr X     first learning rate, > 0 (default ${LR_FIND_DEFAULTS.startLr})
  --end-lr X       last learning rate, > start-lr (default ${LR_FIND_DEFAULTS.endLr})
  --num-it N       batches to run, >= 2 (default ${LR_FIND_DEFAULTS.numIt})
  --epochs X       length in epochs instead of --num-it (e.g. 0.25)
  --linear         linear lr steps and a linear lr axis (default: exponential, log axis)
  --bs N           batch size (default ${LR_FIND_DEFAULTS.bs})
  --out FILE       SVG file to write (default ${LR_FIND_DEFAULTS.out})
  -h, --help       show this help`;

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${flag}: expected one of ${allowed.join(", ")}, got '${v}'`);
  }
  return v as T;
}

/**
 * Parses the LR finder's flags. Returns `"help"` for `--help`/`-h`; throws {@linkcode UsageError}
 * for an unknown flag, a missing or non-numeric value, `start-lr >= end-lr`, both `--num-it` and
 * `--epochs`, or `--dataset folder` without `--path`.
 *
 * @example
 * ```ts ignore
 * parseLrFindArgs(["--model", "resnet", "--start-lr", "1e-5", "--end-lr", "1"]);
 * ```
 */
export function parseLrFindArgs(argv: string[]): LrFindArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        dataset: { type: "string" },
        path: { type: "string" },
        model: { type: "string" },
        "start-lr": { type: "string" },
        "end-lr": { type: "string" },
        "num-it": { type: "string" },
        epochs: { type: "string" },
        linear: { type: "boolean" },
        bs: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    usageFrom(e);
  }
  if (values.help) return "help";
  const dataset = oneOf("dataset", values.dataset ?? LR_FIND_DEFAULTS.dataset, DATASETS);
  const model = oneOf("model", values.model ?? LR_FIND_DEFAULTS.model, MODEL_NAMES);
  const startLr = numberFlag("start-lr", values["start-lr"], { min: 0, exclusiveMin: true }) ??
    LR_FIND_DEFAULTS.startLr;
  const endLr = numberFlag("end-lr", values["end-lr"], { min: 0, exclusiveMin: true }) ??
    LR_FIND_DEFAULTS.endLr;
  if (startLr >= endLr) {
    throw new UsageError(
      `--start-lr must be below --end-lr, got start-lr ${startLr} >= end-lr ${endLr}`,
    );
  }
  if (values["num-it"] !== undefined && values.epochs !== undefined) {
    throw new UsageError("give --num-it or --epochs, not both");
  }
  const epochs = numberFlag("epochs", values.epochs, { min: 0, exclusiveMin: true });
  const numIt = epochs !== undefined
    ? undefined
    : numberFlag("num-it", values["num-it"], { integer: true, min: 2 }) ?? LR_FIND_DEFAULTS.numIt;
  const bs = numberFlag("bs", values.bs, { integer: true, min: 1 }) ?? LR_FIND_DEFAULTS.bs;
  if (dataset === "folder" && !values.path) {
    throw new UsageError("--dataset folder needs --path DIR (with train/ and valid/ sub-folders)");
  }
  if (values.path === "") throw new UsageError("--path: expected a folder, got ''");
  if (values.out === "") throw new UsageError("--out: expected a file name, got ''");
  return {
    dataset,
    path: values.path,
    model,
    startLr,
    endLr,
    numIt,
    epochs,
    linear: values.linear ?? false,
    bs,
    out: values.out ?? LR_FIND_DEFAULTS.out,
  };
}
