/**
 * PyTorch CPU peer: runs `torch_bench.py` with Debian's `/usr/bin/python3` (python3-torch) in a
 * subprocess and parses its JSON lines. When that interpreter or torch is missing, the benches
 * are skipped with a note (benchmarks may skip; tests may not).
 *
 * @example
 * ```ts
 * const { results, note } = await runTorchBenches({ filter: "matmul", quick: true });
 * if (note) console.error(note);
 * console.log(results.get("matmul_1024"), "GFLOP/s");
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import type { Unit } from "./_harness.ts";

/** The interpreter that has torch (the `python3` on PATH does not). */
export const TORCH_PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./torch_bench.py", import.meta.url));
const UNITS: readonly string[] = ["GFLOP/s", "GB/s", "us", "samples/s"];

/** Values by bench name, and a note when torch was skipped or reported something. */
export interface TorchRun {
  results: Map<string, { value: number; unit: Unit }>;
  note?: string;
}

async function run(args: string[]): Promise<Deno.CommandOutput | undefined> {
  try {
    return await new Deno.Command(TORCH_PYTHON, { args, stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Parses `torch_bench.py` output; malformed lines are reported in `bad`. */
export function parseTorchLines(stdout: string): { results: TorchRun["results"]; bad: string[] } {
  const results: TorchRun["results"] = new Map();
  const bad: string[] = [];
  for (const line of stdout.split("\n").map((l) => l.trim()).filter((l) => l)) {
    try {
      const o = JSON.parse(line);
      if (
        typeof o.bench === "string" && o.impl === "pytorch-cpu" && typeof o.value === "number" &&
        UNITS.includes(o.unit)
      ) {
        results.set(o.bench, { value: o.value, unit: o.unit });
        continue;
      }
    } catch { /* reported below */ }
    bad.push(line);
  }
  return { results, bad };
}

/** Runs the PyTorch benches whose name contains `filter` (all when empty). */
export async function runTorchBenches(
  options: { filter?: string; quick?: boolean } = {},
): Promise<TorchRun> {
  const probe = await run(["-c", "import torch"]);
  if (!probe) return { results: new Map(), note: `pytorch-cpu skipped: ${TORCH_PYTHON} not found` };
  if (!probe.success) {
    return { results: new Map(), note: `pytorch-cpu skipped: ${TORCH_PYTHON} cannot import torch` };
  }
  const args = [SCRIPT, "--filter", options.filter ?? ""];
  if (options.quick) args.push("--quick");
  const out = (await run(args))!;
  const dec = new TextDecoder();
  const { results, bad } = parseTorchLines(dec.decode(out.stdout));
  const notes = dec.decode(out.stderr).trim().split("\n").filter((l) => l);
  if (!out.success) notes.push(`torch_bench.py exited with code ${out.code}`);
  if (bad.length) notes.push(`torch_bench.py printed unexpected lines: ${bad.join(" / ")}`);
  return { results, note: notes.length ? notes.join("\n") : undefined };
}
