import assert from "node:assert/strict";
import { barText, ProgressBar } from "./_progress.ts";

Deno.test("barText: tqdm's layout", () => {
  assert.equal(
    barText(137, 782, 3, 17.04),
    " 17%|███▌                | 137/782 [00:03<00:14, 45.67it/s, loss=17]",
  );
  assert.match(barText(0, 0, 0, NaN), /^100%\|█{20}\| 0\/0 /);
});

Deno.test("ProgressBar on a terminal: redrawn in place with \\r, cleared at the end", () => {
  const out: string[] = [];
  const bar = new ProgressBar(true, (s) => out.push(s), true);
  bar.start(10);
  for (let i = 1; i <= 10; i++) bar.update(i, 1, i === 5);
  bar.end();
  assert.ok(out.length >= 2 && out.slice(0, -1).every((s) => s.startsWith("\r")));
  assert.match(out.at(-2)!, /^\r100%.* 10\/10 /);
  assert.equal(out.at(-1), "\r\x1b[K");
});

Deno.test("ProgressBar piped: plain lines at each quarter, no control characters", () => {
  const out: string[] = [];
  const bar = new ProgressBar(true, (s) => out.push(s));
  assert.equal(bar.tty, false);
  bar.start(100);
  for (let i = 1; i <= 100; i++) bar.update(i, 2);
  bar.end();
  bar.start(40);
  for (let i = 1; i <= 13; i++) bar.update(i, 3);
  bar.end(true); // a stop keeps the last state
  assert.deepEqual(out.map((l) => l.match(/ (\d+\/\d+) /)![1]), [
    "25/100",
    "50/100",
    "75/100",
    "100/100",
    "10/40",
    "13/40",
  ]);
  assert.ok(out.every((l) => l.endsWith("\n") && !l.includes("\r") && !l.includes("\x1b")));
  const off: string[] = [];
  const none = new ProgressBar(false, (s) => off.push(s));
  none.start(4);
  none.update(4, 1, true);
  none.end(true);
  assert.deepEqual(off, []);
});
