import assert from "node:assert/strict";
import {
  crashNotice,
  passedThenCrashed,
  type RunStatus,
  TEARDOWN_RERUNS,
  withTeardownReruns,
} from "./_teardown.ts";

const passed =
  "running 1 test from ./a_test.ts\nx ... ok (3ms)\n\nok | 40 passed | 0 failed (20s)\n";
const stepped = "ok | 12 passed (31 steps) | 0 failed (2m)\n";
const failed = "FAILED | 39 passed | 1 failed (20s)\n";

Deno.test("a run that passed everything and then aborted is a teardown crash", () => {
  assert.equal(passedThenCrashed({ code: 134, signal: "SIGABRT", out: passed }), true);
  assert.equal(passedThenCrashed({ code: 139, signal: "SIGSEGV", out: stepped }), true);
  assert.match(crashNotice("t", { code: 134, signal: "SIGABRT", out: passed }), /all 40 tests/);
});

Deno.test("a clean exit, a failed test or a crash before the summary is not", () => {
  assert.equal(passedThenCrashed({ code: 0, signal: null, out: passed }), false);
  assert.equal(passedThenCrashed({ code: 1, signal: null, out: failed }), false);
  assert.equal(passedThenCrashed({ code: 134, signal: "SIGABRT", out: failed }), false);
  assert.equal(passedThenCrashed({ code: 134, signal: "SIGABRT", out: "x ... ok (3ms)\n" }), false);
  assert.equal(passedThenCrashed({ code: 1, signal: null, out: passed }), false);
});

Deno.test("withTeardownReruns reruns a passed-then-crashed run at most twice, nothing else", async () => {
  const crash: RunStatus = { code: 134, signal: "SIGABRT", out: passed };
  const ok: RunStatus = { code: 0, signal: null, out: passed };
  const bad: RunStatus = { code: 1, signal: null, out: failed };
  const seq = (runs: RunStatus[]) => {
    let i = 0;
    return { run: () => Promise.resolve(runs[i++]!), count: () => i };
  };
  assert.equal(TEARDOWN_RERUNS, 2);
  let s = seq([crash, crash, ok]);
  let r = await withTeardownReruns("t", s.run);
  assert.deepEqual([r.status, s.count(), r.notices.length], [ok, 3, 2]);
  s = seq([crash, crash, crash, ok]);
  r = await withTeardownReruns("t", s.run);
  assert.deepEqual([r.status, s.count()], [crash, 3]); // a third crash is the result
  s = seq([bad, ok]);
  r = await withTeardownReruns("t", s.run);
  assert.deepEqual([r.status, s.count(), r.notices], [bad, 1, []]); // a failed test: no rerun
  s = seq([crash, bad]);
  const lines: string[] = [];
  r = await withTeardownReruns("t", s.run, (l) => lines.push(l));
  assert.deepEqual([r.status, s.count(), lines.length], [bad, 2, 1]);
});
