/**
 * The safetensors codec: round trips, the exact bytes written (header padding, key order), a file
 * made by hand from the format's description, dtype conversions, and every validation error with
 * its words.
 */
import assert from "node:assert/strict";
import {
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  type SafetensorsTensor,
} from "./mod.ts";

const enc = new TextEncoder();

/** A file made by hand: u64 LE header length, the header text as given, then `data`. */
function file(header: string, data: ArrayLike<number> = []): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true); // high 32 bits stay 0
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f32 = (...v: number[]) => ({
  dtype: "F32" as const,
  shape: [v.length],
  data: new Float32Array(v),
});

Deno.test("safetensors: round trip of F32 and I32, scalars, empty tensors, metadata and order", () => {
  const tensors = new Map<string, SafetensorsTensor>([
    ["10", f32(1.5, -2.25)],
    ["2", { dtype: "I32" as const, shape: [2, 2], data: new Int32Array([1, -2, 2147483647, -7]) }],
    ["scalar", { dtype: "F32" as const, shape: [], data: new Float32Array([3]) }],
    ["empty", { dtype: "F32" as const, shape: [0, 3], data: new Float32Array(0) }],
    ["é.weight", f32(Math.fround(0.1))],
  ]);
  const bytes = encodeSafetensors(tensors, { metadata: { "tempo.format": "1", note: "naïve" } });
  const got = decodeSafetensors(bytes);
  assert.deepEqual(got.metadata, { "tempo.format": "1", note: "naïve" });
  // integer-like names keep their order (a plain object would put "2" before "10")
  assert.deepEqual([...got.tensors.keys()], ["10", "2", "scalar", "empty", "é.weight"]);
  for (const [k, t] of tensors) {
    const d = got.tensors.get(k)!;
    assert.equal(d.dtype, t.dtype, k);
    assert.equal(d.fileDtype, t.dtype, k);
    assert.deepEqual(d.shape, t.shape, k);
    assert.deepEqual([...d.data], [...t.data], k);
    assert.ok(d.data instanceof (t.dtype === "F32" ? Float32Array : Int32Array), k);
  }
  // a record works too, and no metadata writes no __metadata__
  const plain = encodeSafetensors({ a: f32(1) });
  assert.deepEqual(decodeSafetensors(plain).metadata, {});
  assert.ok(!new TextDecoder().decode(plain).includes("__metadata__"));
});

Deno.test("safetensors: the exact bytes (compact ASCII JSON, metadata first, padded to 8)", () => {
  const bytes = encodeSafetensors(
    { "1.weight": { dtype: "F32", shape: [1, 2], data: new Float32Array([1, -2]) } },
    { metadata: { k: "v" } },
  );
  const json =
    '{"__metadata__":{"k":"v"},"1.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}';
  const n = Math.ceil(json.length / 8) * 8;
  const header = new DataView(bytes.buffer).getBigUint64(0, true);
  assert.equal(header, BigInt(n));
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 8 + n)), json.padEnd(n, " "));
  assert.deepEqual(
    [...bytes.subarray(8 + n)],
    [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0], // 1.0f and -2.0f, little-endian
  );
  // non-ASCII is escaped as Python's json.dumps does
  const u = encodeSafetensors({ "é": f32(0) });
  assert.ok(new TextDecoder().decode(u).includes('"\\u00e9":'));
  // every header length is a multiple of 8, whatever the name length
  for (let len = 1; len <= 9; len++) {
    const b = encodeSafetensors({ ["x".repeat(len)]: f32(1) });
    const h = Number(new DataView(b.buffer).getBigUint64(0, true));
    assert.equal(h % 8, 0, `name of ${len}`);
    assert.equal(b.length, 8 + h + 4);
  }
});

Deno.test("safetensors: a file made by hand from the format's description", () => {
  // the spec's example layout, keys in any order, __metadata__ last, trailing space padding
  const header =
    '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"foo":"bar"}}   ';
  const data = [1, 0, 0, 0, 2, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128];
  const got = decodeSafetensors(file(header, data));
  assert.deepEqual(got.metadata, { foo: "bar" });
  const t = got.tensors.get("test")!;
  assert.deepEqual(t.shape, [2, 2]);
  assert.deepEqual([...t.data], [1, 2, -1, -2147483648]);
  // tensors listed out of data order are returned in data order
  const two = '{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},' +
    '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
  const g2 = decodeSafetensors(file(two, [0, 0, 128, 63, 0, 0, 0, 64]));
  assert.deepEqual([...g2.tensors.keys()], ["a", "b"]);
  assert.deepEqual([...g2.tensors.get("b")!.data], [2]);
});

