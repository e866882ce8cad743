/**
 * `mod.ts` imported from a URL: the repository is served on 127.0.0.1 and a child Deno process with no
 * file-read permission and no config imports `http://127.0.0.1:PORT/mod.ts`, trains nothing but builds a
 * small graph, runs backward and prints the gradient, which this test checks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

Deno.test("mod.ts works when imported from an http URL, with no file reads", async () => {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      if (path.includes("..")) return new Response("bad path", { status: 400 });
      try {
        const body = await Deno.readFile(join(root, path));
        const type = path.endsWith(".ts") ? "application/typescript" : "application/octet-stream";
        return new Response(body, { headers: { "content-type": type } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  const dir = await Deno.makeTempDir();
  try {
    const script = join(dir, "child.ts");
    await Deno.writeTextFile(
      script,
      `import * as t from "http://127.0.0.1:${port}/mod.ts";
await t.init();
const w = t.tensor([[1, 2], [3, 4]], { requiresGrad: true });
const x = t.tensor([[1, 1]]);
const loss = t.sum(t.relu(t.matmul(x, w)));
loss.backward();
console.log(JSON.stringify({ loss: await loss.item(), grad: Array.from(await w.grad!.data()) }));
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--no-lock",
        "--allow-import=127.0.0.1",
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--reload=http://127.0.0.1",
        script,
      ],
      cwd: dir,
      env: { XDG_RUNTIME_DIR: Deno.env.get("XDG_RUNTIME_DIR") ?? dir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `child failed:\n${stderr}`);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.deepEqual(result, { loss: 10, grad: [1, 1, 1, 1] });
  } finally {
    ac.abort();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
