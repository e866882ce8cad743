/**
 * Private: the conv family's direct lowerings of a convolution's forward
 * (`shaders/conv2d_direct.wgsl`): the output computed straight from x and W (+ bias), `cpi` (4 or 8)
 * output channels at `px` (4 or 1) pixels of a row per invocation, in NCHW or the channel-major
 * `[Cout, N*Ho*Wo]` layout that the fused conv + batch norm reads (`conv_bn.ts`). No im2col
 * matrix, no GEMM, no relayout; for groups 1 and Cout % 4 == 0 the weights are first transposed to
 * `[K, Cout]` (one small copy) so a block's weights of a tap are vec4 loads. The caller has
 * checked the geometry and split the batch past the binding limit (`conv.ts`), and that the grid fits
 * (`directFits`).
 *
 * Not here: the choice of lowering (`_conv_tune.ts`), the backward (im2col, `conv.ts`).
 * CPU twin: `_conv_ref.ts`. Tests: `../tune_conv_test.ts`.
 * @module
 */
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { Tensor } from "../tensor.ts";
import { fmt } from "./_launch.ts";
import type { Geo } from "./conv.ts";
import { DIRECT_WG } from "./_conv_tune.ts";
import { noGrad } from "../autograd.ts";
import { transpose } from "./movement.ts";

/** The taps' pipeline constants of `g` (`shaders/_conv_taps.wgsl`, for im2col and the direct kernel). */
export function tapConstants(g: Geo): Record<string, number> {
  return { KH: g.kh, KW: g.kw, SH: g.s[0], SW: g.s[1], DH: g.dl[0], DW: g.dl[1] };
}

/**
 * `conv2d(x, w, bias)` of geometry `g` at `cpi` (4 or 8) output channels and `px` (4 or 1) pixels
 * per invocation, as NCHW `[N, Cout, Ho, Wo]`, or channel-major `[Cout, N*Ho*Wo]` when `channelMajor`.
 */
export function convDirect(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  g: Geo,
  cpi: number,
  px = 4,
  channelMajor = false,
): Tensor {
  const d = device();
  const pp = g.ho * g.wo;
  const y = Tensor.empty(channelMajor ? [g.co, g.n * pp] : [g.n, g.co, g.ho, g.wo]);
  const cog = g.co / g.groups, cob = Math.ceil(cog / cpi);
  const wq = Math.ceil(g.wo / px), quads = g.ho * wq;
  const v4 = px === 4 && g.wo % 4 === 0;
  // W^T [K, Co] for vec4 weight loads (one small transpose a call; groups 1, Co % 4 == 0)
  const wt = g.groups === 1 && g.co % 4 === 0
    ? noGrad(() => {
      const w2 = w.view([g.co, w.size / g.co]);
      const t = transpose(w2);
      w2.dispose();
      return t;
    })
    : null;
  const k = d.kernel("conv2d_direct", {
    WG: DIRECT_WG,
    CPI: cpi,
    ...(px === 4 ? {} : { PX: px }),
    ...tapConstants(g),
    BIAS: bias ? 1 : 0,
    CM: channelMajor ? 1 : 0,
    WT: wt ? 1 : 0,
  }, v4 ? "main4" : "main");
  const u = packUniform(layouts.conv2d_direct.Params, {
    N: g.n,
    C: g.c,
    H: g.h,
    W: g.w,
    Ho: g.ho,
    Wo: g.wo,
    Co: g.co,
    Cg: g.c / g.groups,
    Cog: cog,
    CoB: cob,
    PH: g.p[0],
    PW: g.p[1],
    Wq: wq,
    quads,
  });
  d.dispatch(
    k,
    {
      P: d.uniform(u),
      x: x.buffer,
      w: w.buffer,
      bias: bias?.buffer ?? d.dummy,
      wt4: wt?.buffer ?? d.dummy,
      ...(v4 ? { dst4: y.buffer } : { dst: y.buffer }),
    },
    [Math.ceil(quads / DIRECT_WG), g.groups * cob, g.n],
    () => `the direct conv2d of ${fmt(x.shape)} with ${fmt(w.shape)}`,
  );
  wt?.dispose();
  return y;
}
