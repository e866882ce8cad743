/**
 * `deno task test [deno test args]`: checks that the generated shader contracts are current, then
 * runs `deno test -A` (all of it, or the files and flags given), its output streamed as it comes.
 * A run that passed every test and then died at exit of a driver teardown crash is run again, at
 * most twice (`_teardown.ts`); any failed test, or a third crash, fails.
 * @module
 */
import { type RunStatus, withTeardownReruns } from "./_teardown.ts";

const deno = Deno.execPath();

// deno-lint-ignore no-control-regex
const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** Runs deno with `args`, copying its output through; keeps the end of its stdout to inspect. */
async function run(args: string[]): Promise<RunStatus> {
  const child = new Deno.Command(deno, { args, stdout: "piped", stderr: "piped" }).spawn();
  let tail = "";
  const dec = new TextDecoder();
  const copy = async (from: ReadableStream<Uint8Array>, to: typeof Deno.stdout, keep: boolean) => {
    for await (const chunk of from) {
      await to.write(chunk);
      if (keep) tail = (tail + dec.decode(chunk, { stream: true })).slice(-64_000);
    }
  };
  await Promise.all([
    copy(child.stdout, Deno.stdout, true),
    copy(child.stderr, Deno.stderr, false),
  ]);
  const { code, signal } = await child.status;
  return { code, signal, out: strip(tail) };
}

if (import.meta.main) {
  const gen = await new Deno.Command(deno, {
    args: ["run", "-A", "tools/gen_shaders.ts", "--check"],
  })
    .spawn().status;
  if (!gen.success) Deno.exit(gen.code || 1);
  const args = ["test", "-A", ...Deno.args];
  const { status: r } = await withTeardownReruns(
    "deno task test",
    () => run(args),
    (line) => console.error(line),
  );
  Deno.exit(r.code === 0 && r.signal === null ? 0 : r.code || 1);
}
