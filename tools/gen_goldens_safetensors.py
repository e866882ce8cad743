#!/usr/bin/python3
"""The safetensors family of tempo's goldens: checkpoints written by PyTorch, and the exact bytes tempo
must write for the same weights, each proven at generation time to give PyTorch the same logits.

Run:  deno task goldens:safetensors   (= /usr/bin/python3 tools/gen_goldens_safetensors.py)
      (deno task goldens runs it too, after the other families)

Writes fixtures/safetensors.json and fixtures/safetensors/*.safetensors (see fixtures/README.md):
  <case>.torch.safetensors   PyTorch's full state_dict (num_batches_tracked as I64 included), metadata
                             {"format": "pt"}: what Hugging Face's save_file writes for it.
  <case>.tempo.safetensors   the bytes tempo's learn.save(..., { path: "x.safetensors" }) must write for
                             the same weights (no optimizer): tempo's layout, num_batches_tracked left out.
  dtypes.safetensors         F16 / BF16 / F64 / I64 / I32 / F32 tensors and their float32/int32 values.
For each case the generator checks, with the reader below (an implementation of the format independent
of the writer's code path), that BOTH files load into a fresh PyTorch model with
load_state_dict(strict=True) and give bit-identical logits; the logits go into the JSON.

  /usr/bin/python3 tools/gen_goldens_safetensors.py --check FILE.safetensors LOGITS.json CASE
reads a tempo-written FILE into CASE's PyTorch model (strict), runs the case's input and compares with
the logits tempo computed (LOGITS.json: {"logits": [...]}); `deno task check:torch-safetensors`
drives it with freshly trained tempo weights and optimizer state.

The format: u64 little-endian header length N, N bytes of JSON {"__metadata__": {str: str}, name:
{"dtype", "shape", "data_offsets": [begin, end]}}, padded with spaces to a multiple of 8, then the raw
little-endian data, offsets relative to the end of the header. Only torch and the standard library.
"""

import json
import math
import os
import struct
import sys
import zlib

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures")
DIR = os.path.join(OUT, "safetensors")

torch.set_num_threads(1)

# dtype name -> (torch dtype, struct code of the stored integer/float, torch view dtype for the bits)
DTYPES = {
    "F32": (torch.float32, "f", None),
    "F64": (torch.float64, "d", None),
    "F16": (torch.float16, "h", torch.int16),
    "BF16": (torch.bfloat16, "h", torch.int16),
    "I32": (torch.int32, "i", None),
    "I64": (torch.int64, "q", None),
}
SIZES = {"F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I32": 4, "I64": 8}
NAME_OF = {v[0]: k for k, v in DTYPES.items()}


def seed(name):
    torch.manual_seed(zlib.crc32(name.encode()) & 0x7FFFFFFF)


def num(x):
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x} in a fixture")
    return float(f"{x:.9g}")


def ten(t):
    t = t.detach().contiguous()
    if t.dtype.is_floating_point:
        return {"shape": list(t.shape), "data": [num(v) for v in t.float().reshape(-1).tolist()]}
    return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}


# ------------------------------------------------------------------------------------ writer and reader


def to_bytes(t):
    name = NAME_OF[t.dtype]
    _, code, bits = DTYPES[name]
    flat = t.detach().contiguous().reshape(-1)
    if bits is not None:
        flat = flat.view(bits)
    return name, struct.pack(f"<{flat.numel()}{code}", *flat.tolist())


