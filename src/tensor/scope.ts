/**
 * `tidy(fn)`: every tensor created while `fn` runs is disposed when it returns, except the ones it returns
 * (in an array or object too) and the ones passed to `keep()`. Scopes nest.
 * @module
 */
import type { Tensor } from "./tensor.ts";

const stack: Set<Tensor>[] = [];

/** @internal Registers a new tensor in the innermost scope. */
export function track(t: Tensor): void {
  stack[stack.length - 1]?.add(t);
}

/** @internal Removes a just-created tensor from every scope: its owner disposes it. */
export function untrack<T extends Tensor>(t: T): T {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.delete(t)) break;
  return t;
}

/** Keeps `t` alive past the innermost `tidy()` (it moves to the enclosing scope, if any). */
export function keep<T extends Tensor>(t: T): T {
  const top = stack[stack.length - 1];
  if (top?.delete(t)) stack[stack.length - 2]?.add(t);
  return t;
}

function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== "object") return;
  if ((value as Tensor).shape !== undefined && typeof (value as Tensor).dispose === "function") {
    out.add(value as Tensor);
    return;
  }
  const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const v of items) collect(v, out, depth + 1);
}

/**
 * Runs `fn` and disposes every tensor it created but does not return.
 *
 * @example Usage
 * ```ts
 * import { init, tensor } from "./mod.ts";
 * await init();
 * const x = tensor([1, 2, 3]);
 * const y = tidy(() => x.mul(2).add(1)); // the x.mul(2) temporary is freed
 * await y.data(); // Float32Array [3, 5, 7]
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    stack.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  stack.pop();
  if (result instanceof Promise) {
    throw new TypeError("Cannot tidy() an async function: its tensors would be freed while in use");
  }
  const kept = new Set<Tensor>();
  collect(result, kept);
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
