/**
 * `indexPage`: an HTML page showing several SVG plot files with captions.
 *
 * @module
 */

import { escapeXml } from "./_svg.ts";

/** One figure of the page: its caption and the (relative) path or URL of the SVG file. */
export interface IndexEntry {
  /** Caption of the figure. */
  title: string;
  /** Path (relative to the page) or URL of the SVG file. */
  file: string;
}

/**
 * A standalone HTML page with one captioned `<img>` per entry.
 *
 * @example
 * ```ts
 * const html = indexPage("1cycle run", [
 *   { title: "Schedule", file: "lr.svg" },
 *   { title: "Loss", file: "loss.svg" },
 * ]);
 * html.includes('<img src="lr.svg"'); // true; write it beside the SVGs with Deno.writeTextFile
 * ```
 */
export function indexPage(title: string, entries: IndexEntry[]): string {
  if (typeof title !== "string") {
    throw new TypeError(`Cannot build index page: expected a string title, got ${typeof title}`);
  }
  const figures = entries.map((e, i) => {
    if (typeof e?.file !== "string" || typeof e?.title !== "string") {
      throw new TypeError(
        `Cannot build index page: entry ${i} needs string 'title' and 'file', got ${
          JSON.stringify(e)
        }`,
      );
    }
    return [
      `<figure>`,
      `  <img src="${escapeXml(e.file)}" alt="${escapeXml(e.title)}">`,
      `  <figcaption>${escapeXml(e.title)}</figcaption>`,
      `</figure>`,
    ].join("\n");
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>
  body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2rem; color: #222; }
  figure { margin: 0 0 2.5rem 0; }
  img { max-width: 100%; height: auto; border: 1px solid #ddd; }
  figcaption { margin-top: 0.4rem; font-size: 1rem; color: #444; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${figures.join("\n")}
</body>
</html>
`;
}
