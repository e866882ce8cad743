#!/usr/bin/python3
"""Golden-value generator for tempo's tests: runs PyTorch (CPU, float32) and writes JSON fixtures.

Run:  deno task goldens        (= /usr/bin/python3 tools/gen_goldens.py; needs torch, tested with 1.13)

Writes, in compact JSON (see fixtures/README.md for the full schema):
  fixtures/ops.json     one case per op: inputs, params, output, a random upstream gradient `grad_output`
                        and grads = d(sum(output * grad_output)) / d(input) for every float input.
  fixtures/optim.json   20-step trajectories of SGD / Adam / RMSProp on a tiny MLP, with the hyperparameters
                        changed before every step, in two weight-decay modes ("l2" and "decoupled").
  fixtures/models.json  forward + backward of SimpleNet, ShallowConvNet and a small ResNet at fixed weights,
                        with parameter gradients and BatchNorm running statistics after the step.
  fixtures/safetensors.json, fixtures/safetensors/   checkpoints (tools/gen_goldens_safetensors.py, which
                        also runs alone: deno task goldens:safetensors).

Every tensor is {"shape": [...], "data": [flat row-major list]} (integer tensors add "dtype": "int32").
Floats are written with 9 significant digits, which round-trips float32 exactly. Each case is seeded
from a CRC32 of its name (so adding a case does not change the others); torch runs single-threaded so
that the float32 results do not depend on the machine's core count. Only torch and the standard library
are used.
"""

import json
import math
import os
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures")
HEADER = {"generator": "tools/gen_goldens.py", "torch": torch.__version__}

torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)


# ----------------------------------------------------------------------------------------------- helpers


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode()) & 0x7FFFFFFF)


def f32(x):
    """A Python float rounded to the nearest float32 (so JSON and PyTorch see the same value)."""
    return torch.tensor(x, dtype=torch.float32).item()


def num(x):
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x} in a fixture")
    return float(f"{x:.9g}")


