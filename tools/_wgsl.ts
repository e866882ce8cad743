/**
 * The small, strict WGSL reader behind `gen_shaders.ts`: module-level constants, the byte layout of
 * uniform structs (WGSL's alignment rules for u32/i32/f32, vec2/3/4 and arrays of them), bindings,
 * and which bindings each entry point uses (static use: what it and the functions it calls name,
 * minus their own locals). Anything it cannot read is an error naming the file, never a guess.
 * @module
 */

export function fail(file: string, msg: string): never {
  throw new Error(`shaders/${file}: ${msg}`);
}

/** WGSL without comments. */
export function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

/** Splits `s` at top-level commas (not inside `<>` or `()`). */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "<" || ch === "(") depth++;
    if (ch === ">" || ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x);
}

/** Value of a module-level constant initializer: integer or float literals only. */
export function literal(file: string, name: string, v: string): number {
  const s = v.trim();
  let m = s.match(/^(-?)(0x[0-9a-fA-F]+|\d+)[ui]?$/);
  if (m) return (m[1] ? -1 : 1) * Number(m[2]);
  m = s.match(/^-?(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)?f?$/);
  if (m) return Number(s.replace(/f$/, ""));
  return fail(file, `const ${name} = ${s}: only literal constants can be exported`);
}

export interface Field {
  offset: number;
  type: string;
  scalar: "u32" | "i32" | "f32";
  lanes: number;
  count: number;
  stride: number;
}
export interface Layout {
  size: number;
  fields: Record<string, Field>;
}
export interface TypeInfo {
  size: number;
  align: number;
  scalar: "u32" | "i32" | "f32";
  lanes: number;
  count: number;
  stride: number;
}

export const SHORT: Record<string, string> = { f: "f32", u: "u32", i: "i32" };

/** Size, alignment and element shape of a uniform field type (WGSL's uniform address space rules). */
export function typeInfo(file: string, t: string): TypeInfo {
  t = t.replace(/\s+/g, "");
  if (t === "u32" || t === "i32" || t === "f32") {
    return { size: 4, align: 4, scalar: t, lanes: 1, count: 1, stride: 4 };
  }
  let m = t.match(/^vec([234])(?:<(u32|i32|f32)>|([fui]))$/);
  if (m) {
    const n = Number(m[1]);
    const scalar = (m[2] ?? SHORT[m[3]!]) as TypeInfo["scalar"];
    const align = n === 2 ? 8 : 16;
    return { size: 4 * n, align, scalar, lanes: n, count: 1, stride: 4 * n };
  }
  m = t.match(/^array<(.+),(\d+)u?>$/);
  if (m) {
    const e = typeInfo(file, m[1]!);
    if (e.count !== 1) fail(file, `cannot lay out nested array ${t}`);
    const stride = Math.ceil(e.size / e.align) * e.align;
    if (stride % 16 !== 0) {
      fail(file, `array ${t} in a uniform needs an element stride of 16 bytes`);
    }
    const count = Number(m[2]);
    return { size: count * stride, align: 16, scalar: e.scalar, lanes: e.lanes, count, stride };
  }
  return fail(file, `cannot lay out a uniform field of type ${t}`);
}

/** The structs of one file (raw, without includes), laid out lazily (only uniform ones must be valid). */
export function structsOf(src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of stripComments(src).matchAll(/^struct\s+(\w+)\s*\{([^}]*)\}/gm)) {
    out.set(m[1]!, m[2]!);
  }
  return out;
}

export function layout(file: string, name: string, body: string): Layout {
  const fields: Record<string, Field> = {};
  let end = 0;
  let align = 4;
  for (const f of splitTop(body)) {
    const m = f.match(/^(\w+)\s*:\s*(.+)$/);
    if (!m) fail(file, `struct ${name}: cannot read field '${f}'`);
    if (f.includes("@")) fail(file, `struct ${name}: field attributes are not supported`);
    const ti = typeInfo(file, m[2]!);
    align = Math.max(align, ti.align);
    const offset = Math.ceil(end / ti.align) * ti.align;
    fields[m[1]!] = {
      offset,
      type: m[2]!.replace(/\s+/g, " ").replace(/,(\S)/g, ", $1"),
      scalar: ti.scalar,
      lanes: ti.lanes,
      count: ti.count,
      stride: ti.stride,
    };
    end = offset + ti.size;
  }
  if (end === 0) fail(file, `struct ${name} has no fields`);
  return { size: Math.ceil(end / align) * align, fields };
}

