// The browser test page's stand-ins for what the bundled Deno test files use: `Deno.test` (collects
// the tests; `run` executes them in order, with `t.step`), `Deno.readTextFile` (fetch: the fixtures
// are served beside the page) and `node:assert/strict` (the subset the tests call). The harness
// rewrites the bundle's references to `globalThis.__shim` and `globalThis.__assert`.

const tests = [];

function test(a, b, c) {
  let def;
  if (typeof a === "string") {
    def = typeof b === "function" ? { name: a, fn: b } : { ...b, name: a, fn: c };
  } else def = typeof b === "function" ? { ...a, fn: b } : a;
  tests.push(def);
}

async function readTextFile(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`readTextFile ${url}: HTTP ${res.status}`);
  return await res.text();
}

/**
 * Runs the collected tests in order; one result per test. `only`: a RegExp source the names must
 * match. `sample`: `[pattern, every]` pairs: of the tests matching a pattern, only every `every`-th
 * runs (the first, the every+1-th, ...), to bound the time of large families of cases.
 */
async function run({ only, sample = [] } = {}) {
  const results = [];
  const seen = sample.map(() => 0);
  for (const t of tests) {
    if (t.ignore || (only && !new RegExp(only).test(t.name))) continue;
    const i = sample.findIndex(([p]) => new RegExp(p).test(t.name));
    if (i >= 0 && seen[i]++ % sample[i][1] !== 0) continue;
    const t0 = performance.now();
    const ctx = {
      name: t.name,
      async step(name, fn) {
        if (typeof name === "object") [name, fn] = [name.name, name.fn];
        await fn(ctx);
        return true;
      },
    };
    try {
      await t.fn(ctx);
      results.push({ name: t.name, ok: true, ms: performance.now() - t0 });
    } catch (e) {
      results.push({
        name: t.name,
        ok: false,
        ms: performance.now() - t0,
        error: String(e?.stack ?? e),
      });
    }
  }
  return results;
}

class AssertionError extends Error {}

function show(v) {
  try {
    return JSON.stringify(v, (_, x) => (ArrayBuffer.isView(x) ? Array.from(x) : x))?.slice(0, 300);
  } catch {
    return String(v);
  }
}

function deepEq(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEq(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map || a instanceof Set) return deepEq([...a], [...b]);
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEq(a[k], b[k]));
}

function fail(message) {
  throw message instanceof Error ? message : new AssertionError(message ?? "Failed");
}

function matches(e, expected) {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(e?.message ?? e));
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && e instanceof expected) return true;
    if (expected === Error || Object.prototype.isPrototypeOf.call(Error, expected)) return false;
    return expected(e) === true;
  }
  return Object.entries(expected).every(([k, v]) =>
    v instanceof RegExp ? v.test(String(e?.[k])) : deepEq(e?.[k], v)
  );
}

function assert(v, message) {
  if (!v) fail(message ?? `expected a truthy value, got ${show(v)}`);
}
Object.assign(assert, {
  AssertionError,
  ok: assert,
  fail,
  equal(a, b, m) {
    if (!Object.is(a, b)) fail(m ?? `expected ${show(b)}, got ${show(a)}`);
  },
  notEqual(a, b, m) {
    if (Object.is(a, b)) fail(m ?? `expected something other than ${show(b)}`);
  },
  deepEqual(a, b, m) {
    if (!deepEq(a, b)) fail(m ?? `expected ${show(b)}, got ${show(a)}`);
  },
  notDeepEqual(a, b, m) {
    if (deepEq(a, b)) fail(m ?? `expected something other than ${show(b)}`);
  },
  match(s, re, m) {
    if (!re.test(s)) fail(m ?? `expected ${show(s)} to match ${re}`);
  },
  throws(fn, expected, m) {
    try {
      fn();
    } catch (e) {
      if (!matches(e, expected)) fail(m ?? `unexpected error: ${e?.stack ?? e}`);
      return;
    }
    fail(m ?? "expected the function to throw");
  },
  async rejects(p, expected, m) {
    try {
      await (typeof p === "function" ? p() : p);
    } catch (e) {
      if (!matches(e, expected)) fail(m ?? `unexpected rejection: ${e?.stack ?? e}`);
      return;
    }
    fail(m ?? "expected a rejection");
  },
});
assert.strictEqual = assert.equal;
assert.deepStrictEqual = assert.deepEqual;
assert.strict = assert;

globalThis.__shim = { test, readTextFile, run, tests };
globalThis.__assert = assert;