def ten(t):
    t = t.detach().contiguous()
    shape = list(t.shape)
    if t.dtype.is_floating_point:
        assert t.dtype == torch.float32, t.dtype
        return {"shape": shape, "data": [num(v) for v in t.reshape(-1).tolist()]}
    return {"shape": shape, "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}


def sd(module, skip_tracked=True):
    """A state_dict as {key: tensor json}, without num_batches_tracked."""
    return {
        k: ten(v)
        for k, v in module.state_dict().items()
        if not (skip_tracked and k.endswith("num_batches_tracked"))
    }


def pos(*shape, lo=0.2, hi=2.0):
    return torch.rand(*shape) * (hi - lo) + lo


def away_from_zero(*shape, lo=0.5, hi=2.0):
    sign = torch.where(torch.rand(*shape) < 0.5, -1.0, 1.0)
    return sign * pos(*shape, lo=lo, hi=hi)


def dump(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}: {os.path.getsize(path) / 1e6:.3f} MB")


# --------------------------------------------------------------------------------------------------- ops


def op_case(name, op, params, make_inputs, fn, grad_inputs=None, state=None):
    """make_inputs() -> dict of tensors (seeded); fn(inputs) -> output (and may update `state`)."""
    seed(name)
    inputs = make_inputs()
    if grad_inputs is None:
        grad_inputs = [k for k, v in inputs.items() if v.dtype.is_floating_point]
    leaves = {k: (v.clone().requires_grad_(True) if k in grad_inputs else v) for k, v in inputs.items()}
    case = {"name": name, "op": op, "params": params, "inputs": {k: ten(v) for k, v in inputs.items()}}
    if state is not None:
        case["state_before"] = {k: ten(v) for k, v in state.items()}
    out = fn(leaves)
    case["output"] = ten(out)
    if out.dtype.is_floating_point and grad_inputs:
        g = torch.randn(out.shape)
        out.backward(g)
        case["grad_output"] = ten(g)
        case["grads"] = {k: ten(leaves[k].grad) for k in grad_inputs}
    else:
        case["grad_output"] = None
        case["grads"] = {}
    if state is not None:
        case["state_after"] = {k: ten(v) for k, v in state.items()}
    return case


def matmul_cases():
    cases = []

    def mm(name, a_shape, b_shape, ta=False, tb=False):
        def fn(i):
            a = i["a"].transpose(-1, -2) if ta else i["a"]
            b = i["b"].transpose(-1, -2) if tb else i["b"]
            return torch.matmul(a, b)

        cases.append(op_case(name, "matmul", {"transA": ta, "transB": tb},
                             lambda: {"a": torch.randn(*a_shape), "b": torch.randn(*b_shape)}, fn))

    mm("matmul_37x45_45x29", [37, 45], [45, 29])
    mm("matmul_batched_3x13x21_3x21x17", [3, 13, 21], [3, 21, 17])
    mm("matmul_transA", [45, 37], [45, 29], ta=True)
    mm("matmul_transB", [37, 45], [29, 45], tb=True)
    mm("matmul_transA_transB", [45, 37], [29, 45], ta=True, tb=True)
    mm("matmul_batched_transB", [3, 13, 21], [3, 17, 21], tb=True)
    mm("matmul_batched_transA", [3, 21, 13], [3, 21, 17], ta=True)
    return cases


def conv_cases():
    cases = []

    def conv(name, x_shape, cout, k, stride, padding, dilation=(1, 1), groups=1, bias=True):
        cin = x_shape[1]

        def make():
            d = {"x": torch.randn(*x_shape), "weight": torch.randn(cout, cin // groups, *k) * 0.3}
            if bias:
                d["bias"] = torch.randn(cout) * 0.3
            return d

        params = {"stride": list(stride), "padding": list(padding), "dilation": list(dilation),
                  "groups": groups, "bias": bias}
        cases.append(op_case(name, "conv2d", params, make, lambda i: F.conv2d(
            i["x"], i["weight"], i.get("bias"), stride, padding, dilation, groups)))

    conv("conv2d_3x3_s1_p1", [2, 3, 9, 11], 5, (3, 3), (1, 1), (1, 1))
    conv("conv2d_3x3_s2_p1", [2, 3, 11, 13], 8, (3, 3), (2, 2), (1, 1))
    conv("conv2d_3x3_dilation2", [2, 3, 13, 11], 4, (3, 3), (1, 1), (2, 2), dilation=(2, 2))
    conv("conv2d_3x3_groups2", [2, 4, 9, 7], 6, (3, 3), (1, 1), (1, 1), groups=2)
    conv("conv2d_5x5_nobias_s1_p0", [2, 3, 11, 9], 4, (5, 5), (1, 1), (0, 0), bias=False)
    conv("conv2d_3x2_s2x1_p1x0", [2, 3, 11, 9], 5, (3, 2), (2, 1), (1, 0))
    return cases


def bn_cases():
    cases = []

    def bn(name, shape, training, rm=None, rv=None):
        c = shape[1]
        seed(name + "/state")
        state = {
            "running_mean": torch.zeros(c) if rm is None else torch.randn(c) * 0.5,
            "running_var": torch.ones(c) if rv is None else pos(c, lo=0.5, hi=2.0),
        }
        params = {"training": training, "momentum": 0.1, "eps": 1e-5}

        def make():
            return {"x": torch.randn(*shape) * 1.5 + 0.7,
                    "weight": 1.0 + 0.3 * torch.randn(c), "bias": 0.3 * torch.randn(c)}

        def fn(i):
            return F.batch_norm(i["x"], state["running_mean"], state["running_var"], i["weight"],
                                i["bias"], training, 0.1, 1e-5)

        cases.append(op_case(name, "batch_norm", params, make, fn, state=state))

    bn("batch_norm2d_train_4x5x7x6", [4, 5, 7, 6], True)
    bn("batch_norm2d_eval_4x5x7x6", [4, 5, 7, 6], False, rm=True, rv=True)
    bn("batch_norm1d_train_9x6", [9, 6], True)
    bn("batch_norm1d_eval_9x6", [9, 6], False, rm=True, rv=True)
    return cases


def pool_cases():
    cases = []

    def pool(name, op, shape, k, s, p):
        params = {"kernel": list(k), "stride": list(s), "padding": list(p), "ceil_mode": False}
        if op == "avg_pool2d":
            params["count_include_pad"] = True
            fn = lambda i: F.avg_pool2d(i["x"], k, s, p, ceil_mode=False, count_include_pad=True)
        else:
            fn = lambda i: F.max_pool2d(i["x"], k, s, p)
        cases.append(op_case(name, op, params, lambda: {"x": torch.randn(*shape)}, fn))

    pool("max_pool2d_k2_s2", "max_pool2d", [2, 3, 11, 13], (2, 2), (2, 2), (0, 0))
    pool("max_pool2d_k3_s2_p1", "max_pool2d", [2, 3, 11, 13], (3, 3), (2, 2), (1, 1))
    pool("avg_pool2d_k2_s2", "avg_pool2d", [2, 3, 11, 13], (2, 2), (2, 2), (0, 0))
    pool("avg_pool2d_k3_s1_p1", "avg_pool2d", [2, 3, 9, 7], (3, 3), (1, 1), (1, 1))

    def adaptive(name, shape, size):
        cases.append(op_case(name, "adaptive_avg_pool2d", {"output_size": list(size)},
                             lambda: {"x": torch.randn(*shape)},
                             lambda i: F.adaptive_avg_pool2d(i["x"], size)))

    adaptive("adaptive_avg_pool2d_to_1", [2, 3, 7, 9], (1, 1))
    adaptive("adaptive_avg_pool2d_to_2x3", [2, 3, 7, 11], (2, 3))
    return cases


def softmax_cases():
    cases = []
    for op, f in (("log_softmax", F.log_softmax), ("softmax", F.softmax)):
        for shape, dim in (([7, 11], 1), ([7, 11], 0), ([3, 5, 7], -1)):
            name = f"{op}_{'x'.join(map(str, shape))}_dim{dim}"
            cases.append(op_case(name, op, {"dim": dim}, lambda s=shape: {"x": torch.randn(*s) * 2},
                                 lambda i, d=dim, f=f: f(i["x"], dim=d)))
    return cases


def loss_cases():
    cases = [
        op_case("cross_entropy_13x10", "cross_entropy", {"reduction": "mean"},
                lambda: {"x": torch.randn(13, 10) * 2, "targets": torch.randint(0, 10, (13,))},
                lambda i: F.cross_entropy(i["x"], i["targets"])),
        op_case("nll_loss_13x10", "nll_loss", {"reduction": "mean"},
                lambda: {"x": F.log_softmax(torch.randn(13, 10) * 2, dim=1),
                         "targets": torch.randint(0, 10, (13,))},
                lambda i: F.nll_loss(i["x"], i["targets"])),
    ]
    return cases


def elementwise_cases():
    cases = []
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for op, f in binary.items():
        for a_shape, b_shape in (([4, 1, 5], [3, 1]), ([7, 9], [7, 9])):
            name = f"{op}_{'x'.join(map(str, a_shape))}_{'x'.join(map(str, b_shape))}"
            make = (lambda a=a_shape, b=b_shape, op=op: {
                "a": torch.randn(*a), "b": away_from_zero(*b) if op == "div" else torch.randn(*b)})
            cases.append(op_case(name, op, {}, make, lambda i, f=f: f(i["a"], i["b"])))

    unary = [
        ("exp", {}, lambda: torch.randn(7, 9), torch.exp),
        ("log", {}, lambda: pos(7, 9, lo=0.05, hi=3.0), torch.log),
        ("sqrt", {}, lambda: pos(7, 9, lo=0.05, hi=3.0), torch.sqrt),
        ("pow", {"exponent": 2.5}, lambda: pos(7, 9, lo=0.05, hi=2.0), lambda x: torch.pow(x, 2.5)),
        ("relu", {}, lambda: torch.randn(7, 9), torch.relu),
        ("sigmoid", {}, lambda: torch.randn(7, 9) * 2, torch.sigmoid),
        ("tanh", {}, lambda: torch.randn(7, 9) * 2, torch.tanh),
    ]
    for op, params, make, f in unary:
        cases.append(op_case(f"{op}_7x9", op, params, lambda m=make: {"x": m()},
                             lambda i, f=f: f(i["x"])))

    reducers = {"sum": torch.sum, "mean": torch.mean, "max": torch.amax}
    for op, f in reducers.items():
        for axes in ([1], [0, 2]):
            for keepdim in (False, True):
                name = f"{op}_3x5x7_axes{''.join(map(str, axes))}_keepdim{int(keepdim)}"
                cases.append(op_case(name, op, {"axes": axes, "keepdim": keepdim},
                                     lambda: {"x": torch.randn(3, 5, 7)},
                                     lambda i, f=f, a=axes, k=keepdim: f(i["x"], dim=a, keepdim=k)))
    for axis in (1, -1):
        cases.append(op_case(f"argmax_3x5x7_axis{axis}", "argmax", {"axis": axis, "keepdim": False},
                             lambda: {"x": torch.randn(3, 5, 7)},
                             lambda i, a=axis: torch.argmax(i["x"], dim=a), grad_inputs=[]))
    return cases


def gen_ops():
    cases = (matmul_cases() + conv_cases() + bn_cases() + pool_cases() + softmax_cases() +
             loss_cases() + elementwise_cases())
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    dump("ops.json", {**HEADER, "family": "ops", "cases": cases})


# ------------------------------------------------------------------------------------------------- optim

STEPS = 20


def schedule(t, kind):
    """Per-step hyperparameters, rounded to float32. mom = SGD momentum / Adam beta1 / RMSProp momentum;
    beta = Adam beta2 / RMSProp alpha."""
    lr = 0.05 * (1 + 0.5 * math.sin(t))
    mom = 0.725 + 0.225 * math.sin(0.7 * t + 1.0)  # [0.5, 0.95]
    wd = 0.05 * (1 + math.sin(1.3 * t + 2.0))  # [0, 0.1]
    if kind == "adam":
        beta = 0.9745 + 0.0245 * math.cos(0.9 * t)  # [0.95, 0.999]
    else:
        beta = 0.945 + 0.045 * math.cos(0.9 * t)  # [0.9, 0.99]
    return {"lr": f32(lr), "mom": f32(mom), "beta": f32(beta), "wd": f32(wd)}


def optim_model():
    seed("optim/model")
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    x = torch.randn(8, 5)
    y = torch.randint(0, 3, (8,))
    return model, x, y


def make_opt(kind, options, groups, hp0, wd_mode):
    wd0 = hp0["wd"] if wd_mode == "l2" else 0.0
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=hp0["lr"], momentum=hp0["mom"], weight_decay=wd0,
                               dampening=options["dampening"], nesterov=options["nesterov"])
    if kind == "adam":
        return torch.optim.Adam(groups, lr=hp0["lr"], betas=(hp0["mom"], hp0["beta"]), eps=options["eps"],
                                weight_decay=wd0, amsgrad=options["amsgrad"])
    if kind == "adamw":
        return torch.optim.AdamW(groups, lr=hp0["lr"], betas=(hp0["mom"], hp0["beta"]), eps=options["eps"],
                                 weight_decay=hp0["wd"], amsgrad=options["amsgrad"])
    if kind == "rmsprop":
        mom = 0.0 if options["plain"] else hp0["mom"]
        return torch.optim.RMSprop(groups, lr=hp0["lr"], alpha=hp0["beta"], eps=options["eps"],
                                   weight_decay=wd0, momentum=mom, centered=options["centered"])
    raise ValueError(kind)


def run_optim(kind, options, wd_mode, two_groups=False):
    """Returns (groups description, losses, snapshots)."""
    model, x, y = optim_model()
    if two_groups:
        group_keys = [["0.weight", "0.bias"], ["2.weight", "2.bias"]]
        lr_scale = [1.0, 0.1]
    else:
        group_keys = [["0.weight", "0.bias", "2.weight", "2.bias"]]
        lr_scale = [1.0]
    named = dict(model.named_parameters())
    sched_kind = "adam" if kind in ("adam", "adamw") else kind
    hps = [[dict(schedule(t, sched_kind), lr=f32(schedule(t, sched_kind)["lr"] * s)) for t in range(STEPS)]
           for s in lr_scale]
    if kind == "rmsprop" and options["plain"]:
        for per_group in hps:
            for hp in per_group:
                hp["mom"] = 0.0
    groups = [{"params": [named[k] for k in keys]} for keys in group_keys]
    opt = make_opt(kind, options, groups, hps[0][0], wd_mode)
    losses, snaps = [], []
    for t in range(STEPS):
        for g, group in enumerate(opt.param_groups):
            hp = hps[g][t]
            group["lr"] = hp["lr"]
            if kind == "sgd":
                group["momentum"] = hp["mom"]
            elif kind in ("adam", "adamw"):
                group["betas"] = (hp["mom"], hp["beta"])
            else:
                group["momentum"] = hp["mom"]
                group["alpha"] = hp["beta"]
            if kind == "adamw":
                group["weight_decay"] = hp["wd"]
            else:
                group["weight_decay"] = hp["wd"] if wd_mode == "l2" else 0.0
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if wd_mode == "decoupled" and kind != "adamw":
            with torch.no_grad():
                for g, group in enumerate(opt.param_groups):
                    hp = hps[g][t]
                    for p in group["params"]:
                        p.data.mul_(1 - hp["lr"] * hp["wd"])
        opt.step()
        losses.append(num(loss.item()))
        snaps.append({k: v.detach().clone() for k, v in model.state_dict().items()})
    desc = []
    for g, keys in enumerate(group_keys):
        d = {"params": keys}
        for hk in ("lr", "mom", "beta", "wd"):
            if hk == "beta" and kind == "sgd":
                continue
            d[hk] = [hps[g][t][hk] for t in range(STEPS)]
        desc.append(d)
    return desc, losses, snaps


def gen_optim():
    model, x, y = optim_model()
    out = {**HEADER, "family": "optim", "steps": STEPS,
           "model": {"arch": "Sequential(Linear(5,4), ReLU(), Linear(4,3))", "loss": "cross_entropy(mean)",
                     "init": sd(model), "x": ten(x), "targets": ten(y)},
           "notes": [], "cases": []}
    configs = [
        ("sgd_momentum", "sgd", {"nesterov": False, "dampening": 0.0}),
        ("sgd_nesterov", "sgd", {"nesterov": True, "dampening": 0.0}),
        ("sgd_dampening0.3", "sgd", {"nesterov": False, "dampening": 0.3}),
        ("adam", "adam", {"amsgrad": False, "eps": 1e-8}),
        ("adam_amsgrad", "adam", {"amsgrad": True, "eps": 1e-8}),
        ("rmsprop", "rmsprop", {"centered": False, "plain": False, "eps": 1e-8}),
        ("rmsprop_centered", "rmsprop", {"centered": True, "plain": False, "eps": 1e-8}),
        ("rmsprop_plain", "rmsprop", {"centered": False, "plain": True, "eps": 1e-8}),
    ]
    two = [("sgd_momentum_2groups", "sgd", {"nesterov": False, "dampening": 0.0}),
           ("adam_2groups", "adam", {"amsgrad": False, "eps": 1e-8})]
    for base, kind, options in configs + two:
        for wd_mode in ("l2", "decoupled"):
            two_groups = base.endswith("2groups")
            desc, losses, snaps = run_optim(kind, options, wd_mode, two_groups)
            out["cases"].append({
                "name": f"{base}_{wd_mode}", "optimizer": kind, "options": options, "wd_mode": wd_mode,
                "groups": desc, "losses": losses,
                "states": [{k: ten(v) for k, v in s.items()} for s in snaps]})
            if kind == "adam" and wd_mode == "decoupled":
                _, losses_w, snaps_w = run_optim("adamw", options, "decoupled", two_groups)
                same = all(torch.equal(a[k], b[k]) for a, b in zip(snaps, snaps_w) for k in a)
                diff = max((a[k] - b[k]).abs().max().item() for a, b in zip(snaps, snaps_w) for k in a)
                out["notes"].append(
                    f"{base}_decoupled vs torch.optim.AdamW(weight_decay=wd_t): "
                    f"{'bit-identical' if same else f'max abs diff {diff:.3g}'} over {STEPS} steps")
    out["notes"].append(
        "Adam (torch " + torch.__version__ + ") bias corrections use the CURRENT betas: "
        "bc1 = 1 - beta1_t**step, bc2 = 1 - beta2_t**step (step = 1-based count), not the product of "
        "the betas used so far; step_size = lr_t/bc1, denom = sqrt(v)/sqrt(bc2) + eps.")
    out["notes"].append(
        "SGD: the momentum buffer is initialised to the first (weight-decayed) gradient without dampening "
        "(buf_1 = g_1); later buf = mom_t*buf + (1-dampening)*g; nesterov uses g + mom_t*buf.")
    out["notes"].append(
        "RMSProp: eps is added outside the sqrt; centered uses sqrt(v - g_avg**2) + eps; with momentum: "
        "buf = mom_t*buf + g/avg, p -= lr_t*buf.")
    for n in out["notes"]:
        print("  note:", n)
    dump("optim.json", out)


# ------------------------------------------------------------------------------------------------ models


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


def simple_net():
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 40), nn.ReLU(), nn.Linear(40, 10),
                         nn.LogSoftmax(dim=1))


