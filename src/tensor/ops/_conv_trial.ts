/**
 * Private: the conv family's trials for `tune()`: the lowerings worth timing for a recorded class
 * (`im2col`, and each direct variant whose grid fits) and one forward convolution of the class's
 * first shapes (its options and bias), the operands made once, no gradient.
 *
 * Not here: the lookup of each convolution (`_conv_tune.ts`), the clock (`../tune.ts`).
 * @module
 */
import { randn } from "../creation.ts";
import { conv2dNow } from "./conv.ts";
import { CONV, CONV_VARIANTS, cpiOf, directFits, pxOf } from "./_conv_tune.ts";

CONV.trials = {
  candidates: (s) =>
    CONV_VARIANTS.filter((v) => v === "im2col" || directFits(s.geo, cpiOf(v), pxOf(v))),
  prepare(s) {
    const x = randn([...s.x], { seed: 31 }), w = randn([...s.w], { seed: 32 });
    const b = s.bias ? randn([s.w[0]!], { seed: 33 }) : null;
    const g = s.geo, macs = g.n * g.co * g.ho * g.wo * (g.c / g.groups) * g.kh * g.kw;
    return {
      // about 2^28 multiply-adds a round, 2 to 20 runs
      reps: Math.max(2, Math.min(20, Math.round(2 ** 28 / Math.max(1, macs)))),
      run: (v) => CONV.with(v, () => conv2dNow(x, w, b, s.opts)).dispose(),
      dispose: () => {
        for (const t of [x, w, b]) t?.dispose();
      },
    };
  },
};
