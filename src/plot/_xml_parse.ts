/**
 * A small, strict XML parser used by the tests to check that the SVG output is well-formed and to
 * query it. Supports elements, attributes, text, comments, `<?...?>` and `<!DOCTYPE>`; no DTDs.
 *
 * @module
 */

/** A parsed element. `text` is the decoded text of its direct children. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  if (s.includes("<")) throw new SyntaxError(`Unescaped '<' near offset ${at}`);
  return s.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(";")) throw new SyntaxError(`Bare '&' near offset ${at}`);
    if (name in ENTITIES) return ENTITIES[name]!;
    const num = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(name);
    if (num) {
      const v = num[1]![0] === "x" ? parseInt(num[1]!.slice(1), 16) : parseInt(num[1]!, 10);
      return String.fromCodePoint(v);
    }
    throw new SyntaxError(`Unknown entity '&${name};' near offset ${at}`);
  });
}

/** Parses `src` and returns its root element; throws a `SyntaxError` when it is not well-formed. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skip = (end: string) => {
    const j = src.indexOf(end, i);
    if (j < 0) throw new SyntaxError(`Unterminated construct at offset ${i}, expected '${end}'`);
    i = j + end.length;
  };
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    const chunk = src.slice(i, lt < 0 ? src.length : lt);
    if (chunk.length > 0) {
      const t = decode(chunk, i);
      if (stack.length > 0) stack[stack.length - 1]!.text += t;
      else if (t.trim() !== "") {
        throw new SyntaxError(`Text outside the root element at offset ${i}`);
      }
    }
    if (lt < 0) break;
    i = lt;
    if (src.startsWith("<!--", i)) skip("-->");
    else if (src.startsWith("<?", i)) skip("?>");
    else if (src.startsWith("<!", i)) skip(">");
    else if (src.startsWith("</", i)) {
      const m = NAME.exec(src.slice(i + 2));
      const open = stack.pop();
      if (!m || !open || open.name !== m[0]) {
        throw new SyntaxError(
          `Mismatched close tag '${m?.[0]}' for '${open?.name}' at offset ${i}`,
        );
      }
      i += 2 + m[0].length;
      const close = /^\s*>/.exec(src.slice(i));
      if (!close) throw new SyntaxError(`Malformed close tag at offset ${i}`);
      i += close[0].length;
    } else {
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new SyntaxError(`Bad tag name at offset ${i}`);
      const node: XmlElement = { name: m[0], attrs: {}, children: [], text: "" };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0];
        i += ws.length;
        if (src.startsWith("/>", i) || src.startsWith(">", i)) break;
        if (ws.length === 0) throw new SyntaxError(`Expected whitespace before attribute at ${i}`);
        const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(src.slice(i));
        if (!a) throw new SyntaxError(`Malformed attribute at offset ${i}`);
        if (a[1]! in node.attrs) throw new SyntaxError(`Duplicate attribute '${a[1]}' at ${i}`);
        node.attrs[a[1]!] = decode(a[3] ?? a[4]!, i);
        i += a[0].length;
      }
      if (stack.length > 0) stack[stack.length - 1]!.children.push(node);
      else if (root) throw new SyntaxError(`Second root element at offset ${i}`);
      else root = node;
      if (src.startsWith("/>", i)) i += 2;
      else {
        i += 1;
        stack.push(node);
      }
    }
  }
  if (stack.length > 0) {
    throw new SyntaxError(`Unclosed element '${stack[stack.length - 1]!.name}'`);
  }
  if (!root) throw new SyntaxError("No root element");
  return root;
}

/** All descendants of `root` (and `root` itself) that satisfy `pred`, in document order. */
export function findAll(root: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (pred(e)) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** Elements whose `class` attribute contains every class in `cls` (space separated). */
export function byClass(root: XmlElement, cls: string): XmlElement[] {
  const want = cls.split(" ");
  return findAll(root, (e) => {
    const have = (e.attrs.class ?? "").split(/\s+/);
    return want.every((c) => have.includes(c));
  });
}

/** The decoded text of `e` and all its descendants. */
export function allText(e: XmlElement): string {
  return e.text + e.children.map(allText).join("");
}