Deno.test("safetensors: F16, BF16, F64 read as float32; I64 as int32", () => {
  const h = (dtype: string, n: number, size: number, at: number) =>
    `"${dtype}":{"dtype":"${dtype}","shape":[${n}],"data_offsets":[${at},${at + n * size}]}`;
  const header = `{${h("F16", 5, 2, 0)},${h("BF16", 2, 2, 10)},${h("F64", 1, 8, 14)},${
    h("I64", 2, 8, 22)
  }}`;
  const data = new Uint8Array(38);
  const v = new DataView(data.buffer);
  [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00].forEach((x, i) => v.setUint16(2 * i, x, true));
  v.setUint16(10, 0x3f80, true); // bf16 1.0
  v.setUint16(12, 0xc040, true); // bf16 -3.0
  v.setFloat64(14, 0.1, true);
  v.setBigInt64(22, -5n, true);
  v.setBigInt64(30, 2147483647n, true);
  const t = decodeSafetensors(file(header, data)).tensors;
  assert.deepEqual([...t.get("F16")!.data], [1, -2, 65504, 2 ** -24, Infinity]);
  assert.equal(t.get("F16")!.fileDtype, "F16");
  assert.equal(t.get("F16")!.dtype, "F32");
  assert.deepEqual([...t.get("BF16")!.data], [1, -3]);
  assert.deepEqual([...t.get("F64")!.data], [Math.fround(0.1)]);
  assert.deepEqual([...t.get("I64")!.data], [-5, 2147483647]);
  assert.ok(t.get("I64")!.data instanceof Int32Array);
  v.setBigInt64(30, 2147483648n, true);
  assert.throws(
    () => decodeSafetensors(file(header, data)),
    /tensor 'I64': expected I64 values within int32, got 2147483648 at index 1/,
  );
});