/** Module-level functions: name, the identifiers they name (minus their locals). */
export function functionsOf(file: string, src: string): Map<string, Set<string>> {
  const fns = new Map<string, Set<string>>();
  const re = /^fn\s+(\w+)\s*\(/gm;
  for (const m of src.matchAll(re)) {
    const start = m.index! + m[0].length - 1;
    const open = src.indexOf("{", start);
    if (open < 0) fail(file, `fn ${m[1]}: no body`);
    let depth = 0;
    let i = open;
    for (; i < src.length; i++) {
      if (src[i] === "{") depth++;
      else if (src[i] === "}" && --depth === 0) break;
    }
    if (depth !== 0) fail(file, `fn ${m[1]}: unbalanced braces`);
    const text = src.slice(start, i + 1);
    const locals = new Set<string>();
    for (const l of text.matchAll(/\b(?:let|var|const)\s+(\w+)/g)) locals.add(l[1]!);
    const params = src.slice(start + 1, open);
    for (const p of params.matchAll(/(?:^|[(,])\s*(?:@\w+(?:\([^)]*\))?\s*)*(\w+)\s*:/g)) {
      locals.add(p[1]!);
    }
    const names = new Set<string>();
    for (const id of text.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)) {
      if (!locals.has(id[0])) names.add(id[0]);
    }
    fns.set(m[1]!, names);
  }
  return fns;
}

export interface Parsed {
  constants: Record<string, number>;
  bindings: Record<string, Record<string, number>>;
  uniforms: Set<string>;
  /** The bindings a kernel may write: `read_write` storage buffers and storage textures. */
  writable: string[];
}

export function parseShader(file: string, full: string): Parsed {
  const src = stripComments(full);
  const constants: Record<string, number> = {};
  for (const m of src.matchAll(/^const\s+(\w+)\s*(?::\s*\w+)?\s*=\s*([^;]+);/gm)) {
    if (m[1]! in constants) fail(file, `const ${m[1]} declared twice`);
    constants[m[1]!] = literal(file, m[1]!, m[2]!);
  }
  const vars = new Map<string, number>();
  const uniforms = new Set<string>();
  const writable: string[] = [];
  for (const line of src.split("\n")) {
    if (!/^\s*@group/.test(line)) continue;
    const m = line.match(
      /^\s*@group\((\d+)\)\s*@binding\((\d+)\)\s*var(<([^>]*)>)?\s+(\w+)\s*:\s*([^;]+);\s*$/,
    );
    if (!m) fail(file, `cannot read binding '${line.trim()}'`);
    if (m[1] !== "0") fail(file, `binding ${m[5]}: only @group(0) is supported`);
    if (vars.has(m[5]!)) fail(file, `binding ${m[5]} declared twice`);
    vars.set(m[5]!, Number(m[2]));
    if (m[4]?.trim() === "uniform") uniforms.add(m[6]!.trim());
    if (/read_write/.test(m[4] ?? "") || /^texture_storage/.test(m[6]!.trim())) {
      writable.push(m[5]!);
    }
  }
  const fns = functionsOf(file, src);
  const bindings: Record<string, Record<string, number>> = {};
  for (const m of src.matchAll(/@compute[^;{]*?\bfn\s+(\w+)/g)) {
    const entry = m[1]!;
    const seen = new Set<string>([entry]);
    const todo = [entry];
    const used: Record<string, number> = {};
    while (todo.length) {
      for (const id of fns.get(todo.pop()!) ?? []) {
        if (fns.has(id) && !seen.has(id)) {
          seen.add(id);
          todo.push(id);
        }
        const b = vars.get(id);
        if (b !== undefined) used[id] = b;
      }
    }
    const byIndex = new Map<number, string>();
    for (const [n, b] of Object.entries(used)) {
      if (byIndex.has(b)) {
        fail(file, `entry ${entry} uses ${byIndex.get(b)} and ${n} at binding ${b}`);
      }
      byIndex.set(b, n);
    }
    bindings[entry] = Object.fromEntries(Object.entries(used).sort((x, y) => x[1] - y[1]));
  }
  if (Object.keys(bindings).length === 0) fail(file, "no @compute entry point");
  return { constants, bindings, uniforms, writable: writable.sort() };
}

/** `o` as TypeScript, one line per entry below depth `flat` (compact, stable output). */
export function emit(o: unknown, flat: number, indent = ""): string {
  if (typeof o !== "object" || o === null) return JSON.stringify(o);
  if (flat === 0) {
    return `{${
      Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${emit(v, 0)}`).join(", ")
    }}`;
  }
  const inner = indent + "  ";
  const rows = Object.entries(o).map(([k, v]) =>
    `${inner}${JSON.stringify(k)}: ${emit(v, flat - 1, inner)},`
  );
  return rows.length ? `{\n${rows.join("\n")}\n${indent}}` : "{}";
}
