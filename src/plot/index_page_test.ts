import assert from "node:assert/strict";
import { indexPage } from "./index_page.ts";

Deno.test("indexPage shows each file with its caption, escaped", () => {
  const html = indexPage("Run <1> & co", [
    { title: "Schedule", file: "lr.svg" },
    { title: "a<b", file: 'we"ird.svg' },
  ]);
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.equal(html.match(/<img /g)?.length, 2);
  assert.equal(html.match(/<figcaption>/g)?.length, 2);
  assert.ok(html.includes(`<title>Run &lt;1&gt; &amp; co</title>`));
  assert.ok(html.includes(`src="lr.svg"`));
  assert.ok(html.includes(`src="we&quot;ird.svg"`));
  assert.ok(html.includes(`<figcaption>a&lt;b</figcaption>`));
});

Deno.test("indexPage rejects entries without strings", () => {
  // deno-lint-ignore no-explicit-any
  assert.throws(() => indexPage("t", [{ title: "x" } as any]), TypeError);
});
