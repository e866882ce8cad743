/**
 * The optimizers against PyTorch 1.13 (`fixtures/optim.json`): 20 cases, 20 steps each, with lr,
 * momentum/beta1, beta2/alpha and wd changing before every step through `setHypers`; the parameters are
 * compared after every step.
 */
import { Adam, type Optimizer, RMSProp, SGD } from "../src/optim/mod.ts";
import {
  backward,
  crossEntropy,
  init,
  linear,
  relu,
  type Tensor,
  tidy,
} from "../src/tensor/mod.ts";
import {
  assertRel,
  type FixtureTensor,
  fromFixture,
  loadFixture,
} from "../src/nn/_fixture_util.ts";

interface OptimCase {
  name: string;
  optimizer: "sgd" | "adam" | "rmsprop";
  options: Record<string, number | boolean>;
  wd_mode: "l2" | "decoupled";
  groups: { params: string[]; lr: number[]; mom: number[]; beta?: number[]; wd: number[] }[];
  losses: number[];
  states: Record<string, FixtureTensor>[];
}
interface OptimFile {
  steps: number;
  model: { init: Record<string, FixtureTensor>; x: FixtureTensor; targets: FixtureTensor };
  cases: OptimCase[];
}

await init();
const fx = await loadFixture<OptimFile>("optim");

/** Norm-wise relative tolerance (error / the tensor's largest value); every case, RMSProp centered included. */
const RTOL = (_name: string) => 1e-5;

function makeOptimizer(c: OptimCase, groups: Tensor[][]): Optimizer {
  const decoupledWd = c.wd_mode === "decoupled";
  const g0 = c.groups[0]!;
  if (c.optimizer === "sgd") {
    return new SGD(groups, {
      lr: g0.lr[0],
      momentum: g0.mom[0],
      dampening: c.options.dampening as number,
      nesterov: c.options.nesterov as boolean,
      decoupledWd,
    });
  }
  if (c.optimizer === "adam") {
    return new Adam(groups, {
      amsgrad: c.options.amsgrad as boolean,
      eps: c.options.eps as number,
    });
  }
  return new RMSProp(groups, {
    centered: c.options.centered as boolean,
    eps: c.options.eps as number,
  });
}

for (const c of fx.cases) {
  Deno.test(`optim fidelity: ${c.name}`, async () => {
    const params: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(fx.model.init)) params[k] = fromFixture(v, true);
    const x = fromFixture(fx.model.x);
    const y = fromFixture(fx.model.targets);
    const groups = c.groups.map((g) => g.params.map((k) => params[k]!));
    const opt = makeOptimizer(c, groups);
    let worst = 0;
    try {
      for (let t = 0; t < fx.steps; t++) {
        c.groups.forEach((g, k) => {
          opt.setHypers(k, {
            lr: g.lr[t],
            momentum: g.mom[t],
            ...(g.beta ? { beta: g.beta[t] } : {}),
            weightDecay: g.wd[t],
            decoupledWd: c.wd_mode === "decoupled",
          });
        });
        opt.zeroGrad();
        const loss = tidy(() => {
          const h = linear(x, params["0.weight"]!, params["0.bias"]!);
          return crossEntropy(linear(relu(h), params["2.weight"]!, params["2.bias"]!), y);
        });
        backward(loss);
        opt.step();
        const l = await loss.item();
        loss.dispose();
        assertRel([l], [c.losses[t]!], 1e-5, `${c.name} step ${t} loss`);
        for (const [k, want] of Object.entries(c.states[t]!)) {
          const got = await params[k]!.data();
          const e = assertRel(got, want.data, RTOL(c.name), `${c.name} step ${t} ${k}`);
          worst = Math.max(worst, e.rel);
        }
      }
    } finally {
      opt.dispose();
      for (const p of Object.values(params)) p.dispose();
      x.dispose();
      y.dispose();
    }
    if (Deno.env.get("TEMPO_REPORT")) {
      console.log(`${c.name}: worst relative error ${worst.toExponential(2)}`);
    }
  });
}
