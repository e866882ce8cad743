/**
 * Reverse-mode autograd on a tape. Each op that sees an input with `requiresGrad` records a `Node` on its
 * output: the inputs, the tensors its backward needs (kept alive by a refcount even when `tidy()` frees the
 * forward's temporaries), and the backward closure, written beside the forward in `ops/`.
 * `backward()` walks the graph once in reverse topological order, accumulates leaf gradients in place,
 * and frees every node's saved tensors.
 * @module
 */
import { Tensor } from "./tensor.ts";
import { tidy, untrack } from "./scope.ts";
import { accumulate, add, copy, copyInto, onesScalar } from "./ops/_accumulate.ts";

/** One recorded op: its inputs, saved tensors and vector-Jacobian product. */
export interface Node {
  /** Name of the op that produced the output (used in error messages). */
  readonly op: string;
  /** The op's inputs, in order; `backward` returns one gradient per input. */
  readonly inputs: readonly Tensor[];
  /** Retained views of the tensors the backward needs; disposed (and emptied) after `backward()`. */
  saved: Tensor[];
  /**
   * Gradients w.r.t. each input (null where none flows), given the output's gradient. `dests[k]`,
   * when set, is the zeroed `.grad` of input k (a leaf reached by this edge only): a backward may
   * write input k's gradient straight into it and return it, which saves a copy.
   */
  backward(grad: Tensor, dests?: readonly (Tensor | undefined)[]): (Tensor | null)[];
}

let gradDepth = 0;

/** Whether ops currently record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradDepth === 0;
}

/**
 * Runs `fn` without recording the graph (evaluation, optimizer updates).
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "./mod.ts";
 * await init();
 * const w = randn([3, 2], { requiresGrad: true }), x = randn([4, 3]);
 * const preds = noGrad(() => x.matmul(w)); // or: noGrad(() => model.forward(x))
 * preds.requiresGrad; // false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  gradDepth++;
  try {
    return fn();
  } finally {
    gradDepth--;
  }
}

/** Whether an op on `inputs` must record a node. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  return gradDepth === 0 && inputs.some((t) => t?.requiresGrad);
}

/**
 * @internal Records the op that produced `out`. `saved` tensors are retained views (released after
 * backward); the backward closure must use those, not the originals.
 */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  backward: (
    grad: Tensor,
    saved: readonly Tensor[],
    dests: readonly (Tensor | undefined)[],
  ) => (Tensor | null)[],
): void {
  const kept = saved.map((t) => untrack(t.view(t.shape)));
  out.requiresGrad = true;
  out.node = { op, inputs, saved: kept, backward: (g, dests) => backward(g, kept, dests ?? []) };
}

function release(node: Node): void {
  for (const t of node.saved) t.dispose();
  node.saved = [];
}

/**
 * Backpropagates from `root`: every leaf with `requiresGrad` gets `grad` (accumulated when present).
 * `root` must have one element unless `gradient` (its upstream gradient) is given.
 * @throws {TypeError} For a non-scalar root without `gradient`, or a root not attached to a graph.
 */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!gradient && root.size !== 1) {
    throw new TypeError(
      `Cannot call backward() on a tensor of shape [${root.shape}] without a gradient: ` +
        "expected a single-element tensor (a loss) or backward(gradient)",
    );
  }
  if (gradient && gradient.shape.join() !== root.shape.join()) {
    throw new TypeError(
      `Cannot backward() with a gradient of shape [${gradient.shape}] for a tensor of shape [${root.shape}]`,
    );
  }
  if (!root.requiresGrad) {
    throw new TypeError("Cannot call backward() on a tensor that does not require grad");
  }
  // Topological order of the tensors that lead to root, and the number of edges into each.
  const order: Tensor[] = [];
  const seen = new Set<number>();
  const fanIn = new Map<number, number>();
  const visit = (t: Tensor) => {
    const stack: [Tensor, number][] = [[t, 0]];
    seen.add(t.id);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [u, i] = top;
      const inputs = u.node?.inputs ?? [];
      if (i < inputs.length) {
        top[1]++;
        const v = inputs[i]!;
        if (v.requiresGrad) fanIn.set(v.id, (fanIn.get(v.id) ?? 0) + 1);
        if (v.requiresGrad && !seen.has(v.id)) {
          seen.add(v.id);
          stack.push([v, 0]);
        }
      } else {
        order.push(u);
        stack.pop();
      }
    }
  };
  visit(root);

  tidy(() => {
    const grads = new Map<number, Tensor>();
    // Leaves whose zeroed .grad a backward wrote in place (nothing left to do for them).
    const written = new Set<number>();
    grads.set(root.id, gradient ?? onesScalar(root.shape));
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t.id);
      grads.delete(t.id);
      if (!g) continue;
      const node = t.node;
      if (!node) {
        if (written.has(t.id)) continue;
        // A leaf: a zeroed (optimizer zeroGrad) .grad is overwritten, an existing one accumulates
        // in place. A new .grad is a copy, since gradients of different inputs may share storage.
        const { grad: cur, zero } = t.gradState();
        if (cur && zero) {
          copyInto(cur, g);
          t.gradWritten();
        } else if (cur) accumulate(cur, g);
        else t.grad = untrack(copy(g));
        continue;
      }
      const dests = node.inputs.map((inp) => {
        if (inp.node || !inp.requiresGrad || fanIn.get(inp.id) !== 1) return undefined;
        const { grad: cur, zero } = inp.gradState();
        return zero && cur && cur.size === inp.size ? cur : undefined;
      });
      const gs = node.backward(g, dests);
      node.inputs.forEach((inp, k) => {
        const gi = gs[k];
        if (gi && gi === dests[k]) {
          inp.gradWritten();
          written.add(inp.id);
          grads.set(inp.id, gi);
          return;
        }
        if (!gi || !inp.requiresGrad) return;
        if (gi.shape.join() !== inp.shape.join()) {
          throw new Error(
            `Internal error: ${node.op} gave a gradient of shape [${gi.shape}] ` +
              `for an input of shape [${inp.shape}]`,
          );
        }
        const prev = grads.get(inp.id);
        grads.set(inp.id, prev ? add(prev, gi) : gi);
      });
      release(node);
      t.node = null;
    }
  });
}

/** Drops the graph behind `t` without backpropagating, freeing the saved tensors. */
export function releaseGraph(t: Tensor): void {
  const stack = [t];
  while (stack.length) {
    const u = stack.pop()!;
    const n = u.node;
    if (!n) continue;
    release(n);
    u.node = null;
    for (const v of n.inputs) stack.push(v);
  }
}

export { Tensor };
