/**
 * Private: Deno's Jupyter kernel, found by feature detection, and the two ways tempo shows things
 * there: a plot returned as an {@linkcode SvgPlot}, and a {@linkcode LiveDisplay} (one output with a
 * `display_id`, replaced in place by `update_display_data`).
 *
 * Detection: `globalThis.Deno?.jupyter` exists only inside `deno jupyter` (outside it the getter
 * throws, and other runtimes have no `Deno`), so it is read in a `try`. Nothing here runs, or
 * changes, outside the kernel.
 *
 * Why plots are `String` objects in the kernel (the decision): the kernel renders a cell's last
 * value richly only when it is an OBJECT carrying `Symbol.for("Jupyter.display")` (a primitive
 * string is always shown as quoted text). So `learn.sched.plotLr()` returns, in the kernel only, an
 * `SvgPlot`: a `String` subclass holding the same characters (`.length`, `.includes()`, template
 * literals, `String(p)` and `Deno.writeTextFile` behave as with the string) whose display bundle is
 * `image/svg+xml`. In scripts, tests and browsers the methods keep returning a primitive string
 * (`typeof svg === "string"`). In a notebook, `String(svg)` gives the primitive.
 *
 * Kernel quirk (Deno 2.9, measured under load: about 1 cell result in 6 lost): the kernel sends a
 * cell's `execute_result` so late that it can reach the frontend after the cell's `idle` status,
 * and Jupyter's executor (and frontends) then drop it. Messages broadcast while the cell still
 * runs, awaited and followed by one macrotask, arrive in time (0 lost in 60; under heavy load a fit's
 * last table update was lost once in ~20 runs, so `flush` now waits 30 ms). So an `SvgPlot`'s
 * display hook, which the kernel awaits before it replies, broadcasts the image itself as
 * `display_data`, waits for it, and gives the kernel an empty result bundle;
 * {@linkcode LiveDisplay.flush} does the same for the progress bar and the epoch table.
 * @module
 */
import { deno } from "../_platform.ts";

/** A Jupyter MIME bundle: `{ "text/plain": ..., "text/html": ... }`. */
export type MimeBundle = Record<string, string>;

/** The part of `Deno.jupyter` that tempo uses. */
export interface JupyterApi {
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/** The symbol Deno's kernel looks up to display an object (`Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;
/** Deno's `console.log` hook. */
const INSPECT: unique symbol = Symbol.for("Deno.customInspect") as never;

/** `Deno.jupyter` when running inside Deno's Jupyter kernel, else `undefined`. Never throws. */
export function jupyterApi(): JupyterApi | undefined {
  try {
    const j = (deno() as { jupyter?: JupyterApi } | undefined)?.jupyter;
    return j && typeof j.broadcast === "function" ? j : undefined;
  } catch {
    return undefined; // outside `deno jupyter`, reading Deno.jupyter throws
  }
}

/** Whether the code runs inside Deno's Jupyter kernel. */
export function inJupyter(): boolean {
  return jupyterApi() !== undefined;
}

/**
 * An SVG plot that renders as an image when it is the last value of a notebook cell; otherwise the
 * SVG text itself (it is a `String`). Only created inside the Jupyter kernel, see the module docs.
 */
export class SvgPlot extends String {
  #api: JupyterApi | undefined;

  /** The plot `svg`; shown through `api` (`Deno.jupyter`) when given, see the module docs. */
  constructor(svg: string, api?: JupyterApi) {
    super(svg);
    this.#api = api;
  }

  /** The MIME bundle: the image and a one-line text fallback. */
  bundle(): MimeBundle {
    return {
      "image/svg+xml": this.toString(),
      "text/plain": `SvgPlot (${this.length} characters; String(plot) gives the SVG text)`,
    };
  }

  /**
   * The kernel's display hook: with a kernel, sends {@linkcode SvgPlot.bundle} as `display_data`
   * right away and returns an empty bundle (see the module docs); without one, returns the bundle.
   */
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> {
    return this.#api ? displayNow(this.#api, this.bundle()) : this.bundle();
  }

  /** `console.log(plot)` prints the summary line, not the SVG text. */
  [INSPECT](): string {
    return `SvgPlot(${this.length} characters)`;
  }
}

/**
 * The value the plot methods return: the primitive `svg` outside Jupyter, an {@linkcode SvgPlot}
 * inside it (typed `string`: it has every string method; see the module docs for why).
 */
export function plotResult(svg: string, api: JupyterApi | undefined = jupyterApi()): string {
  return api ? new SvgPlot(svg, api) as unknown as string : svg;
}

/** Broadcasts `data` as `display_data` now, waits until it left, and returns an empty bundle. */
export async function displayNow(api: JupyterApi, data: MimeBundle): Promise<MimeBundle> {
  await api.broadcast("display_data", { data, metadata: {}, transient: {} });
  await new Promise((r) => setTimeout(r, 0));
  return {};
}

let nextDisplay = 0;
/** How long {@linkcode LiveDisplay.flush} waits after the last broadcast left. */
const FLUSH_MS = 30;

/**
 * One notebook output replaced in place: the first `show()` broadcasts `display_data` with a
 * `display_id`, the later ones `update_display_data` with the same id. Broadcasts are chained in
 * order; a failed one is reported by `flush()`.
 */
export class LiveDisplay {
  readonly id: string;
  #api: JupyterApi;
  #shown = false;
  #chain: Promise<void> = Promise.resolve();
  #error: unknown = null;

  constructor(api: JupyterApi, kind: string) {
    this.#api = api;
    this.id = `tempo-${kind}-${Date.now().toString(36)}-${nextDisplay++}`;
  }

  /** Whether the first `show()` happened. */
  get shown(): boolean {
    return this.#shown;
  }

  /** Shows `data` (the first time) or replaces what this display shows. Does not wait. */
  show(data: MimeBundle): void {
    const type = this.#shown ? "update_display_data" : "display_data";
    this.#shown = true;
    const content = { data, metadata: {}, transient: { display_id: this.id } };
    this.#chain = this.#chain
      .then(() => this.#api.broadcast(type, content))
      .catch((e) => {
        this.#error ??= e;
      });
  }

  /** Waits until every broadcast is sent, then 30 ms (see the module docs). */
  async flush(): Promise<void> {
    await this.#chain;
    await new Promise((r) => setTimeout(r, FLUSH_MS));
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      throw new Error(`Cannot update the notebook display ${this.id}: ${String(e)}`, { cause: e });
    }
  }
}

/** HTML-escapes `s` for text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
