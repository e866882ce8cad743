/**
 * Telling a test run that failed apart from one that passed every test and then died in process
 * teardown. On Mesa's lavapipe, a `deno test` process whose modules each created a WebGPU device
 * sometimes aborts at exit, after its summary, with glibc's "double free or corruption" or
 * "corrupted size vs. prev_size" (one run in about 16 of 40 tiny GPU test modules on the 2-core VM;
 * CI hit it once in the doc examples). A core dump shows the main thread in `exit()` running the
 * shared libraries' finalizers (`_dl_fini`) while another thread, exiting, finds the heap corrupted:
 * a race in the driver's and the runtime's teardown, outside tempo (each module's device is
 * destroyed at its `unload` already). Every result is in by then, so the gate reruns such a run,
 * at most twice (two crashes in a row happened once in about ten gate runs on a busy VM); a run that
 * fails a test, crashes before its summary, or crashes three times, fails. Nothing else is retried.
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

/** Reruns after a run that passed and then crashed at exit, at most. */
export const TEARDOWN_RERUNS = 2;

/**
 * Runs `run`, and reruns it while it passed every test and then crashed at exit (at most
 * {@linkcode TEARDOWN_RERUNS} times), logging {@linkcode crashNotice} before each rerun. Returns
 * the last run's status and the notices.
 */
export async function withTeardownReruns(
  what: string,
  run: () => Promise<RunStatus>,
  log: (line: string) => void = () => {},
): Promise<{ status: RunStatus; notices: string[] }> {
  let status = await run();
  const notices: string[] = [];
  for (let i = 0; i < TEARDOWN_RERUNS && passedThenCrashed(status); i++) {
    const line = crashNotice(what, status);
    notices.push(line);
    log(line);
    status = await run();
  }
  return { status, notices };
}

/** The line the gate prints before it reruns such a run. */
export function crashNotice(what: string, run: RunStatus): string {
  const passed = run.out.match(ALL_PASSED)?.[1] ?? "?";
  return `${what}: all ${passed} tests passed, then the process died at exit ` +
    `(${run.signal ?? `code ${run.code}`}; a teardown crash of the Vulkan driver, see ` +
    "tools/_teardown.ts): running it once more";
}
