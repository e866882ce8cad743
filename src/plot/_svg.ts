/**
 * SVG string building blocks: escaping, number formatting, elements, the document wrapper.
 *
 * @module
 */

/** Fonts every browser has one of; DejaVu Sans is matplotlib's default. */
export const FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** matplotlib's default colour cycle (tab10). */
export const COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
] as const;

/** Escapes text for XML element content and double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) =>
      c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === "&"
        ? "&amp;"
        : c === '"'
        ? "&quot;"
        : "&apos;",
  );
}

/** A pixel coordinate with at most 2 decimals (keeps files small). */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/** A data value as short text: 6 significant digits, exponent form like `1e-5` when shorter. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const plain = String(Number(v.toPrecision(6)));
  const [mant = "", exp] = v.toExponential(5).split("e");
  const m = mant.replace(/\.?0+$/, "");
  const e = Number(exp);
  const sci = `${m}e${e}`;
  return sci.length < plain.length ? sci : plain;
}

/** Attribute values; `undefined` attributes are left out, numbers are rounded like {@link px}. */
export type Attrs = Record<string, string | number | undefined>;

/** One XML element as a string; `children` is raw (already escaped) markup, `null` makes it self-closing. */
export function el(name: string, attrs: Attrs = {}, children: string | null = null): string {
  let out = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    out += ` ${k}="${typeof v === "number" ? px(v) : escapeXml(v)}"`;
  }
  return children === null ? `${out}/>` : `${out}>${children}</${name}>`;
}

/** A text element with escaped content. */
export function text(content: string, attrs: Attrs): string {
  return el("text", attrs, escapeXml(content));
}

/** Rough rendered width of `s` in px at `size` px (DejaVu Sans averages ~0.6 em per character). */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.6;
}

/** Wraps `body` in a standalone SVG document with a white background. */
export function svgDocument(width: number, height: number, body: string, title?: string): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  const attrs: Attrs = {
    xmlns: "http://www.w3.org/2000/svg",
    width,
    height,
    viewBox: `0 0 ${px(width)} ${px(height)}`,
    "font-family": FONT_FAMILY,
  };
  const t = title === undefined ? "" : el("title", {}, escapeXml(title));
  const bg = el("rect", { width: "100%", height: "100%", fill: "white" });
  return head + el("svg", attrs, `\n${t}${bg}\n${body}\n`) + "\n";
}
