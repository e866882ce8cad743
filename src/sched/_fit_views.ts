/**
 * Private: where a fit shows its progress bar and its epoch table. In a terminal (or a pipe) the
 * bar is `_progress.ts`'s `\r` line and the table is text lines sent to `log`; in Deno's Jupyter
 * kernel the bar is ONE output updated in place (an HTML `<progress>` with tqdm's text beside it)
 * and the table is ONE HTML `<table>` output that gains a row per epoch. It does not decide the
 * defaults (the learner does) and does not compute anything it shows.
 * @module
 */

import { escapeHtml, type JupyterApi, LiveDisplay } from "./_jupyter.ts";
import { barText, formatStat, ProgressBar, statsHeader, statsRow } from "./_progress.ts";

/** The progress bar of a fit: a pass of `total` batches at a time. */
export interface ProgressView {
  start(total: number): void;
  update(done: number, loss: number, force?: boolean): void;
  /** Ends a pass: before a table row (`keep` false) or after a stop (`keep` true). */
  end(keep?: boolean): void;
}

/** The epoch table of a fit. */
export interface StatsView {
  header(metricNames: readonly string[]): void;
  row(epoch: number, values: readonly number[]): void;
}

/** The bar and the table of one fit, and how to wait until the notebook got everything. */
export interface FitViews {
  bar: ProgressView;
  stats: StatsView;
  /** Resolves when every notebook update is sent (nothing to wait for in a terminal). */
  flush(): Promise<void>;
}

/** How the learner wants the fit shown. */
export interface FitViewOptions {
  /** Deno.jupyter, when the fit runs inside the kernel. */
  jupyter?: JupyterApi;
  /** Text sink of the table; `null` for no text table. */
  log: ((line: string) => void) | null;
  /** In the kernel: an HTML table instead of the text lines (the learner sets it when `log` is the default). */
  htmlTable: boolean;
  /** Show a progress bar. */
  progress: boolean;
}

/** The bar and the table for `o`; see the module docs. */
export function fitViews(o: FitViewOptions): FitViews {
  const waits: { flush(): Promise<void> }[] = [];
  let bar: ProgressView;
  if (o.jupyter && o.progress) {
    const b = new NotebookProgress(o.jupyter);
    waits.push(b);
    bar = b;
  } else {
    bar = new ProgressBar(o.progress);
  }
  let stats: StatsView;
  if (o.jupyter && o.htmlTable) {
    const t = new HtmlStatsTable(o.jupyter);
    waits.push(t);
    stats = t;
  } else {
    const log = o.log;
    stats = {
      header: (names) => log?.(statsHeader(names)),
      row: (epoch, values) => log?.(statsRow(epoch, values)),
    };
  }
  return { bar, stats, flush: async () => void await Promise.all(waits.map((w) => w.flush())) };
}

/**
 * The notebook bar: shown at the first pass, then replaced in place at most every 250 ms and at
 * each pass end, so a whole fit leaves one output (the final state).
 */
export class NotebookProgress implements ProgressView {
  #display: LiveDisplay;
  #total = 0;
  #t0 = 0;
  #last = -Infinity;
  #done = 0;
  #loss = NaN;

  constructor(api: JupyterApi) {
    this.#display = new LiveDisplay(api, "progress");
  }

  /** The display id of the bar's output. */
  get displayId(): string {
    return this.#display.id;
  }

  start(total: number): void {
    this.#total = total;
    this.#t0 = performance.now();
    this.#done = 0;
    this.update(0, this.#loss, true);
  }

  update(done: number, loss: number, force = false): void {
    this.#done = done;
    this.#loss = loss;
    const now = performance.now();
    if (!force && now - this.#last < 250 && done < this.#total) return;
    this.#last = now;
    const text = barText(done, this.#total, (now - this.#t0) / 1000, loss);
    const tail = text.slice(text.indexOf("| ") + 2);
    this.#display.show({
      "text/plain": text,
      "text/html": `<div class="tempo-progress"><progress value="${done}" max="${this.#total}" ` +
        `style="width:20em;vertical-align:middle"></progress> <code>${
          escapeHtml(tail)
        }</code></div>`,
    });
  }

  end(): void {
    if (this.#display.shown) this.update(this.#done, this.#loss, true);
  }

  flush(): Promise<void> {
    return this.#display.flush();
  }
}

/** The notebook epoch table: one output, shown at the first epoch end and grown by a row each. */
export class HtmlStatsTable implements StatsView {
  #display: LiveDisplay;
  #names: readonly string[] = [];
  #rows: { epoch: number; values: readonly number[] }[] = [];

  constructor(api: JupyterApi) {
    this.#display = new LiveDisplay(api, "stats");
  }

  /** The display id of the table's output. */
  get displayId(): string {
    return this.#display.id;
  }

  header(metricNames: readonly string[]): void {
    this.#names = [...metricNames];
  }

  row(epoch: number, values: readonly number[]): void {
    this.#rows.push({ epoch, values: [...values] });
    const cols = ["epoch", "trn_loss", "val_loss", ...this.#names];
    const th = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
    const trs = this.#rows.map((r) =>
      `<tr><td>${r.epoch}</td>${
        r.values.map((v) => `<td>${escapeHtml(formatStat(v))}</td>`).join("")
      }</tr>`
    ).join("");
    const text = [statsHeader(this.#names), ...this.#rows.map((r) => statsRow(r.epoch, r.values))];
    this.#display.show({
      "text/plain": text.join("\n"),
      "text/html": `<table class="tempo-stats" style="text-align:right">` +
        `<thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`,
    });
  }

  flush(): Promise<void> {
    return this.#display.flush();
  }
}
