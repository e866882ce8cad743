/**
 * Method aliases on `Tensor` for the common ops (`x.matmul(w).add(b).relu()`), installed once when
 * `src/tensor/mod.ts` is imported. Each method calls the functional op of the same name.
 * @module
 */
import { Tensor } from "./tensor.ts";
import { backward } from "./autograd.ts";
import * as ew from "./ops/elementwise.ts";
import * as red from "./ops/reduce.ts";
import * as mv from "./ops/movement.ts";
import { matmul, type MatmulOptions } from "./ops/matmul.ts";
import { logSoftmax, softmax } from "./ops/softmax.ts";
import { toFloat, toInt } from "./ops/cast.ts";

declare module "./tensor.ts" {
  interface Tensor {
    add(b: ew.Operand): Tensor;
    sub(b: ew.Operand): Tensor;
    mul(b: ew.Operand): Tensor;
    div(b: ew.Operand): Tensor;
    pow(b: ew.Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sum(axes?: number | readonly number[], opts?: red.ReduceOptions): Tensor;
    mean(axes?: number | readonly number[], opts?: red.ReduceOptions): Tensor;
    max(axes?: number | readonly number[], opts?: red.ReduceOptions): Tensor;
    argmax(axis?: number, opts?: red.ReduceOptions): Tensor;
    matmul(b: Tensor, opts?: MatmulOptions): Tensor;
    reshape(shape: readonly number[]): Tensor;
    flatten(startDim?: number): Tensor;
    transpose(d0?: number, d1?: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(dim?: number): Tensor;
    /** This tensor converted to f32 (PyTorch `.float()`); see `cast`. */
    float(): Tensor;
    /** This tensor converted to i32, truncated toward zero (PyTorch `.int()`); see `cast`. */
    int(): Tensor;
    /** Backpropagates from this tensor (a loss), filling `.grad` of the leaves. */
    backward(gradient?: Tensor): void;
  }
}

const P = Tensor.prototype;
P.add = function (b) {
  return ew.add(this, b);
};
P.sub = function (b) {
  return ew.sub(this, b);
};
P.mul = function (b) {
  return ew.mul(this, b);
};
P.div = function (b) {
  return ew.div(this, b);
};
P.pow = function (b) {
  return ew.pow(this, b);
};
P.neg = function () {
  return ew.neg(this);
};
P.exp = function () {
  return ew.exp(this);
};
P.log = function () {
  return ew.log(this);
};
P.sqrt = function () {
  return ew.sqrt(this);
};
P.relu = function () {
  return ew.relu(this);
};
P.sigmoid = function () {
  return ew.sigmoid(this);
};
P.tanh = function () {
  return ew.tanh(this);
};
P.abs = function () {
  return ew.abs(this);
};
P.square = function () {
  return ew.square(this);
};
P.sum = function (axes, opts) {
  return red.sum(this, axes, opts);
};
P.mean = function (axes, opts) {
  return red.mean(this, axes, opts);
};
P.max = function (axes, opts) {
  return red.max(this, axes, opts);
};
P.argmax = function (axis, opts) {
  return red.argmax(this, axis, opts);
};
P.matmul = function (b, opts) {
  return matmul(this, b, opts);
};
P.reshape = function (shape) {
  return mv.reshape(this, shape);
};
P.flatten = function (startDim) {
  return mv.flatten(this, startDim);
};
P.transpose = function (d0, d1) {
  return mv.transpose(this, d0, d1);
};
P.permute = function (dims) {
  return mv.permute(this, dims);
};
P.softmax = function (dim) {
  return softmax(this, dim);
};
P.logSoftmax = function (dim) {
  return logSoftmax(this, dim);
};
P.float = function () {
  return toFloat(this);
};
P.int = function () {
  return toInt(this);
};
P.backward = function (gradient) {
  backward(this, gradient);
};
