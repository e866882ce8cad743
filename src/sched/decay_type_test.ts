import assert from "node:assert/strict";
import { DecayType, decayTypeName, decayValue, isDecayType } from "./decay_type.ts";
import { close } from "./_test_helpers.ts";

const n = 7.5; // fractional n, as with fractional epochs
const its = [0, 1, 2, 3.75, 7, 7.5];

Deno.test("DecayType has fastai's values and names", () => {
  assert.deepEqual(
    [DecayType.NO, DecayType.LINEAR, DecayType.COSINE, DecayType.EXPONENTIAL, DecayType.POLYNOMIAL],
    [1, 2, 3, 4, 5],
  );
  assert.equal(decayTypeName(DecayType.EXPONENTIAL), "EXPONENTIAL");
  assert.ok(isDecayType(3));
  assert.ok(!isDecayType(0));
  assert.ok(!isDecayType("COSINE"));
  assert.throws(() => decayTypeName(9 as DecayType), TypeError);
});

Deno.test("NO is the start value, whatever the end", () => {
  for (const it of its) {
    assert.equal(decayValue(DecayType.NO, { start: 0.3, end: 5, it, n }), 0.3);
    assert.equal(decayValue(DecayType.NO, { start: 0.3, it, n }), 0.3);
  }
});

Deno.test("LINEAR is start + (it/n)*(end - start)", () => {
  for (const it of its) {
    close(
      decayValue(DecayType.LINEAR, { start: 1e-2, end: 1e-3, it, n }),
      1e-2 + (it / n) * (1e-3 - 1e-2),
    );
  }
  close(decayValue(DecayType.LINEAR, { start: 2, end: 1, it: 0, n }), 2);
  close(decayValue(DecayType.LINEAR, { start: 2, end: 1, it: n, n }), 1);
});

Deno.test("COSINE uses the code formula end + (start-end)/2*(1+cos(pi*it/n))", () => {
  for (const it of its) {
    const want = 1e-3 + (1e-2 - 1e-3) / 2 * (1 + Math.cos(Math.PI * it / n));
    close(decayValue(DecayType.COSINE, { start: 1e-2, end: 1e-3, it, n }), want);
  }
  close(decayValue(DecayType.COSINE, { start: 1, end: 0, it: 5, n: 10 }), 0.5);
  // not the notebook's typo end + (start-end)/2*(1 + cos(it*pi)/n)
  const typo = 0 + 1 / 2 * (1 + Math.cos(2.5 * Math.PI) / 10);
  assert.notEqual(decayValue(DecayType.COSINE, { start: 1, end: 0, it: 2.5, n: 10 }), typo);
});

Deno.test("EXPONENTIAL is start*(end/start)^(it/n)", () => {
  for (const it of its) {
    close(
      decayValue(DecayType.EXPONENTIAL, { start: 1e-5, end: 10, it, n }),
      1e-5 * (10 / 1e-5) ** (it / n),
    );
  }
  close(decayValue(DecayType.EXPONENTIAL, { start: 1e-5, end: 10, it: n, n }), 10);
});

Deno.test("POLYNOMIAL is end + (start-end)*(1-it/n)^power", () => {
  for (const power of [0.5, 1, 2, 3]) {
    for (const it of its) {
      close(
        decayValue(DecayType.POLYNOMIAL, { start: 1e-2, end: 1e-3, it, n, power }),
        1e-3 + (1e-2 - 1e-3) * (1 - it / n) ** power,
      );
    }
  }
});

Deno.test("a single start ends at 0 for LINEAR, COSINE and POLYNOMIAL", () => {
  close(decayValue(DecayType.LINEAR, { start: 1, it: 2, n: 8 }), 0.75);
  close(decayValue(DecayType.COSINE, { start: 1, it: 8, n: 8 }), 0);
  close(decayValue(DecayType.POLYNOMIAL, { start: 1, it: 4, n: 8, power: 2 }), 0.25);
});

Deno.test("per-group arrays are computed element-wise, scalars broadcast", () => {
  const start = [1e-4, 1e-3, 1e-2];
  const end = new Float64Array([1e-5, 1e-4, 1e-3]);
  for (const type of [DecayType.LINEAR, DecayType.COSINE, DecayType.EXPONENTIAL] as const) {
    const got = decayValue(type, { start, end, it: 3, n });
    assert.ok(got instanceof Float64Array);
    close(got, start.map((s, i) => decayValue(type, { start: s, end: end[i], it: 3, n })));
  }
  close(
    decayValue(DecayType.POLYNOMIAL, { start, end: 0, it: 3, n, power: 2 }),
    start.map((s) => s * (1 - 3 / n) ** 2),
  );
  close(decayValue(DecayType.LINEAR, { start: 1, end: [0, 2], it: 1, n: 2 }), [0.5, 1.5]);
  const noCopy = decayValue(DecayType.NO, { start: new Float32Array([0.5, 0.25]), it: 0, n: 1 });
  close(noCopy, [0.5, 0.25]);
});

Deno.test("decayValue rejects bad arguments with clear errors", () => {
  assert.throws(
    () => decayValue(DecayType.EXPONENTIAL, { start: 1, it: 0, n: 1 }),
    { name: "RangeError", message: /EXPONENTIAL without an end/ },
  );
  assert.throws(
    () => decayValue(DecayType.POLYNOMIAL, { start: 1, it: 0, n: 1 }),
    { name: "RangeError", message: /POLYNOMIAL needs a power/ },
  );
  assert.throws(
    () => decayValue(DecayType.POLYNOMIAL, { start: 1, it: 0, n: 1, power: -1 }),
    RangeError,
  );
  assert.throws(
    () => decayValue(DecayType.LINEAR, { start: 1, it: 0, n: 1, power: 2 }),
    { name: "RangeError", message: /only applies to POLYNOMIAL/ },
  );
  assert.throws(() => decayValue(7 as DecayType, { start: 1, it: 0, n: 1 }), TypeError);
  assert.throws(() => decayValue(DecayType.LINEAR, { start: 1, it: 0, n: 0 }), /n > 0, got 0/);
  assert.throws(
    () => decayValue(DecayType.LINEAR, { start: 1, it: 3, n: 2 }),
    /0 <= it <= n = 2, got it = 3/,
  );
  assert.throws(() => decayValue(DecayType.LINEAR, { start: 1, it: -1, n: 2 }), RangeError);
  assert.throws(
    () => decayValue(DecayType.LINEAR, { start: [1, 2], end: [1, 2, 3], it: 0, n: 2 }),
    { name: "RangeError", message: /equal length, got 2 and 3/ },
  );
  assert.throws(() => decayValue(DecayType.LINEAR, { start: [], it: 0, n: 2 }), TypeError);
  assert.throws(() => decayValue(DecayType.LINEAR, { start: NaN, it: 0, n: 2 }), RangeError);
  assert.throws(
    () => decayValue(DecayType.EXPONENTIAL, { start: 0, end: 1, it: 0, n: 2 }),
    /non-zero start and end of the same sign/,
  );
  assert.throws(
    () => decayValue(DecayType.EXPONENTIAL, { start: 1, end: -1, it: 0, n: 2 }),
    RangeError,
  );
});
