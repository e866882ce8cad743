/**
 * Private: the reduce family's trials for `tune()`: the launches worth timing for a recorded class
 * (`auto`, each other launch that differs from `auto`'s for the class's first shape, and the
 * subgroup kernel where the device has the feature) and one sum
 * of that shape over its axes, the input made once.
 *
 * Not here: the lookup of each reduction (`_reduce_tune.ts`), the clock (`../tune.ts`).
 * @module
 */
import { randn } from "../creation.ts";
import { R, reduceRaw } from "./reduce.ts";
import { autoLaunch, REDUCE, REDUCE_VARIANTS, variantLaunch } from "./_reduce_tune.ts";
import { hasSubgroups } from "../_adapter.ts";

const sizes = (shape: readonly number[], axes: readonly number[]) => {
  let out = 1, r = 1;
  shape.forEach((x, i) => (axes.includes(i) ? (r *= x) : (out *= x)));
  return { out, r };
};

REDUCE.trials = {
  candidates: (s, d) => {
    const { out, r } = sizes(s.shape, s.axes);
    const a = autoLaunch(out, r);
    return REDUCE_VARIANTS.filter((v) => {
      if (v === "auto") return true;
      if (v === "subgroup") return hasSubgroups(d);
      const l = variantLaunch(v, out, r);
      return l.group !== a.group || l.wg !== a.wg;
    });
  },
  prepare(s) {
    const x = randn([...s.shape], { seed: 21 });
    return {
      // about 32M elements a round, 4 to 50 runs
      reps: Math.max(4, Math.min(50, Math.round(2 ** 25 / Math.max(1, x.size)))),
      run: (v) => REDUCE.with(v, () => reduceRaw(x, [...s.axes], R.sum)).dispose(),
      dispose: () => x.dispose(),
    };
  },
};
