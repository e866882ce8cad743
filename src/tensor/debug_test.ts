import assert from "node:assert/strict";
import { testDevice } from "./_test_util.ts";
import { getDebug, setDebug } from "./debug.ts";
import { tensor } from "./creation.ts";
import { neg, relu } from "./ops/elementwise.ts";

const dev = await testDevice();

/** The debug lines printed while `f` runs at `level`. */
async function capture(level: number, f: () => Promise<void> | void): Promise<string[]> {
  const lines: string[] = [];
  setDebug(level, (l) => lines.push(l));
  try {
    await f();
    dev.flush();
  } finally {
    setDebug(0);
  }
  return lines;
}

Deno.test("TEMPO_DEBUG 0 prints nothing", async () => {
  assert.equal(getDebug(), 0);
  const lines = await capture(0, async () => {
    await relu(tensor([1, -1])).data();
  });
  assert.deepEqual(lines, []);
});

Deno.test("level 1 prints each submit with its dispatches by kernel", async () => {
  const x = tensor([1, -2, 3]);
  const lines = await capture(1, () => {
    relu(neg(relu(x)));
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^\[tempo\] submit \d+: 3 dispatches: /);
  assert.match(lines[0]!, /unary\|main\|\{"OP":5,"CONTIG":1\} x2/);
  assert.match(lines[0]!, /unary\|main\|\{"OP":1,"CONTIG":1\} x1/);
  assert.ok(lines.every((l) => !l.includes("fn main")), "level 1 prints no WGSL");
});

Deno.test("level 2 also prints the WGSL of each pipeline compiled", async () => {
  const lines = await capture(2, () => {
    dev.kernel("unary", { OP: 2, CONTIG: 1, WG: 32 });
  });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^\[tempo\] compiling 'unary\|main\|\{"OP":2,"CONTIG":1,"WG":32\}':\n/);
  assert.match(lines[0]!, /fn main\(/);
  // a cached pipeline is not printed again
  assert.deepEqual(
    await capture(2, () => void dev.kernel("unary", { OP: 2, CONTIG: 1, WG: 32 })),
    [],
  );
});

Deno.test("level 3 also prints the pool's statistics after each submit", async () => {
  const lines = await capture(3, () => {
    relu(tensor([1, 2]));
  });
  const pool = lines.find((l) => l.startsWith("[tempo] pool: "));
  assert.ok(pool, lines.join("\n"));
  const stats = JSON.parse(pool!.slice("[tempo] pool: ".length));
  assert.equal(typeof stats.liveBuffers, "number");
  assert.ok(stats.inUseBytes > 0);
});

Deno.test("setDebug rejects a level outside 0..3", () => {
  assert.throws(() => setDebug(4), RangeError);
  assert.throws(() => setDebug(1.5), RangeError);
  assert.throws(() => setDebug(1, "log" as never), TypeError);
});

Deno.test("TEMPO_DEBUG in the environment sets the level at start", async () => {
  const code = `
    import { init, tensor, relu } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
    const d = await init();
    relu(tensor([1, -1]));
    d.flush();`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env: { TEMPO_DEBUG: "1", XDG_RUNTIME_DIR: Deno.env.get("XDG_RUNTIME_DIR") ?? "/tmp" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(text, /\[tempo\] submit \d+: \d+ dispatches: .*unary\|main/);
});
