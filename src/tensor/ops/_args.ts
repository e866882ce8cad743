/**
 * Private: the argument guards every public op runs first, so that a value that is not a tensor, a
 * number or a list of integers is a `TypeError` naming the op, the argument and what came
 * (`Cannot add: expected b to be a Tensor or a number, got "2" (string)`), never an engine message
 * like "Cannot read properties of undefined" from deep inside the op. Range checks (an axis past
 * the rank, a shape of the wrong size) stay with each op, which knows the shapes.
 * @module
 */
import { describe } from "../../_options.ts";
import { Tensor } from "../tensor.ts";

function fail(op: string, name: string, expected: string, v: unknown): never {
  throw new TypeError(`Cannot ${op}: expected ${name} to be ${expected}, got ${describeArg(v)}`);
}

/** `Tensor(f32[2,3])`, or what `describe` of the options checker says for other values. */
export function describeArg(v: unknown): string {
  if (v instanceof Tensor) return String(v);
  if (typeof v === "symbol") return `a symbol`;
  if (typeof v === "bigint") return `${v}n (bigint)`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return describe(v);
}

/** Throws unless `v` is a `Tensor` that was not disposed (a `ReferenceError` then, as on use). */
export function tensorArg(op: string, name: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) fail(op, name, "a Tensor", v);
  if (v.disposed) {
    throw new ReferenceError(`Cannot ${op}: ${name}, tensor #${v.id} [${v.shape}], was disposed`);
  }
}

/** Throws unless `v` is a `Tensor` (not disposed) or a number. */
export function operandArg(op: string, name: string, v: unknown): asserts v is Tensor | number {
  if (typeof v !== "number") {
    if (!(v instanceof Tensor)) fail(op, name, "a Tensor or a number", v);
    tensorArg(op, name, v);
  }
}

/** Throws unless `a` and `b` are Tensors or numbers, at least one of them a Tensor. */
export function operandsArg(op: string, a: unknown, b: unknown): void {
  operandArg(op, "a", a);
  operandArg(op, "b", b);
  if (typeof a === "number" && typeof b === "number") {
    throw new TypeError(
      `Cannot ${op} ${a} and ${b}: expected at least one Tensor, got two numbers`,
    );
  }
}

/** Throws unless every entry of `vs` is a `Tensor` (null/undefined allowed where `optional`). */
export function tensorsArg(op: string, named: Record<string, unknown>, optional: string[] = []) {
  for (const [name, v] of Object.entries(named)) {
    if ((v === null || v === undefined) && optional.includes(name)) continue;
    tensorArg(op, name, v);
  }
}

/** Throws unless `v` is an integer (an axis, a dimension). */
export function intArg(op: string, name: string, v: unknown): asserts v is number {
  if (!Number.isInteger(v)) fail(op, name, "an integer", v);
}

/** Throws unless `v` is an array of integers (a shape, dims, starts). */
export function intsArg(op: string, name: string, v: unknown): asserts v is readonly number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) {
    fail(op, name, "an array of integers", v);
  }
}

/** Throws unless `v` is undefined, an integer or an array of integers (reduction axes). */
export function axesArg(op: string, name: string, v: unknown): void {
  if (v === undefined || Number.isInteger(v)) return;
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return;
  fail(op, name, "an integer, an array of integers or undefined", v);
}
