/**
 * Private: calls the callbacks of one event, sorted by `order` (stable), from per-event lists made
 * once per fit (an event no callback implements costs nothing).
 * @module
 */

import {
  type Callback,
  CALLBACK_EVENTS,
  type CallbackEvent,
  type FitContext,
  SYNC_EVENTS,
} from "./callback.ts";
import { show } from "./_values.ts";

function nameOf(cb: Callback): string {
  return cb.name ??
    (cb.constructor?.name && cb.constructor !== Object ? cb.constructor.name : "callback");
}

/** Checks the callbacks of a fit: objects whose event keys are functions. */
export function checkCallbacks(cbs: unknown, where: string): Callback[] {
  if (!Array.isArray(cbs)) {
    throw new TypeError(`Cannot use ${where}: expected an array of callbacks, got ${show(cbs)}`);
  }
  cbs.forEach((cb, i) => {
    if (cb === null || typeof cb !== "object") {
      throw new TypeError(`Cannot use ${where}[${i}]: expected a callback object, got ${show(cb)}`);
    }
    for (const e of CALLBACK_EVENTS) {
      const f = (cb as Record<string, unknown>)[e];
      if (f !== undefined && typeof f !== "function") {
        throw new TypeError(
          `Cannot use ${where}[${i}]: expected ${e} to be a function, got ${show(f)}`,
        );
      }
    }
    const order = (cb as Callback).order;
    if (order !== undefined && !(typeof order === "number" && Number.isFinite(order))) {
      throw new TypeError(`Cannot use ${where}[${i}]: expected a finite order, got ${show(order)}`);
    }
  });
  return cbs as Callback[];
}

/** The callbacks of one fit, by event. */
export class Events {
  #lists = new Map<CallbackEvent, Callback[]>();
  readonly all: readonly Callback[];

  constructor(callbacks: readonly Callback[]) {
    const sorted = callbacks.map((cb, i) => ({ cb, i })).sort((a, b) =>
      (a.cb.order ?? 0) - (b.cb.order ?? 0) || a.i - b.i
    ).map((x) => x.cb);
    this.all = sorted;
    for (const e of CALLBACK_EVENTS) {
      const list = sorted.filter((cb) => typeof cb[e] === "function");
      if (list.length) this.#lists.set(e, list);
    }
  }

  /** Runs an event that may be asynchronous. */
  async fire(e: CallbackEvent, ctx: FitContext): Promise<void> {
    const list = this.#lists.get(e);
    if (!list) return;
    for (const cb of list) {
      const r = cb[e]!(ctx);
      if (r !== undefined) await r;
    }
  }

  /** Runs a step event (inside `tidy()`): a callback that returns a promise is a TypeError. */
  fireSync(e: CallbackEvent, ctx: FitContext): void {
    const list = this.#lists.get(e);
    if (!list) return;
    for (const cb of list) {
      const r = cb[e]!(ctx) as unknown;
      if (r !== undefined && typeof (r as Promise<void>)?.then === "function") {
        throw new TypeError(
          `Cannot run ${nameOf(cb)}.${e}: expected a synchronous method (${
            [...SYNC_EVENTS].join(", ")
          } run inside the step's tidy()), got one that returned a promise`,
        );
      }
    }
  }
}
