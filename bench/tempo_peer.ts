/**
 * tempo's side of `deno task bench`, filled in by the engine's authors.
 *
 * Register one function per bench name (the names `bench/main.ts` lists). Each returns the value
 * in the bench's unit, measured like its tfjs twin in `tfjs_peer.ts` (same function names and
 * signatures: `matmulGflops(m, k, n)`, `elementwiseGBps(n)`, `dispatchUs()`, `trainSimpleNet()`,
 * `trainMlp784()`, `trainShallowConv()`), with `measure` from `_harness.ts` and the parameters
 * in `_workloads.ts`: queue the work, end each timed run with ONE small `await t.data()`.
 * Benches with no entry show `-` in the table and print no JSON line.
 *
 * @example
 * ```ts ignore
 * export async function matmulGflops(m: number, k: number, n: number): Promise<number> {
 *   const a = randn([m, k]), b = randn([k, n]);
 *   const batch = matmulBatch(m, k, n);
 *   const ms = await measure(async () => {
 *     let last: Tensor | undefined;
 *     for (let i = 0; i < batch; i++) { const y = matmul(a, b); last?.dispose(); last = y; }
 *     await last!.data();
 *     last!.dispose();
 *   });
 *   a.dispose(); b.dispose();
 *   return (2 * m * k * n * batch) / (ms * 1e6);
 * }
 * tempoBenches.matmul_256 = () => matmulGflops(256, 256, 256);
 * ```
 * @module
 */

/** tempo measurements by bench name; empty until the engine lands. */
export const tempoBenches: Partial<Record<string, () => Promise<number>>> = {};
