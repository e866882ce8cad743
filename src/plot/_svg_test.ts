import assert from "node:assert/strict";
import { el, escapeXml, formatValue, px, svgDocument, text } from "./_svg.ts";
import { findAll, parseXml } from "./_xml_parse.ts";

Deno.test("escapeXml escapes the five XML specials", () => {
  assert.equal(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});

Deno.test("formatValue prints short numbers", () => {
  assert.equal(formatValue(1e-4), "1e-4");
  assert.equal(formatValue(0.99), "0.99");
  assert.equal(formatValue(0.1 + 0.2), "0.3");
  assert.equal(formatValue(1e-5), "1e-5");
  assert.equal(formatValue(0), "0");
  assert.equal(formatValue(250), "250");
});

Deno.test("el drops undefined attributes, rounds numbers and escapes values", () => {
  assert.equal(
    el("rect", { x: 1.23456, y: undefined, c: `"<` }),
    `<rect x="1.23" c="&quot;&lt;"/>`,
  );
  assert.equal(text("<&>", { x: 0 }), `<text x="0">&lt;&amp;&gt;</text>`);
  assert.equal(px(-0.001), "0");
});

Deno.test("svgDocument is well-formed with viewBox, size and a white background", () => {
  const s = svgDocument(600, 400, el("g", {}, text("a & b", { x: 1 })), "t <1>");
  const root = parseXml(s);
  assert.equal(root.attrs.viewBox, "0 0 600 400");
  assert.equal(root.attrs.width, "600");
  assert.equal(root.attrs.height, "400");
  assert.ok(root.attrs["font-family"]!.includes("sans-serif"));
  const bg = findAll(root, (e) => e.name === "rect")[0]!;
  assert.equal(bg.attrs.fill, "white");
  assert.equal(findAll(root, (e) => e.name === "title")[0]!.text, "t <1>");
});
