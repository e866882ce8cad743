/**
 * Private: packing a uniform struct through its generated layout (`layouts` of `_shaders.ts`, read from
 * the `struct` in the `.wgsl` file), so TypeScript never repeats a byte offset. A field name the struct
 * does not have, a field left out (other than `pad*` fillers) or an array longer than the field is an
 * error, not a silently wrong uniform.
 * @module
 */

/** One field of a generated uniform layout. */
export interface UniformField {
  /** Byte offset in the struct. */
  readonly offset: number;
  /** The WGSL type, e.g. `array<vec4<u32>, 2>`. */
  readonly type: string;
  /** Scalar type of its components. */
  readonly scalar: "u32" | "i32" | "f32";
  /** Components per element (1 for a scalar, N for a vecN). */
  readonly lanes: number;
  /** Elements (1 unless an array). */
  readonly count: number;
  /** Bytes between elements. */
  readonly stride: number;
}

/** A generated uniform struct layout: its size in bytes and its fields. */
export interface UniformLayout {
  readonly size: number;
  readonly fields: Readonly<Record<string, UniformField>>;
}

/** Values of a layout's fields: a number for a scalar, numbers (components in order) otherwise. */
export type UniformValues<L extends UniformLayout> = {
  [K in keyof L["fields"]]?: number | ArrayLike<number>;
};

const isPad = (name: string) => /^_?pad\d*$/.test(name);

/**
 * Packs `values` into `out` (a new buffer of `layout.size` bytes by default) at the layout's offsets.
 * Scalars are stored as their field's type (floats rounded to f32); a vector or array field takes its
 * components in order, fewer than it holds leaving the rest 0. Fields named `pad*` may be left out (0).
 * @throws {TypeError} On a field the struct does not have, a missing field, or too many components.
 */
export function packUniform<L extends UniformLayout>(
  layout: L,
  values: UniformValues<L>,
  out: ArrayBuffer = new ArrayBuffer(layout.size),
): ArrayBuffer {
  if (out.byteLength < layout.size) {
    throw new RangeError(`Cannot pack a ${layout.size}-byte uniform into ${out.byteLength} bytes`);
  }
  const v = values as Record<string, number | ArrayLike<number> | undefined>;
  for (const k in v) {
    if (!(k in layout.fields)) {
      throw new TypeError(
        `Cannot pack uniform field '${k}': expected one of ${
          Object.keys(layout.fields).join(", ")
        }`,
      );
    }
  }
  const dv = new DataView(out);
  for (const name in layout.fields) {
    const f = layout.fields[name]!;
    const x = v[name];
    if (x === undefined) {
      if (!isPad(name)) {
        throw new TypeError(`Cannot pack the uniform: field '${name}' (${f.type}) is missing`);
      }
      for (let i = 0; i < f.count * f.lanes; i++) put(dv, f, i, 0);
      continue;
    }
    if (typeof x === "number") {
      if (f.count * f.lanes !== 1) {
        throw new TypeError(
          `Cannot pack uniform field '${name}': expected ${f.type}, got a number`,
        );
      }
      put(dv, f, 0, x);
      continue;
    }
    const n = f.count * f.lanes;
    if (x.length > n) {
      throw new TypeError(
        `Cannot pack uniform field '${name}': ${f.type} holds ${n} values, got ${x.length}`,
      );
    }
    for (let i = 0; i < n; i++) put(dv, f, i, i < x.length ? x[i]! : 0);
  }
  return out;
}

function put(dv: DataView, f: UniformField, i: number, x: number): void {
  const at = f.offset + Math.floor(i / f.lanes) * f.stride + (i % f.lanes) * 4;
  if (f.scalar === "f32") dv.setFloat32(at, x, true);
  else if (f.scalar === "u32") dv.setUint32(at, x, true);
  else dv.setInt32(at, x, true);
}
