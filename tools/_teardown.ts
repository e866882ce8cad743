/**
 * Telling a test run that failed apart from one that passed every test and then died in process
 * teardown. On Mesa's lavapipe, a `deno test` process whose modules each created a WebGPU device
 * sometimes aborts at exit, after its summary, with glibc's "double free or corruption" or
 * "corrupted size vs. prev_size" (one run in about 16 of 40 tiny GPU test modules on the 2-core VM;
 * CI hit it once in the doc examples). A core dump shows the main thread in `exit()` running the
 * shared libraries' finalizers (`_dl_fini`) while another thread, exiting, finds the heap corrupted:
 * a race in the driver's and the runtime's teardown, outside tempo (each module's device is
 * destroyed at its `unload` already). Every result is in by then, so the gate reruns such a run
 * once; a run that fails a test, crashes before its summary, or crashes twice, fails. Nothing else
 * is retried.
 * @module
 */

/** The summary line of a `deno test` run in which nothing failed (colors stripped). */
const ALL_PASSED = /^ok \| (\d+) passed(?: \(\d+ steps?\))? \| 0 failed/m;

/** What a finished child process reported. */
export interface RunStatus {
  code: number;
  signal: string | null;
  /** Its output, colors stripped. */
  out: string;
}

/**
 * Whether `run` printed a summary in which every test passed and then died of a signal (SIGABRT or
 * SIGSEGV, from the driver's teardown), rather than exiting 0 or failing a test.
 */
export function passedThenCrashed(run: RunStatus): boolean {
  const crashed = run.signal === "SIGABRT" || run.signal === "SIGSEGV" ||
    run.code === 134 || run.code === 139;
  return crashed && ALL_PASSED.test(run.out);
}

/** The line the gate prints before it reruns such a run. */
export function crashNotice(what: string, run: RunStatus): string {
  const passed = run.out.match(ALL_PASSED)?.[1] ?? "?";
  return `${what}: all ${passed} tests passed, then the process died at exit ` +
    `(${run.signal ?? `code ${run.code}`}; a teardown crash of the Vulkan driver, see ` +
    "tools/_teardown.ts): running it once more";
}
