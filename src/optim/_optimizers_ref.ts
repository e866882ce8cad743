/**
 * The CPU twin of the optimizers (`sgd.ts`, `adam.ts`, `rmsprop.ts`; kernels `shaders/{sgd,adam,rmsprop}.wgsl`),
 * written from
 * PyTorch 1.13's update rules, and a float64 forward/backward of the `fixtures/optim.json` model. Tests only.
 * @module
 */
import type { GroupHypers } from "./hypers.ts";

/** Per-parameter state of the reference, by PyTorch name. */
export type RefState = Record<string, Float64Array>;

/** Switches of the update rules that are fixed at construction. */
export interface RefOptions {
  kind: "sgd" | "adam" | "rmsprop";
  dampening?: number;
  nesterov?: boolean;
  amsgrad?: boolean;
  centered?: boolean;
}

/**
 * One update of `p` in place, in float64 (`f = Math.fround` rounds every intermediate to float32 like the
 * kernel when given). `t` is the parameter's 1-based step; `bufStarted` whether SGD's buffer exists.
 */
export function refStep(
  o: RefOptions,
  h: GroupHypers,
  t: number,
  p: Float64Array,
  grad: ArrayLike<number>,
  s: RefState,
  f: (x: number) => number = (x) => x,
): void {
  const n = p.length;
  const z = () => new Float64Array(n);
  const decay = f(h.decoupledWd ? 1 - h.lr * h.weightDecay : 1);
  const first = o.kind === "sgd" && h.momentum !== 0 && !s.momentum_buffer;
  if (first) s.momentum_buffer = z();
  for (let i = 0; i < n; i++) {
    let g = grad[i]!, x = p[i]!;
    if (h.decoupledWd) x = f(x * decay);
    else if (h.weightDecay !== 0) g = f(g + f(f(h.weightDecay) * x));
    if (o.kind === "sgd") {
      if (h.momentum !== 0) {
        const buf = s.momentum_buffer!;
        const b = first ? g : f(f(buf[i]! * f(h.momentum)) + f(f(1 - (o.dampening ?? 0)) * g));
        buf[i] = b;
        g = o.nesterov ? f(g + f(f(h.momentum) * b)) : b;
      }
      p[i] = f(x - f(f(h.lr) * g));
    } else if (o.kind === "adam") {
      const m = s.exp_avg ??= z(), v = s.exp_avg_sq ??= z();
      m[i] = f(f(m[i]! * f(h.momentum)) + f(f(1 - h.momentum) * g));
      v[i] = f(f(v[i]! * f(h.beta)) + f(f(f(1 - h.beta) * g) * g));
      let vv = v[i]!;
      if (o.amsgrad) {
        const vm = s.max_exp_avg_sq ??= z();
        vv = vm[i] = Math.max(vm[i]!, vv);
      }
      const bc1 = 1 - h.momentum ** t, bc2 = 1 - h.beta ** t;
      const denom = f(f(f(Math.sqrt(vv)) / f(Math.sqrt(bc2))) + f(h.eps));
      p[i] = f(x - f(f(h.lr / bc1) * f(m[i]! / denom)));
    } else {
      const v = s.square_avg ??= z();
      const a = f(h.beta), oma = f(1 - h.beta);
      v[i] = f(f(v[i]! * a) + f(f(oma * g) * g));
      let avg: number;
      if (o.centered) {
        const ga = s.grad_avg ??= z();
        ga[i] = f(f(ga[i]! * a) + f(oma * g));
        avg = f(f(Math.sqrt(f(v[i]! - f(ga[i]! * ga[i]!)))) + f(h.eps));
      } else {
        avg = f(f(Math.sqrt(v[i]!)) + f(h.eps));
      }
      if (h.momentum > 0) {
        const b = s.momentum_buffer ??= z();
        b[i] = f(f(b[i]! * f(h.momentum)) + f(g / avg));
        p[i] = f(x - f(f(h.lr) * b[i]!));
      } else {
        p[i] = f(x - f(f(h.lr) * f(g / avg)));
      }
    }
  }
}

/**
 * Loss and gradients of `cross_entropy(W2 relu(W1 x + b1) + b2, y)` (mean) in float64, for the optim
 * fixture model (`0.weight` [4,5], `0.bias`, `2.weight` [3,4], `2.bias`).
 */
export function mlpGrads(
  w: Record<string, Float64Array>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dims = { n: 8, i: 5, h: 4, o: 3 },
): { loss: number; grads: Record<string, Float64Array> } {
  const { n, i: ni, h: nh, o: no } = dims;
  const W1 = w["0.weight"]!, b1 = w["0.bias"]!, W2 = w["2.weight"]!, b2 = w["2.bias"]!;
  const g = {
    "0.weight": new Float64Array(nh * ni),
    "0.bias": new Float64Array(nh),
    "2.weight": new Float64Array(no * nh),
    "2.bias": new Float64Array(no),
  };
  let loss = 0;
  for (let r = 0; r < n; r++) {
    const h = new Float64Array(nh);
    for (let j = 0; j < nh; j++) {
      let s = b1[j]!;
      for (let k = 0; k < ni; k++) s += W1[j * ni + k]! * x[r * ni + k]!;
      h[j] = Math.max(0, s);
    }
    const z = new Float64Array(no);
    for (let c = 0; c < no; c++) {
      let s = b2[c]!;
      for (let j = 0; j < nh; j++) s += W2[c * nh + j]! * h[j]!;
      z[c] = s;
    }
    const mx = Math.max(...z);
    let se = 0;
    for (const v of z) se += Math.exp(v - mx);
    const lse = mx + Math.log(se);
    loss += (lse - z[y[r]!]!) / n;
    const dz = z.map((v, c) => (Math.exp(v - lse) - (c === y[r] ? 1 : 0)) / n);
    const dh = new Float64Array(nh);
    for (let c = 0; c < no; c++) {
      g["2.bias"][c]! += dz[c]!;
      for (let j = 0; j < nh; j++) {
        g["2.weight"][c * nh + j]! += dz[c]! * h[j]!;
        dh[j]! += dz[c]! * W2[c * nh + j]!;
      }
    }
    for (let j = 0; j < nh; j++) {
      if (h[j]! <= 0) continue;
      g["0.bias"][j]! += dh[j]!;
      for (let k = 0; k < ni; k++) g["0.weight"][j * ni + k]! += dh[j]! * x[r * ni + k]!;
    }
  }
  return { loss, grads: g };
}
