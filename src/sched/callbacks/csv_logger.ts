/**
 * `CSVLogger`: fastai's callback — the epoch table as a CSV file (`epoch,trn_loss,val_loss,<metrics>,
 * time`), rewritten atomically after every epoch, so the file is complete whenever the fit stops.
 * @module
 */
import { writeBytesAtomic } from "../../io/_files.ts";
import { checkOptions } from "../../_options.ts";
import type { Callback, FitContext } from "../callback.ts";
import { CSV_LOGGER_SPEC } from "./_specs.ts";

/** Options of {@linkcode CSVLogger}. */
export interface CsvLoggerOptions {
  /** The CSV file. */
  path: string | URL;
}

function cell(x: number): string {
  return Number.isNaN(x) ? "nan" : Number.isFinite(x) ? String(x) : x > 0 ? "inf" : "-inf";
}

/**
 * Writes one CSV row per epoch.
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, { callbacks: [new CSVLogger({ path: "history.csv" })] });
 * ```
 */
export class CSVLogger implements Callback {
  /** After the validation and the recorder. */
  readonly order: number = 80;
  /** The CSV file. */
  readonly path: string | URL;
  /** The lines written (header first). */
  readonly lines: string[] = [];
  #t0 = 0;

  /**
   * Checks the options.
   * @throws {TypeError} On an unknown option, a wrong kind or no `path`.
   */
  constructor(options: CsvLoggerOptions) {
    checkOptions("CSVLogger", options ?? null, CSV_LOGGER_SPEC);
    if (options.path === undefined) {
      throw new TypeError("Cannot use CSVLogger: expected a path (string or URL), got none");
    }
    this.path = options.path;
  }

  /** Starts a new file. */
  beforeFit(): void {
    this.lines.length = 0;
  }

  /** Times the epoch. */
  beforeEpoch(): void {
    this.#t0 = performance.now();
  }

  /** Appends the epoch's row and rewrites the file. */
  async afterEpoch(ctx: FitContext): Promise<void> {
    const names = Object.keys(ctx.metrics);
    if (this.lines.length === 0) {
      this.lines.push(["epoch", "trn_loss", "val_loss", ...names, "time"].join(","));
    }
    const secs = ((performance.now() - this.#t0) / 1000).toFixed(3);
    this.lines.push(
      [
        ctx.epoch,
        cell(ctx.smoothLoss),
        cell(ctx.valLoss),
        ...names.map((n) => cell(ctx.metrics[n]!)),
        secs,
      ]
        .join(","),
    );
    await writeBytesAtomic(this.path, new TextEncoder().encode(this.lines.join("\n") + "\n"));
  }
}
