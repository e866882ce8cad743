/**
 * Private: dispatching a row kernel (softmax, its backward, the loss rows), whole or over slabs of rows
 * when a buffer is too big for one binding.
 * @module
 */
import { device, type PooledBuffer } from "../device.ts";
import type { Tensor } from "../tensor.ts";
import { grid1d } from "./_launch.ts";
import { fitsWhole } from "./_chunk.ts";
import { forRowSlabs } from "./_slabs.ts";

function buffersOf(ts: Record<string, Tensor>): Record<string, PooledBuffer> {
  const out: Record<string, PooledBuffer> = {};
  for (const k in ts) out[k] = ts[k]!.buffer;
  return out;
}

/**
 * Dispatches a row kernel (softmax, its backward, the loss rows) over `n` threads, or, when a buffer is
 * too big for one binding, over slabs of the `outer` rows (`u32` uniform `[outer, ...rest]`, bound as
 * `P`). `order` names the kernel's bindings: the input and output tensors (or their slabs) by the
 * binding names of the WGSL.
 */
export function rowDispatch(
  entry: {
    name: "softmax" | "softmax_backward" | "nll_loss";
    k: Record<string, number>;
    e?: string;
  },
  p: Uint32Array,
  ins: { t: Tensor | null; rowElems: number }[],
  outs: { t: Tensor; rowElems: number }[],
  order: (ins: (Tensor | null)[], outs: Tensor[]) => Record<string, Tensor>,
  threadsPerRow: number,
  what: string,
): void {
  const d = device();
  const kernel = d.kernel(entry.name, entry.k, entry.e);
  const rows = p[0]!;
  const real = ins.filter((o) => o.t) as { t: Tensor; rowElems: number }[];
  if (fitsWhole(...real.map((o) => o.t.buffer), ...outs.map((o) => o.t.buffer))) {
    const bufs = buffersOf(order(ins.map((o) => o.t), outs.map((o) => o.t)));
    bufs.P = d.uniform(p.buffer);
    d.dispatch(
      kernel,
      bufs,
      grid1d(rows * threadsPerRow, 64),
      () => what,
    );
    return;
  }
  const shapeOf = (k: number, n: number) => {
    const o = k < real.length ? real[k]! : outs[k - real.length]!;
    return [n * o.rowElems];
  };
  forRowSlabs(rows, real, outs, shapeOf, (si, so) => {
    const q = Uint32Array.from(p);
    q[0] = si[0]!.size / real[0]!.rowElems;
    let j = 0;
    const sIns = ins.map((o) => (o.t ? si[j++]! : null));
    const bufs = buffersOf(order(sIns, so));
    bufs.P = d.uniform(q.buffer);
    d.dispatch(
      kernel,
      bufs,
      grid1d(q[0]! * threadsPerRow, 64),
      () => what,
    );
  }, what);
}