def shallow_conv_net():
    return nn.Sequential(
        nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16)), nn.ReLU(),
        nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32)), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10), nn.LogSoftmax(dim=1))


def resnet():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Sequential(BasicBlock(8, 8, 1)), nn.Sequential(BasicBlock(8, 16, 2)),
        nn.Sequential(BasicBlock(16, 32, 2)),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10), nn.LogSoftmax(dim=1))


def model_case(name, arch, build, x_shape):
    seed(name)
    model = build()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1.0 + 0.1 * torch.randn(m.num_features))
                m.bias.copy_(0.1 * torch.randn(m.num_features))
    model.train()
    x = torch.randn(*x_shape)
    y = torch.randint(0, 10, (x_shape[0],))
    case = {"name": name, "arch": arch, "training": True, "state_dict": sd(model), "input": ten(x),
            "targets": ten(y)}
    out = model(x)
    loss = F.nll_loss(out, y)
    loss.backward()
    case["output"] = ten(out)
    case["loss"] = num(loss.item())
    case["grads"] = {k: ten(p.grad) for k, p in model.named_parameters()}
    buffers = {k: ten(v) for k, v in model.named_buffers() if not k.endswith("num_batches_tracked")}
    case["buffers_after"] = buffers
    return case


def gen_models():
    cases = [
        model_case("SimpleNet",
                   "Sequential(Flatten(), Linear(192,40), ReLU(), Linear(40,10), LogSoftmax(dim=1))",
                   simple_net, [4, 3, 8, 8]),
        model_case("ShallowConvNet",
                   "Sequential(Sequential(Conv2d(3,16,3,stride=2,padding=1), BatchNorm2d(16)), ReLU(), "
                   "Sequential(Conv2d(16,32,3,stride=2,padding=1), BatchNorm2d(32)), ReLU(), "
                   "AdaptiveAvgPool2d(1), Flatten(), Linear(32,10), LogSoftmax(dim=1))",
                   shallow_conv_net, [4, 3, 16, 16]),
        model_case("ResNet",
                   "Sequential(Conv2d(3,8,3,1,1,bias=False), BatchNorm2d(8), ReLU(), "
                   "Sequential(BasicBlock(8,8,1)), Sequential(BasicBlock(8,16,2)), "
                   "Sequential(BasicBlock(16,32,2)), AdaptiveAvgPool2d(1), Flatten(), Linear(32,10), "
                   "LogSoftmax(dim=1)); BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut), "
                   "conv1 3x3 stride s pad 1, conv2 3x3 stride 1 pad 1, both bias=False; "
                   "downsample = Sequential(Conv2d(in,out,1,stride,bias=False), BatchNorm2d(out)) "
                   "when stride != 1 or in != out",
                   resnet, [2, 3, 16, 16]),
    ]
    dump("models.json", {**HEADER, "family": "models", "loss": "nll_loss(mean) of the output",
                         "bn": {"momentum": 0.1, "eps": 1e-5}, "cases": cases})


def main():
    os.makedirs(OUT, exist_ok=True)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    gen_ops()
    gen_optim()
    gen_models()
    import gen_goldens_safetensors  # the safetensors family: its own files, its own script

    gen_goldens_safetensors.main()


if __name__ == "__main__":
    sys.exit(main())
