// Fused RMSProp step of one parameter tensor, in place (PyTorch 1.13 `torch.optim.RMSprop`):
//   decoupled wd: p *= 1 - lr*wd          L2 wd: g += wd*p
//   v = alpha*v + (1-alpha)*g*g
//   centered: gavg = alpha*gavg + (1-alpha)*g ; avg = sqrt(v - gavg*gavg) + eps,  else avg = sqrt(v) + eps
//   momentum > 0: buf = momentum*buf + g/avg ; p -= lr*buf      else p -= lr * g/avg
// The rule is `_rmsprop.wgsl` and the kernels `_optim_step.wgsl`; `rmsprop_vec4.wgsl` is the same over vec4<f32>.
alias T = f32;
const LANES: u32 = 1u;
//#include "_rmsprop.wgsl"
