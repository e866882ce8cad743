// The taps of a convolution as pipeline constants, shared by `im2col.wgsl` and `conv2d_direct.wgsl`
// (set from the geometry by `tapConstants` in `src/tensor/ops/_conv_direct.ts`): kernel size, stride
// and dilation, so that the tap loops unroll and their divisions fold at compile time.
override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: u32 = 1u;
override SW: u32 = 1u;
override DH: u32 = 1u;
override DW: u32 = 1u;