Deno.test("safetensors: every malformed file is refused, saying what was expected and what came", () => {
  const ok = (extra = "") => `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}${extra}}`;
  const eight = [0, 0, 0, 0, 0, 0, 0, 0];
  const cases: [Uint8Array, ErrorConstructor, RegExp][] = [
    [
      new Uint8Array(5),
      RangeError,
      /truncated: expected at least 8 bytes \(the header length\), the file has 5/,
    ],
    [
      file(ok()).subarray(0, 20),
      RangeError,
      /truncated: the header says 54 bytes of JSON, the file has 12 after the 8-byte length/,
    ],
    [
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
        return b;
      })(),
      RangeError,
      /header length 100000001 exceeds the 100000000-byte limit/,
    ],
    [file("\xff"), TypeError, /invalid JSON/], // the encoder writes U+00FF as valid UTF-8
    [
      (() => {
        const b = file("{}  ");
        b[9] = 0xff;
        return b;
      })(),
      TypeError,
      /expected a UTF-8 JSON header, got invalid UTF-8/,
    ],
    [file('{"a":'), TypeError, /expected a JSON header, got invalid JSON/],
    [file("[1,2]"), TypeError, /expected the header to be a JSON object, got \[1,2\]/],
    [file("null"), TypeError, /expected the header to be a JSON object, got null/],
    [
      file(ok(',"__metadata__":{"n":1}'), eight),
      TypeError,
      /expected __metadata__ values to be strings, got 1 under "n"/,
    ],
    [
      file(ok(',"__metadata__":[]'), eight),
      TypeError,
      /expected __metadata__ to be an object of strings, got \[\]/,
    ],
    [file('{"a":5}'), TypeError, /tensor "a": expected \{ dtype, shape, data_offsets \}, got 5/],
    [
      file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}', eight),
      TypeError,
      /tensor "a": expected only dtype, shape, data_offsets, got also x/,
    ],
    [
      file('{"a":{"dtype":"F128","shape":[2],"data_offsets":[0,8]}}', eight),
      TypeError,
      /tensor "a": unknown dtype "F128" \(expected one of BOOL, U8/,
    ],
    [
      file('{"a":{"dtype":"U16","shape":[4],"data_offsets":[0,8]}}', eight),
      TypeError,
      /tensor "a": dtype U16 is not supported \(expected one of F32, F16, BF16, F64, I32, I64\)/,
    ],
    [
      file('{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', eight),
      TypeError,
      /tensor "a": expected a shape of non-negative integers, got \[-2\]/,
    ],
    [
      file('{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', eight),
      TypeError,
      /expected a shape of non-negative integers, got \[1.5\]/,
    ],
    [
      file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', eight),
      TypeError,
      /tensor "a": expected data_offsets \[begin, end\] with 0 <= begin <= end, got \[8,0\]/,
    ],
    [
      file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', eight),
      TypeError,
      /expected data_offsets \[begin, end\] with 0 <= begin <= end, got \[0\]/,
    ],
    [
      file('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', eight),
      RangeError,
      /tensor "a": shape \[3\] of F32 needs 12 bytes, data_offsets \[0,8\] give 8/,
    ],
    [
      file(
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[6,10]}}',
        [...eight, 0, 0],
      ),
      RangeError,
      /expected the data of tensor "b" to start at byte 4 \(where "a" ends\), got 6 \(a gap\)/,
    ],
    [
      file(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        eight,
      ),
      RangeError,
      /expected the data of tensor "a" to start at byte 8 \(where "b" ends\), got 0 \(an overlap\)|expected the data of tensor "b" to start at byte 8 \(where "a" ends\), got 4 \(an overlap\)/,
    ],
    [
      file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', eight),
      RangeError,
      /expected the data of tensor "a" to start at byte 0, got 4 \(a gap\)/,
    ],
    [
      file(ok(), [0, 0, 0, 0]),
      RangeError,
      /truncated: the header says 8 bytes of data, the file has 4/,
    ],
    [
      file(ok(), [...eight, 1]),
      RangeError,
      /the header says 8 bytes of data, the file has 9 \(1 trailing bytes\)/,
    ],
  ];
  for (const [bytes, Err, re] of cases) {
    assert.throws(() => decodeSafetensors(bytes, "m.safetensors"), (e: Error) => {
      assert.ok(e instanceof Err, `${re}: got ${e.constructor.name}: ${e.message}`);
      assert.match(e.message, /^Cannot read m\.safetensors: /);
      assert.match(e.message, re);
      return true;
    });
  }
  assert.throws(() => decodeSafetensors([1, 2] as never), /expected a Uint8Array/);
});

Deno.test("safetensors: the encoder refuses bad input", () => {
  const bad: [unknown, unknown, RegExp][] = [
    [{ a: f32(1) }, { meta: {} }, /option 'meta': unknown option, did you mean 'metadata'?/],
    [{ a: f32(1) }, { metadata: { k: 1 } }, /expected __metadata__ values to be strings, got 1/],
    [
      { a: { dtype: "F16", shape: [1], data: new Float32Array(1) } },
      {},
      /tensor "a": expected dtype "F32" or "I32", got "F16"/,
    ],
    [
      { a: { dtype: "I32", shape: [1], data: new Float32Array(1) } },
      {},
      /tensor "a": expected its I32 data as a Int32Array/,
    ],
    [
      { a: { dtype: "F32", shape: [2, 2], data: new Float32Array(3) } },
      {},
      /tensor "a": shape \[2,2\] needs 4 values, got 3/,
    ],
    [
      { a: { dtype: "F32", shape: [-1], data: new Float32Array(0) } },
      {},
      /expected a shape of non-negative integers/,
    ],
    [{ __metadata__: f32(1) }, {}, /other than __metadata__, got "__metadata__"/],
    [[["a", f32(1)], ["a", f32(2)]], {}, /got "a" twice/],
    [null, {}, /expected named tensors, got null/],
  ];
  for (const [t, o, re] of bad) {
    assert.throws(() => encodeSafetensors(t as never, o as never), (e: Error) => {
      assert.ok(e instanceof TypeError, String(e));
      assert.match(e.message, re);
      return true;
    });
  }
});
