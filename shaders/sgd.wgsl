// Fused SGD step of one parameter tensor, in place (PyTorch 1.13 `torch.optim.SGD` semantics):
//   decoupled wd: p *= 1 - lr*wd          L2 wd: g += wd*p
//   momentum != 0: buf = g on the buffer's first step, else buf = momentum*buf + (1-dampening)*g;
//                  g = nesterov ? g + momentum*buf : buf
//   p -= lr * g
// H is the parameter group's uniform (rewritten by setHypers, never recreated); M holds the tensor's size.
// The rule is `_sgd.wgsl` and the kernels `_optim_step.wgsl`; `sgd_vec4.wgsl` is the same over vec4<f32>.
alias T = f32;
const LANES: u32 = 1u;
//#include "_sgd.wgsl"
