/**
 * Private: fastai's per-epoch stats table and a tqdm-like progress bar for terminals.
 * @module
 */

import { deno } from "../_platform.ts";

/** Python's `str(round(x, 6))` for the table (integers keep no decimals, NaN prints `nan`). */
export function formatStat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return String(Number(x.toFixed(6)));
}

function center(s: string, width: number): string {
  if (s.length >= width) return s;
  const left = Math.floor((width - s.length) / 2);
  return " ".repeat(left) + s + " ".repeat(width - s.length - left);
}

/**
 * One line of fastai's table: the first cell centred in 10 characters, every other cell left-aligned
 * in 10 after one space (Python's `"{!s:^10}" + " {!s:10}" * n`), trailing spaces trimmed.
 */
export function statsLine(first: string, cells: readonly string[]): string {
  return (center(first, 10) + cells.map((c) => " " + c.padEnd(10)).join("")).trimEnd();
}

/** The header line: `epoch`, `trn_loss`, `val_loss` and the metric names. */
export function statsHeader(metricNames: readonly string[]): string {
  return statsLine("epoch", ["trn_loss", "val_loss", ...metricNames]);
}

/** The row of one epoch. */
export function statsRow(epoch: number, values: readonly number[]): string {
  return statsLine(String(epoch), values.map(formatStat));
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const mm = String(Math.floor(s / 60) % 60).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The bar's text after `elapsed` seconds: `18%|███▍      | 137/782 [00:03<00:14, 45.64it/s, loss=17]`
 * (tqdm's layout; the Jupyter progress display shows it too).
 */
export function barText(done: number, total: number, elapsed: number, loss: number): string {
  const rate = done / Math.max(elapsed, 1e-9);
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const width = 20, eighths = Math.floor(frac * width * 8);
  const full = Math.floor(eighths / 8), part = eighths % 8;
  const bar = "█".repeat(full) + (part ? " ▏▎▍▌▋▊▉"[part] : "") +
    " ".repeat(width - full - (part ? 1 : 0));
  const remaining = (total - done) / rate;
  const l = Number.isFinite(loss) ? Number(loss.toPrecision(3)) : loss;
  return `${String(Math.floor(frac * 100)).padStart(3)}%|${bar}| ${done}/${total} [${
    clock(elapsed)
  }<${clock(remaining)}, ${rate.toFixed(2)}it/s, loss=${l}]`;
}

/**
 * A one-line progress bar, `18%|███▍      | 137/782 [00:03<00:14, 45.64it/s, loss=17]`. On a
 * terminal (`tty`) it is redrawn in place at most every 100 ms with `\r`; elsewhere (a pipe, a log
 * file) it writes plain lines instead, one at each quarter of a pass, with no control characters.
 * Disabled, it does nothing.
 */
export class ProgressBar {
  readonly enabled: boolean;
  /** Redrawn in place (terminal) or written as plain lines. */
  readonly tty: boolean;
  #write: (s: string) => void;
  #total = 0;
  #t0 = 0;
  #last = 0;
  #shown = false;
  #quarter = 0;
  #done = 0;
  #loss = NaN;
  #printed = -1;

  constructor(enabled: boolean, write?: (s: string) => void, tty?: boolean) {
    this.enabled = enabled;
    const enc = new TextEncoder();
    this.#write = write ?? ((s) => deno()?.stdout.writeSync(enc.encode(s)));
    this.tty = tty ?? (write === undefined && (deno()?.stdout.isTerminal() ?? false));
  }

  /** Starts a pass of `total` batches. */
  start(total: number): void {
    this.#total = total;
    this.#t0 = performance.now();
    this.#last = 0;
    this.#quarter = 0;
    this.#printed = -1;
  }

  /** Shows `done` batches done and the smoothed loss (redraws at most every 100 ms). */
  update(done: number, loss: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    this.#done = done;
    this.#loss = loss;
    if (!this.tty) {
      const q = this.#total > 0 ? Math.floor((4 * done) / this.#total) : 4;
      if (force || q > this.#quarter) this.#line(now);
      this.#quarter = Math.max(this.#quarter, q);
      return;
    }
    if (!force && now - this.#last < 100 && done < this.#total) return;
    this.#last = now;
    this.#write(`\r${barText(done, this.#total, (now - this.#t0) / 1000, loss)}`);
    this.#shown = true;
  }

  /** Ends the line: cleared (before a table row) or kept with a newline (after a stop). */
  end(keep = false): void {
    if (!this.enabled) return;
    if (!this.tty) {
      if (keep && this.#printed !== this.#done) this.#line(performance.now());
      return;
    }
    if (!this.#shown) return;
    this.#write(keep ? "\n" : "\r\x1b[K");
    this.#shown = false;
  }

  #line(now: number): void {
    this.#write(`${barText(this.#done, this.#total, (now - this.#t0) / 1000, this.#loss)}\n`);
    this.#printed = this.#done;
  }
}
