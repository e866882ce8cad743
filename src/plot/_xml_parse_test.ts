import assert from "node:assert/strict";
import { allText, byClass, parseXml } from "./_xml_parse.ts";

Deno.test("parseXml reads elements, attributes, entities and text", () => {
  const root = parseXml(
    `<?xml version="1.0"?>\n<!-- c --><svg a="1" b='x &amp; &lt;y&gt;'><g class="k m"><text>a &#60; b &#x26;</text></g><rect/></svg>\n`,
  );
  assert.equal(root.name, "svg");
  assert.deepEqual(root.attrs, { a: "1", b: "x & <y>" });
  assert.equal(root.children.length, 2);
  assert.equal(byClass(root, "k").length, 1);
  assert.equal(allText(root), "a < b &");
});

Deno.test("parseXml rejects malformed documents", () => {
  const bad = [
    "<a><b></a></b>",
    "<a>",
    "<a></a><b></b>",
    "<a>x & y</a>",
    "<a>&nbsp;</a>",
    `<a x="<"></a>`,
    `<a x="1" x="2"></a>`,
    `<a x=1></a>`,
    `<a x="1"y="2"></a>`,
    "text<a></a>",
    "",
    "<!-- open",
  ];
  for (const s of bad) assert.throws(() => parseXml(s), SyntaxError, s);
});