def st_write(tensors, metadata=None):
    """tensors: list of (name, torch tensor), written in that order. Returns the file's bytes."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors:
        dtype, raw = to_bytes(t)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("ascii")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def st_read(data):
    """Parses and validates a safetensors file: ({name: torch tensor} in data order, metadata)."""
    if len(data) < 8:
        raise ValueError(f"truncated: {len(data)} bytes")
    (n,) = struct.unpack_from("<Q", data, 0)
    if n > len(data) - 8:
        raise ValueError(f"truncated: the header says {n} bytes, the file has {len(data) - 8}")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    assert all(isinstance(v, str) for v in metadata.values()), "metadata values must be strings"
    base, end = 8 + n, 0
    out = {}
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        assert set(info) == {"dtype", "shape", "data_offsets"}, info
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name}: data starts at {begin}, expected {end}"
        count = math.prod(info["shape"])
        assert stop - begin == count * SIZES[info["dtype"]], f"{name}: byte length"
        dtype, code, bits = DTYPES[info["dtype"]]
        vals = struct.unpack_from(f"<{count}{code}", data, base + begin)
        if bits is not None:
            t = torch.tensor(vals, dtype=bits).view(dtype)
        else:
            t = torch.tensor(vals, dtype=dtype)
        out[name] = t.reshape(info["shape"])
        end = stop
    assert base + end == len(data), f"the header says {end} bytes of data, the file has {len(data) - base}"
    return out, metadata


# ------------------------------------------------------------------------------------------------ cases


def simple_net():
    return nn.Sequential(nn.Flatten(), nn.Linear(48, 16), nn.ReLU(), nn.Linear(16, 10), nn.LogSoftmax(dim=1))


def conv_bn_net():
    return nn.Sequential(
        nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.BatchNorm2d(4)), nn.ReLU(),
        nn.Sequential(nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8)), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10), nn.LogSoftmax(dim=1))


CASES = {
    "simple_net": {
        "arch": "Sequential(Flatten(), Linear(48,16), ReLU(), Linear(16,10), LogSoftmax(dim=1))",
        "tempo": "simpleNet([48, 16, 10])", "build": simple_net, "input": [3, 3, 4, 4]},
    "conv_bn": {
        "arch": "Sequential(Sequential(Conv2d(3,4,3,stride=2,padding=1), BatchNorm2d(4)), ReLU(), "
                "Sequential(Conv2d(4,8,3,stride=2,padding=1), BatchNorm2d(8)), ReLU(), AdaptiveAvgPool2d(1), "
                "Flatten(), Linear(8,10), LogSoftmax(dim=1)), eval mode (running statistics)",
        "tempo": "shallowConvNet({ inChannels: 3, widths: [4, 8], numClasses: 10 })", "build": conv_bn_net,
        "input": [2, 3, 8, 8]},
}

TORCH_META = {"format": "pt"}
TEMPO_META = {"format": "pt", "tempo.format": "1"}


def make_model(name):
    spec = CASES[name]
    seed(f"safetensors/{name}")
    model = spec["build"]()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1.0 + 0.1 * torch.randn(m.num_features))
                m.bias.copy_(0.1 * torch.randn(m.num_features))
                m.running_mean.copy_(0.2 * torch.randn(m.num_features))
                m.running_var.copy_(0.5 + torch.rand(m.num_features))
                m.num_batches_tracked.fill_(7)
    model.eval()
    x = torch.randn(*spec["input"])
    return model, x


def logits_of(name, state, x):
    """A fresh model of case `name` (other weights) loaded strictly from `state`, run on x in eval."""
    seed("safetensors/other weights")
    model = CASES[name]["build"]()
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        return model(x)


def gen_case(name):
    model, x = make_model(name)
    with torch.no_grad():
        logits = model(x)
    full = list(model.state_dict().items())
    torch_bytes = st_write(full, TORCH_META)
    tempo_bytes = st_write([(k, v) for k, v in full if not k.endswith("num_batches_tracked")], TEMPO_META)
    for kind, data in (("torch", torch_bytes), ("tempo", tempo_bytes)):
        state, meta = st_read(data)
        got = logits_of(name, state, x)
        assert torch.equal(got, logits), f"{name}.{kind}: PyTorch's logits differ after the round trip"
        path = os.path.join(DIR, f"{name}.{kind}.safetensors")
        with open(path, "wb") as f:
            f.write(data)
        print(f"wrote {os.path.relpath(path, ROOT)}: {len(data)} bytes, metadata {meta}")
    return {
        "name": name, "arch": CASES[name]["arch"], "tempo": CASES[name]["tempo"],
        "torch_file": f"safetensors/{name}.torch.safetensors",
        "tempo_file": f"safetensors/{name}.tempo.safetensors",
        "keys": [k for k, _ in full], "input": ten(x), "logits": ten(logits),
    }


def gen_dtypes():
    seed("safetensors/dtypes")
    base = torch.randn(2, 3) * 3
    tensors = [
        ("f32", base.clone()), ("f16", base.half()), ("bf16", base.bfloat16()), ("f64", base.double() / 7),
        ("i32", torch.tensor([[-3, 0, 2147483647]], dtype=torch.int32)),
        ("i64", torch.tensor([-2147483648, 5, 1 << 20], dtype=torch.int64)),
    ]
    data = st_write(tensors, TORCH_META)
    back, _ = st_read(data)
    for k, t in tensors:
        assert torch.equal(back[k], t), k
    path = os.path.join(DIR, "dtypes.safetensors")
    with open(path, "wb") as f:
        f.write(data)
    print(f"wrote {os.path.relpath(path, ROOT)}: {len(data)} bytes")
    # the values tempo must read: floats converted to float32, integers as they are
    return {"file": "safetensors/dtypes.safetensors",
            "tensors": {k: dict(ten(t.float() if t.dtype.is_floating_point else t), file_dtype=NAME_OF[t.dtype])
                        for k, t in tensors}}


def main():
    os.makedirs(DIR, exist_ok=True)
    out = {"generator": "tools/gen_goldens_safetensors.py", "torch": torch.__version__, "family": "safetensors",
           "notes": ["both files of every case load into a fresh PyTorch model with load_state_dict(strict=True) "
                     "and give logits bit-identical to the original model's (checked by the generator)",
                     "PyTorch fills in the missing num_batches_tracked of the tempo files itself "
                     "(a state dict without version metadata)"],
           "cases": [gen_case(n) for n in CASES], "dtypes": gen_dtypes()}
    path = os.path.join(OUT, "safetensors.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def check(file, logits_json, name):
    """Reads a tempo-written file into PyTorch (strict) and compares the logits with tempo's."""
    with open(os.path.join(OUT, "safetensors.json")) as f:
        case = next(c for c in json.load(f)["cases"] if c["name"] == name)
    with open(file, "rb") as f:
        tensors, meta = st_read(f.read())
    assert meta.get("tempo.format") == "1", f"tempo.format: {meta.get('tempo.format')}"
    state = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    x = torch.tensor(case["input"]["data"]).reshape(case["input"]["shape"])
    got = logits_of(name, state, x)
    with open(logits_json) as f:
        want = torch.tensor(json.load(f)["logits"]).reshape(got.shape)
    diff = (got - want).abs().max().item()
    opt = json.loads(meta["tempo.optimizer"]) if "tempo.optimizer" in meta else None
    slots = 0
    if opt:
        params = dict(state)
        for g, group in enumerate(opt["groups"]):
            for key in group["params"]:
                for slot in opt["slots"]:
                    t = tensors[f"optimizer.{g}.{key}.{slot}"]
                    assert t.shape == params[key].shape, f"{key}.{slot}: {t.shape} vs {params[key].shape}"
                    slots += 1
    print(f"{name}: PyTorch read {file} strictly ({len(state)} model tensors, {slots} optimizer tensors, "
          f"optimizer {opt['class'] if opt else None}); max |logits - tempo's| = {diff:.3g}")
    if diff > 1e-5:
        print("FAIL: the logits differ by more than 1e-5")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    if len(sys.argv) != 1:
        sys.exit("usage: gen_goldens_safetensors.py [--check FILE LOGITS.json CASE]")
    sys.exit(main())
